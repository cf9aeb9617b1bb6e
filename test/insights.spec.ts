import { expect } from "chai";
import { VaultExpiryEvents } from "../infra/components/expiryEvents";
import { Insights, workspaceParts } from "../infra/components/insights";
import { workbookContent } from "../infra/components/workbookContent";
import { WriteChain } from "../infra/components/writeChain";
import { insightsSchema, resolveInsights } from "../infra/model/insights";
import type { ResolvedInsights } from "../infra/model/types";
import { BASELINES } from "../stacks";
import {
  clone,
  committedPlan,
  configProblems,
  input,
  ofType,
  planConfig,
  resolveConfig,
  runComponents,
  type PlannedResource,
  type StackConfigDoc,
} from "./helpers";

const BREAK_GLASS = "4E3D2C1B-0A9F-4E8D-B7C6-A5B4C3D2E1F0";
const APP = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";
const HSM_ADMIN = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const DEPLOYER = "33333333-3333-4333-8333-333333333333";
const WORKSPACE =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/log-shared";
/** An obvious fake: the webhook URL's token must never reach a report. */
const CANARY_URL = "https://hooks.example/alert?token=CANARY-WEBHOOK-TOKEN-6f1c";

const T = {
  savedSearch: "azure-native:operationalinsights:SavedSearch",
  actionGroup: "azure-native:monitor:ActionGroup",
  rule: "azure-native:monitor:ScheduledQueryRule",
  topic: "azure-native:eventgrid:SystemTopic",
  subscription: "azure-native:eventgrid:SystemTopicEventSubscription",
  workbook: "azure-native:applicationinsights:Workbook",
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  secret: "azure-native:keyvault:Secret",
} as const;
const INSIGHT_TYPES = Object.values(T).slice(0, 6);

/** A dev estate with insights turned on: one vault and one Managed HSM pool. */
function fixture(insights: Record<string, unknown> = {}): StackConfigDoc {
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": "dev",
    "keyvault-estate:resourceGroup": "rg-kv-Dev",
    "keyvault-estate:breakGlassPrincipals": [BREAK_GLASS],
    "keyvault-estate:vaults": [
      {
        name: "apps",
        tier: "standard",
        keys: [{ name: "cmk", type: "RSA", protection: "software", size: 3072, ops: ["wrapKey"] }],
        secrets: [{ name: "db-password", source: { env: "APPS_DB_PASSWORD" } }],
        access: [
          {
            principalId: APP,
            principalType: "ServicePrincipal",
            role: "Key Vault Secrets User",
            scope: "secret/db-password",
          },
        ],
      },
      { name: "pool", tier: "managedHsm", initialAdminObjectIds: [HSM_ADMIN] },
    ],
    "keyvault-estate:insights": {
      enabled: true,
      receivers: { email: [{ name: "secops", address: "secops@contoso.example" }] },
      knownPrincipals: [DEPLOYER],
      ...insights,
    },
  };
}

function insightsOf(doc: StackConfigDoc): ResolvedInsights {
  const insights = resolveConfig(doc).insights;
  if (!insights) throw new Error("insights are off");
  return insights;
}

/** Insights resolved straight from a baseline's defaults (no stack file). */
function fromBaseline(env: "dev" | "staging" | "prod") {
  const b = BASELINES[env];
  const config = insightsSchema(b).parse({
    enabled: true,
    receivers: { email: [{ name: "soc", address: "soc@contoso.example" }] },
  });
  const insights = resolveInsights({
    config,
    baseline: b,
    environment: env,
    resourceGroup: `rg-kv-${env}`,
    breakGlassPrincipals: [],
    vaults: [],
    tags: {},
  });
  if (!insights) throw new Error("insights are off");
  return insights;
}

const byType = (rs: readonly PlannedResource[], type: string) => rs.filter((r) => r.type === type);

describe("usage insights", () => {
  describe("model", () => {
    it("is off in dev unless the stack turns it on: no insights, no webhook input", () => {
      const doc = fixture();
      delete doc["keyvault-estate:insights"];
      const estate = resolveConfig(doc);
      expect(estate.insights).to.equal(undefined);
      expect(estate.secretSources.map((s) => s.name)).to.deep.equal(["APPS_DB_PASSWORD"]);
    });

    it("is on by the prod and staging baselines, with their alert rules and defaults", () => {
      const rules = (env: "staging" | "prod") =>
        fromBaseline(env).alerts.map((a) => [
          a.ruleName,
          a.threshold,
          a.windowSize,
          a.evaluationFrequency,
          a.severity,
        ]);
      expect(rules("prod")).to.deep.equal([
        ["kv-prd-denied-burst", 10, "PT15M", "PT5M", 2],
        ["kv-prd-unknown-principal", 0, "PT15M", "PT5M", 1],
        ["kv-prd-delete-or-purge", 0, "PT5M", "PT5M", 1],
      ]);
      expect(rules("staging")).to.deep.equal([
        ["kv-stg-denied-burst", 10, "PT15M", "PT5M", 2],
        ["kv-stg-unknown-principal", 0, "PT15M", "PT15M", 2],
      ]);
      expect(BASELINES.prod.insights.enabled).to.equal(true);
      expect(BASELINES.staging.insights.enabled).to.equal(true);
      expect(BASELINES.dev.insights.enabled).to.equal(false);
    });

    it("saves seven queries on AZKVAuditLogs in one category, narrowed to the estate's resource group", () => {
      const insights = insightsOf(fixture());
      expect(insights.category).to.equal("Key Vault estate (dev)");
      expect(insights.savedQueries.map((q) => q.savedSearchId)).to.deep.equal([
        "keyvault-estate-dev-secret-reads",
        "keyvault-estate-dev-key-operations",
        "keyvault-estate-dev-failed-requests",
        "keyvault-estate-dev-unknown-principals",
        "keyvault-estate-dev-configuration-changes",
        "keyvault-estate-dev-delete-recover",
        "keyvault-estate-dev-nearing-expiry",
      ]);
      for (const q of insights.savedQueries) {
        expect(q.query.split("\n").slice(0, 2), q.key).to.deep.equal([
          "AZKVAuditLogs",
          '| where _ResourceId contains "/resourcegroups/rg-kv-dev/providers/microsoft.keyvault/"',
        ]);
      }
      const query = (key: string) => insights.savedQueries.find((q) => q.key === key)?.query ?? "";
      expect(query("secret-reads")).to.contain('| where OperationName == "SecretGet"');
      expect(query("delete-recover")).to.contain('"KeyPurge"').and.contain('"SecretRecover"');
      expect(query("nearing-expiry")).to.contain('"SecretNearExpiryEventGridNotification"');
    });

    it("injects every principal the estate knows into the unknown-principal query and rule, lower-cased", () => {
      const insights = insightsOf(fixture());
      const known = [APP, BREAK_GLASS.toLowerCase(), DEPLOYER, HSM_ADMIN].sort();
      expect(insights.knownPrincipals).to.deep.equal(known);
      const literal = `!in (dynamic([${known.map((p) => `"${p}"`).join(", ")}]))`;
      const saved = insights.savedQueries.find((q) => q.key === "unknown-principals");
      expect(saved?.query).to.contain(literal);
      const rule = insights.alerts.find((a) => a.key === "unknownPrincipal");
      expect(rule?.query).to.contain(literal);
    });

    it("counts 403s, not the 401 authentication challenges, as denied", () => {
      const rule = insightsOf(fixture()).alerts.find((a) => a.key === "deniedBurst");
      expect(rule?.query.split("\n").pop()).to.equal("| where HttpStatusCode == 403");
    });

    it("turns minutes into the ISO 8601 durations Azure Monitor takes", () => {
      const insights = insightsOf(
        fixture({
          alerts: {
            deniedBurst: { windowMinutes: 60, frequencyMinutes: 30 },
            unknownPrincipal: { windowMinutes: 2880, frequencyMinutes: 1440 },
            deleteOrPurge: { enabled: true, threshold: 2, severity: 0 },
          },
        }),
      );
      expect(
        insights.alerts.map((a) => [
          a.key,
          a.windowSize,
          a.evaluationFrequency,
          a.threshold,
          a.severity,
        ]),
      ).to.deep.equal([
        ["deniedBurst", "PT1H", "PT30M", 20, 3],
        ["unknownPrincipal", "P2D", "P1D", 0, 3],
        ["deleteOrPurge", "PT1H", "PT1H", 2, 0],
      ]);
    });

    it("validates thresholds, windows and severities with their paths", () => {
      const problems = configProblems(
        fixture({
          alerts: {
            deniedBurst: { threshold: -1, windowMinutes: 7 },
            unknownPrincipal: { windowMinutes: 5, frequencyMinutes: 15 },
            deleteOrPurge: { severity: 5, frequencyMinutes: 1 },
          },
          expiry: { severity: 1.5 },
        }),
      );
      expect(problems).to.deep.equal([
        "insights.alerts.deniedBurst.threshold: must be 0..10000",
        "insights.alerts.deniedBurst.windowMinutes: must be one of 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440, 2880 minutes (what Azure Monitor log alerts accept)",
        "insights.alerts.unknownPrincipal.frequencyMinutes: must not exceed windowMinutes (5): requests between evaluations would never be counted",
        "insights.alerts.deleteOrPurge.frequencyMinutes: must be one of 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440 minutes (what Azure Monitor log alerts accept)",
        "insights.alerts.deleteOrPurge.severity: must be 0 (critical) .. 4 (verbose)",
        "insights.expiry.severity: must be a whole number 0 (critical) .. 4 (verbose)",
      ]);
    });

    it("stays on by the baseline alone, alerting into Azure Monitor until the stack names receivers", () => {
      const b = BASELINES.prod;
      const insights = resolveInsights({
        config: insightsSchema(b).parse(undefined),
        baseline: b,
        environment: "prod",
        resourceGroup: "rg-kv-prod",
        breakGlassPrincipals: [],
        vaults: [],
        tags: {},
      });
      expect(insights?.actionGroup).to.deep.equal({
        name: "ag-kv-insights-prd",
        shortName: "kv-prd",
        emails: [],
      });
      expect(insights?.alerts).to.have.length(3);
    });

    it("refuses enabled insights without a receiver, and bad receivers, naming each path", () => {
      expect(configProblems(fixture({ receivers: {} }))).to.deep.equal([
        "insights.receivers: needs at least one e-mail or webhook receiver when the stack turns insights on: alerts nobody receives are not monitoring",
      ]);
      expect(
        configProblems(
          fixture({
            receivers: {
              email: [
                { name: "soc", address: "not-an-address" },
                { name: "SOC", address: "soc@contoso.example" },
              ],
              webhook: { name: "hook", source: { env: "HOOK_URL", config: "hookUrl" } },
            },
            expiry: { delivery: "pager" },
          }),
        ),
      ).to.deep.equal([
        "insights.receivers.email[0].address: must be an e-mail address",
        "insights.receivers.webhook.source: must name exactly one pipeline-seeded source: { env: <variable> } or { config: <secret config key> }; the URL itself never goes in the stack file",
        'insights.receivers.email[1].name: duplicate receiver name "SOC" (also at insights.receivers.email[0].name)',
        'insights.expiry.delivery: must be "actionGroup" or "webhook"',
      ]);
      expect(configProblems(fixture({ expiry: { delivery: "webhook" } }))).to.deep.equal([
        "insights.expiry.delivery: is webhook, but receivers.webhook is not set",
      ]);
    });

    it("never takes the webhook URL itself, and refuses a config source stored in plain text", () => {
      expect(
        configProblems(
          fixture({ receivers: { webhook: { name: "hook", source: { url: CANARY_URL } } } }),
        ),
      ).to.deep.equal([
        'insights.receivers.webhook.source: unknown field "url"',
        "insights.receivers.webhook.source: must name exactly one pipeline-seeded source: { env: <variable> } or { config: <secret config key> }; the URL itself never goes in the stack file",
      ]);
      const doc = fixture({
        receivers: { webhook: { name: "hook", source: { config: "socHook" } } },
      });
      doc["keyvault-estate:socHook"] = CANARY_URL;
      const problems = configProblems(doc);
      expect(problems).to.deep.equal([
        "keyvault-estate:socHook: is the config source of a secret but is stored in plain text; set it with `pulumi config set --secret` (and rotate the value: it has been in the stack file)",
      ]);
      expect(problems.join("\n")).to.not.contain("CANARY");
    });

    it("lists the webhook as a pipeline input, by name only", () => {
      const estate = resolveConfig(
        fixture({ receivers: { webhook: { name: "soc", source: { env: "SOC_WEBHOOK_URL" } } } }),
      );
      expect(
        estate.secretSources.map(({ kind, name, vault, secret, path }) => ({
          kind,
          name,
          vault,
          secret,
          path,
        })),
      ).to.deep.equal([
        {
          kind: "env",
          name: "APPS_DB_PASSWORD",
          vault: "apps",
          secret: "db-password",
          path: "vaults[0].secrets[0]",
        },
        {
          kind: "env",
          name: "SOC_WEBHOOK_URL",
          vault: "(insights)",
          secret: "webhook",
          path: "insights.receivers.webhook",
        },
      ]);
    });

    it("gives each vault an expiry subscription and records the Managed HSM gap", () => {
      const { expiry, workbook } = insightsOf(fixture());
      expect(expiry.vaults).to.deep.equal([
        {
          vault: "apps",
          path: "vaults[0]",
          names: {
            component: "apps/events",
            topic: "apps/events/topic",
            subscription: "apps/events/expiry",
          },
          topicName: "evgt-kv-apps-dev",
          subscriptionName: "kv-expiry",
        },
      ]);
      expect(expiry.unsupported.map((u) => [u.vault, u.path])).to.deep.equal([
        ["pool", "vaults[1]"],
      ]);
      expect(expiry.eventTypes).to.deep.equal([
        "Microsoft.KeyVault.SecretNearExpiry",
        "Microsoft.KeyVault.SecretExpired",
        "Microsoft.KeyVault.KeyNearExpiry",
        "Microsoft.KeyVault.KeyExpired",
      ]);
      expect(workbook.resourceName).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(insightsOf(fixture()).workbook.resourceName).to.equal(workbook.resourceName);
    });
  });

  describe("components", () => {
    it("parses the workspace a saved search belongs in from its ARM id", () => {
      expect(workspaceParts(WORKSPACE)).to.deep.equal({
        resourceGroupName: "rg-logs",
        workspaceName: "log-shared",
      });
      expect(() => workspaceParts("/subscriptions/x/resourceGroups/rg")).to.throw(
        "not the ARM id of a Log Analytics workspace",
      );
    });

    it("wires every alert rule to the one action group, scoped to the workspace", async () => {
      const insights = insightsOf(fixture({ alerts: { deleteOrPurge: { enabled: true } } }));
      const rs = await runComponents(() => {
        new Insights("estate/insights", {
          insights,
          resourceGroupName: "rg-kv-dev",
          location: "westeurope",
          workspaceId: WORKSPACE,
        });
      });
      const [group] = byType(rs, T.actionGroup);
      expect(byType(rs, T.actionGroup)).to.have.length(1);
      expect(group.inputs).to.deep.include({
        actionGroupName: "ag-kv-insights-dev",
        groupShortName: "kv-dev",
        location: "Global",
        enabled: true,
        emailReceivers: [
          { name: "secops", emailAddress: "secops@contoso.example", useCommonAlertSchema: true },
        ],
        webhookReceivers: [],
      });
      const rules = byType(rs, T.rule);
      expect(rules.map((r) => r.name).sort()).to.deep.equal([
        "estate/insights/alerts/delete-or-purge",
        "estate/insights/alerts/denied-burst",
        "estate/insights/alerts/unknown-principal",
      ]);
      for (const rule of rules) {
        expect(input(rule, "actions.actionGroups"), rule.name).to.deep.equal([group.outputs.id]);
        expect(rule.dependsOn, rule.name).to.include(group.urn);
        expect(input(rule, "scopes"), rule.name).to.deep.equal([WORKSPACE]);
        expect(rule.inputs).to.deep.include({ kind: "LogAlert", skipQueryValidation: true });
      }
      const searches = byType(rs, T.savedSearch);
      expect(searches).to.have.length(7);
      for (const s of searches) {
        expect(s.inputs).to.deep.include({
          resourceGroupName: "rg-logs",
          workspaceName: "log-shared",
          category: "Key Vault estate (dev)",
          version: 2,
        });
      }
      const [workbook] = byType(rs, T.workbook);
      expect(workbook.inputs).to.deep.include({
        kind: "shared",
        category: "workbook",
        sourceId: WORKSPACE.toLowerCase(),
        resourceName: insights.workbook.resourceName,
        serializedData: workbookContent(insights.workbook, WORKSPACE),
      });
    });

    it("keeps the webhook URL a secret in the action group and the expiry subscription", async () => {
      const insights = insightsOf(
        fixture({
          receivers: { webhook: { name: "soc", source: { env: "SOC_WEBHOOK_URL" } } },
          expiry: { delivery: "webhook" },
        }),
      );
      const writes = new WriteChain();
      const rs = await runComponents(() => {
        const ins = new Insights("estate/insights", {
          insights,
          resourceGroupName: "rg-kv-dev",
          location: "westeurope",
          workspaceId: WORKSPACE,
          webhookUrl: CANARY_URL,
        });
        new VaultExpiryEvents("apps/events", {
          events: insights.expiry.vaults[0],
          expiry: insights.expiry,
          vaultId:
            "/subscriptions/0/resourceGroups/rg-kv-dev/providers/Microsoft.KeyVault/vaults/kv-apps-dev-x1",
          resourceGroupName: "rg-kv-dev",
          location: "westeurope",
          tags: {},
          actionGroupId: ins.actionGroupId,
          webhookUrl: CANARY_URL,
          writes,
        });
      });
      expect(input(byType(rs, T.actionGroup)[0], "webhookReceivers")).to.deep.equal([
        { name: "soc", serviceUri: "[secret]", useCommonAlertSchema: true },
      ]);
      expect(input(byType(rs, T.subscription)[0], "destination")).to.deep.equal({
        endpointType: "WebHook",
        endpointUrl: "[secret]",
      });
      expect(JSON.stringify(rs)).to.not.contain("CANARY");
    });

    it("delivers expiry events as a Monitor alert to the action group and joins the vault's write chain", async () => {
      const insights = insightsOf(fixture());
      const rs = await runComponents(() => {
        const writes = new WriteChain();
        const ins = new Insights("estate/insights", {
          insights,
          resourceGroupName: "rg-kv-dev",
          location: "westeurope",
          workspaceId: WORKSPACE,
        });
        const events = new VaultExpiryEvents("apps/events", {
          events: insights.expiry.vaults[0],
          expiry: insights.expiry,
          vaultId:
            "/subscriptions/0/resourceGroups/rg-kv-dev/providers/Microsoft.KeyVault/vaults/kv-apps-dev-x1",
          resourceGroupName: "rg-kv-dev",
          location: "westeurope",
          tags: { environment: "dev" },
          actionGroupId: ins.actionGroupId,
          writes,
        });
        expect(writes.next()).to.deep.equal([events.subscription]);
      });
      const [group] = byType(rs, T.actionGroup);
      const [topic] = byType(rs, T.topic);
      const [sub] = byType(rs, T.subscription);
      expect(topic.inputs).to.deep.equal({
        resourceGroupName: "rg-kv-dev",
        location: "westeurope",
        systemTopicName: "evgt-kv-apps-dev",
        source:
          "/subscriptions/0/resourceGroups/rg-kv-dev/providers/Microsoft.KeyVault/vaults/kv-apps-dev-x1",
        topicType: "Microsoft.KeyVault.vaults",
        tags: { environment: "dev" },
      });
      expect(sub.inputs).to.deep.include({
        systemTopicName: "evgt-kv-apps-dev",
        eventSubscriptionName: "kv-expiry",
        eventDeliverySchema: "CloudEventSchemaV1_0",
        destination: {
          endpointType: "MonitorAlert",
          actionGroups: [group.outputs.id],
          severity: "Sev3",
          description: "A secret or key of apps is near expiry or expired.",
        },
      });
      expect(sub.dependsOn).to.include.members([topic.urn, group.urn]);
    });

    it("lays the workbook out as a header, a time range and the five charts", () => {
      const wb = insightsOf(fixture()).workbook;
      const doc = JSON.parse(workbookContent(wb, WORKSPACE));
      expect(doc.version).to.equal("Notebook/1.0");
      expect(doc.fallbackResourceIds).to.deep.equal([WORKSPACE]);
      expect(
        doc.items.map(
          (i: {
            name: string;
            type: number;
            customWidth?: string;
            content: { visualization?: string };
          }) => [i.name, i.type, i.customWidth ?? "100", i.content.visualization ?? ""],
        ),
      ).to.deep.equal([
        ["header", 1, "100", ""],
        ["parameters", 9, "100", ""],
        ["requests-over-time", 3, "100", "timechart"],
        ["top-callers", 3, "50", "barchart"],
        ["denied-requests", 3, "50", "table"],
        ["operations-by-identity", 3, "50", "table"],
        ["nearing-expiry", 3, "50", "table"],
      ]);
      for (const item of doc.items.slice(2)) {
        expect(item.content.query.startsWith("AZKVAuditLogs\n"), item.name).to.equal(true);
        expect(item.content.crossComponentResources).to.deep.equal([WORKSPACE]);
      }
    });
  });

  describe("plans", () => {
    it("prod plans the saved queries, three alert rules, one action group, an expiry subscription per vault and the workbook, wired together", async () => {
      const plan = await committedPlan("prod");
      const rs = plan.resources;
      const count = (t: string) => ofType(plan, t).length;
      expect(
        [T.savedSearch, T.rule, T.actionGroup, T.topic, T.subscription, T.workbook].map(count),
      ).to.deep.equal([7, 3, 1, 2, 2, 1]);
      const group = ofType(plan, T.actionGroup)[0];
      for (const rule of ofType(plan, T.rule)) {
        expect(input(rule, "actions.actionGroups"), rule.name).to.deep.equal([group.id]);
      }
      const workspace = rs.find((r) => r.type === "azure-native:operationalinsights:Workspace");
      for (const r of [...ofType(plan, T.rule), ...ofType(plan, T.workbook)]) {
        expect(r.dependsOn, r.name).to.include(workspace?.urn);
      }
      for (const vault of ofType(plan, T.vault)) {
        const topic = ofType(plan, T.topic).find((t) => input(t, "source") === vault.id);
        expect(topic, vault.name).to.not.equal(undefined);
        const sub = ofType(plan, T.subscription).find((s) =>
          s.dependsOn.includes(topic?.urn ?? ""),
        );
        expect(input(sub ?? { inputs: {} }, "destination.actionGroups"), vault.name).to.deep.equal([
          group.id,
        ]);
        // Ahead of the vault's first key: its versions are created after the subscription.
        const firstKey = ofType(plan, T.key).find((k) => k.name.startsWith(`${vault.name}/keys/`));
        expect(firstKey?.dependsOn, vault.name).to.include(sub?.urn);
      }
      expect(plan.policyViolations.filter((v) => v.policy.includes("expiry-events"))).to.deep.equal(
        [],
      );
    });

    it("dev plans none of them", async () => {
      const plan = await committedPlan("dev");
      expect(INSIGHT_TYPES.map((t) => ofType(plan, t).length)).to.deep.equal([0, 0, 0, 0, 0, 0]);
    });

    it("a dev stack that enables them with a webhook plans them, requires the webhook and never shows its URL", async () => {
      const doc = clone(
        fixture({
          receivers: {
            email: [{ name: "secops", address: "secops@contoso.example" }],
            webhook: { name: "soc", source: { env: "SOC_WEBHOOK_URL" } },
          },
        }),
      );
      const report = await planConfig(doc, {
        env: { SOC_WEBHOOK_URL: CANARY_URL, APPS_DB_PASSWORD: "CANARY-DB-PASSWORD" },
      });
      expect(INSIGHT_TYPES.map((t) => ofType(report, t).length)).to.deep.equal([7, 1, 2, 1, 1, 1]);
      expect(report.requiredInputs).to.deep.include({
        kind: "env",
        name: "SOC_WEBHOOK_URL",
        vault: "(insights)",
        secret: "webhook",
        present: true,
      });
      expect(JSON.stringify(report)).to.not.contain("CANARY");
    });
  });
});
