import type { PolicyResource } from "@pulumi/policy";
import { describe, known, linkedByDependency, linkedTargets } from "../lib/links";
import { configOf, OWN_POLICY, type EstateStackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

/** The usage-insights resource types this policy reads (azure-native v3 tokens). */
export const INSIGHT_TOKENS = {
  systemTopic: TOKENS.systemTopic,
  eventSubscription: TOKENS.systemTopicEventSubscription,
  scheduledQueryRule: TOKENS.scheduledQueryRule,
} as const;

/** Event Grid's Key Vault expiry events (articles/event-grid/event-schema-key-vault.md). */
const DEFAULT_EVENT_TYPES = [
  "Microsoft.KeyVault.SecretNearExpiry",
  "Microsoft.KeyVault.SecretExpired",
  "Microsoft.KeyVault.KeyNearExpiry",
  "Microsoft.KeyVault.KeyExpired",
];

const configSchema = {
  properties: {
    requireExpirySubscription: { type: "boolean" as const, default: true },
    requiredEventTypes: {
      type: "array" as const,
      items: { type: "string" as const },
      default: DEFAULT_EVENT_TYPES,
    },
    requireAlertRules: { type: "boolean" as const, default: true },
  },
};

interface Config {
  requireExpirySubscription: boolean;
  requiredEventTypes: string[];
  requireAlertRules: boolean;
}

/** The event types a subscription receives, or undefined when it takes every type (no filter). */
function includedEventTypes(subscription: PolicyResource): string[] | undefined {
  const types = known(() => subscription.props.filter?.includedEventTypes);
  return Array.isArray(types) ? types.filter((t): t is string => typeof t === "string") : undefined;
}

/** Whether a subscription has somewhere to deliver to (a destination of any endpoint type). */
function hasDestination(subscription: PolicyResource): boolean {
  const d = known(() => subscription.props.destination);
  return (
    (d !== undefined && d !== null) ||
    (subscription.propertyDependencies.destination ?? []).length > 0 ||
    known(() => subscription.props.deliveryWithResourceIdentity) != null
  );
}

/** The action groups a scheduled query rule notifies (ids or recorded dependencies). */
function notifiesActionGroup(rule: PolicyResource): boolean {
  if ((rule.propertyDependencies.actions ?? []).length > 0) return true;
  const groups = known(() => rule.props.actions?.actionGroups);
  return Array.isArray(groups) && groups.length > 0;
}

/** Whether a rule's query reads the vaults' audit table. */
function readsAuditLogs(rule: PolicyResource): boolean {
  const conditions = known(() => rule.props.criteria?.allOf);
  return (
    Array.isArray(conditions) &&
    conditions.some(
      (c: { query?: unknown }) => typeof c.query === "string" && /\bAZKVAuditLogs\b/.test(c.query),
    )
  );
}

export const monitorKeyVaultExpiryEventsAndAlerts: EstateStackPolicy = {
  name: "monitor-diagnostics-keyvault-expiry-events-and-alerts",
  description:
    "Every Key Vault has an Event Grid system topic with a subscription to its secret and key expiry events, and the vaults' audit logs have alert rules that notify an action group.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    'Turn on usage insights (keyvault-estate:insights, README "Usage insights"), or add an eventgrid.SystemTopic (topicType Microsoft.KeyVault.vaults, source the vault\'s id) with a SystemTopicEventSubscription filtered to SecretNearExpiry, SecretExpired, KeyNearExpiry and KeyExpired, and monitor.ScheduledQueryRules over AZKVAuditLogs whose actions name an action group.',
  controls: OWN_POLICY,
  configSchema,
  validateStack: (args, report) => {
    const config = configOf<Config>(args, configSchema);
    const vaults = ofType(args.resources, TOKENS.vault);
    if (config.requireExpirySubscription) {
      const topics = ofType(args.resources, INSIGHT_TOKENS.systemTopic).filter((t) =>
        sameText(
          known(() => t.props.topicType),
          "Microsoft.KeyVault.vaults",
        ),
      );
      const subscriptions = ofType(args.resources, INSIGHT_TOKENS.eventSubscription);
      for (const vault of vaults) {
        const vaultTopics = topics.filter(
          (t) => linkedTargets(t, "source", [vault], (p) => [p.source]).length > 0,
        );
        if (vaultTopics.length === 0) {
          report(
            `Vault ${describe(vault)} has no Event Grid system topic for its events.`,
            vault.urn,
          );
          continue;
        }
        const subs = subscriptions.filter(
          (s) =>
            hasDestination(s) &&
            (linkedByDependency(s, "systemTopicName", vaultTopics).length > 0 ||
              vaultTopics.some((t) =>
                sameText(
                  known(() => s.props.systemTopicName),
                  String(known(() => t.props.systemTopicName)),
                ),
              )),
        );
        const covered = (type: string) =>
          subs.some((s) => {
            const types = includedEventTypes(s);
            return types === undefined || types.some((t) => sameText(t, type));
          });
        const missing = config.requiredEventTypes.filter((type) => !covered(type));
        if (subs.length === 0) {
          report(`Vault ${describe(vault)} has no subscription to its expiry events.`, vault.urn);
        } else if (missing.length > 0) {
          report(
            `Vault ${describe(vault)}'s event subscriptions do not receive ${missing.join(", ")}.`,
            vault.urn,
          );
        }
      }
    }
    if (
      config.requireAlertRules &&
      vaults.length + ofType(args.resources, TOKENS.managedHsm).length > 0
    ) {
      const rules = ofType(args.resources, INSIGHT_TOKENS.scheduledQueryRule).filter(
        readsAuditLogs,
      );
      if (rules.length === 0) {
        report("No scheduled query rule alerts on the vaults' audit logs (AZKVAuditLogs).");
      } else {
        for (const rule of rules.filter((r) => !notifiesActionGroup(r))) {
          report(`Alert rule ${describe(rule)} notifies no action group.`, rule.urn);
        }
      }
    }
  },
};
