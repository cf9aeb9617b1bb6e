import { expect } from "chai";
import { INSIGHT_TOKENS } from "../../policies/monitor/expiryEventsAndAlerts";
import { TOKENS } from "../../policies/lib/tokens";
import type { PlannedResource } from "../../tools/contract/plan";
import { findings, messages, planned } from "./helpers";

const POLICY = "monitor-diagnostics-keyvault-expiry-events-and-alerts";

const EVENT_TYPES = [
  "Microsoft.KeyVault.SecretNearExpiry",
  "Microsoft.KeyVault.SecretExpired",
  "Microsoft.KeyVault.KeyNearExpiry",
  "Microsoft.KeyVault.KeyExpired",
];

/** A compliant estate: one vault, its topic and expiry subscription, an alert rule to a group. */
function estate(
  change: {
    topic?: (i: Record<string, unknown>) => void;
    subscription?: (i: Record<string, unknown>) => void;
    rule?: (i: Record<string, unknown>) => void;
    linkSubscription?: boolean;
    withRule?: boolean;
    withTopic?: boolean;
  } = {},
): PlannedResource[] {
  const vault = planned(TOKENS.vault, "payments", {
    vaultName: "kv-payments-prd-ab1cd",
    resourceGroupName: "rg-kv-prod",
  });
  const topicInputs: Record<string, unknown> = {
    resourceGroupName: "rg-kv-prod",
    systemTopicName: "evgt-kv-payments-prd",
    source:
      "/subscriptions/0/resourceGroups/rg-kv-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prd-ab1cd",
    topicType: "Microsoft.KeyVault.vaults",
  };
  change.topic?.(topicInputs);
  const topic = planned(INSIGHT_TOKENS.systemTopic, "payments/events/topic", topicInputs, {
    propertyDependencies: { source: [vault] },
  });
  const subInputs: Record<string, unknown> = {
    resourceGroupName: "rg-kv-prod",
    systemTopicName: "evgt-kv-payments-prd",
    eventSubscriptionName: "kv-expiry",
    filter: { includedEventTypes: [...EVENT_TYPES] },
    destination: { endpointType: "MonitorAlert", severity: "Sev2", actionGroups: ["/ag"] },
  };
  change.subscription?.(subInputs);
  const subscription = planned(
    INSIGHT_TOKENS.eventSubscription,
    "payments/events/expiry",
    subInputs,
    change.linkSubscription === false ? {} : { propertyDependencies: { systemTopicName: [topic] } },
  );
  const group = planned("azure-native:monitor:ActionGroup", "estate/insights/action-group", {
    actionGroupName: "ag-kv-insights-prd",
  });
  const ruleInputs: Record<string, unknown> = {
    ruleName: "kv-prd-delete-or-purge",
    criteria: { allOf: [{ query: "AZKVAuditLogs\n| where OperationName == 'KeyPurge'" }] },
    actions: { actionGroups: ["/subscriptions/0/.../actionGroups/ag-kv-insights-prd"] },
  };
  change.rule?.(ruleInputs);
  const rule = planned(INSIGHT_TOKENS.scheduledQueryRule, "estate/insights/alerts/x", ruleInputs);
  return [
    vault,
    ...(change.withTopic === false ? [] : [topic, subscription]),
    group,
    ...(change.withRule === false ? [] : [rule]),
  ];
}

describe(POLICY, () => {
  it("passes a vault with its topic, an expiry subscription and an alert rule to an action group", () => {
    expect(messages(POLICY, estate())).to.deep.equal([]);
  });

  it("flags a vault without a system topic", () => {
    expect(messages(POLICY, estate({ withTopic: false }))).to.deep.equal([
      "Vault 'payments' (kv-payments-prd-ab1cd) has no Event Grid system topic for its events.",
    ]);
  });

  it("flags a vault whose topic has no subscription with a destination", () => {
    expect(messages(POLICY, estate({ subscription: (s) => delete s.destination }))).to.deep.equal([
      "Vault 'payments' (kv-payments-prd-ab1cd) has no subscription to its expiry events.",
    ]);
  });

  it("flags a subscription that misses the key expiry events", () => {
    expect(
      messages(
        POLICY,
        estate({
          subscription: (s) =>
            (s.filter = {
              includedEventTypes: EVENT_TYPES.filter(
                (t) => !t.startsWith("Microsoft.KeyVault.Key"),
              ),
            }),
        }),
      ),
    ).to.deep.equal([
      "Vault 'payments' (kv-payments-prd-ab1cd)'s event subscriptions do not receive Microsoft.KeyVault.KeyNearExpiry, Microsoft.KeyVault.KeyExpired.",
    ]);
  });

  it("accepts a subscription without a filter (it receives every event type)", () => {
    expect(messages(POLICY, estate({ subscription: (s) => delete s.filter }))).to.deep.equal([]);
  });

  it("links a subscription to its topic by name when no dependency was recorded", () => {
    expect(messages(POLICY, estate({ linkSubscription: false }))).to.deep.equal([]);
    expect(
      messages(
        POLICY,
        estate({ linkSubscription: false, subscription: (s) => (s.systemTopicName = "other") }),
      ),
    ).to.deep.equal([
      "Vault 'payments' (kv-payments-prd-ab1cd) has no subscription to its expiry events.",
    ]);
  });

  it("does not count a topic of another type (a storage account's) as the vault's", () => {
    expect(
      messages(
        POLICY,
        estate({ topic: (t) => (t.topicType = "Microsoft.Storage.StorageAccounts") }),
      ),
    ).to.deep.equal([
      "Vault 'payments' (kv-payments-prd-ab1cd) has no Event Grid system topic for its events.",
    ]);
  });

  it("flags an estate with no alert rule over AZKVAuditLogs", () => {
    expect(messages(POLICY, estate({ withRule: false }))).to.deep.equal([
      "No scheduled query rule alerts on the vaults' audit logs (AZKVAuditLogs).",
    ]);
    expect(
      messages(
        POLICY,
        estate({ rule: (r) => (r.criteria = { allOf: [{ query: "AzureActivity" }] }) }),
      ),
    ).to.deep.equal(["No scheduled query rule alerts on the vaults' audit logs (AZKVAuditLogs)."]);
  });

  it("flags an alert rule that notifies no action group", () => {
    expect(messages(POLICY, estate({ rule: (r) => delete r.actions }))).to.deep.equal([
      "Alert rule 'estate/insights/alerts/x' notifies no action group.",
    ]);
  });

  it("asks nothing where its config turns both checks off (dev, insights off by default)", () => {
    const config = {
      [POLICY]: { requireExpirySubscription: false, requireAlertRules: false },
    };
    expect(messages(POLICY, estate({ withTopic: false, withRule: false }), config)).to.deep.equal(
      [],
    );
  });

  it("reports at advisory level by default", () => {
    expect(
      findings(POLICY, estate({ withRule: false })).map((f) => f.enforcementLevel),
    ).to.deep.equal(["advisory"]);
  });
});
