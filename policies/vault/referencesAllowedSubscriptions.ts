import type { PolicyResource } from "@pulumi/policy";
import {
  ALLOWED_SUBSCRIPTIONS_POLICY,
  allowedSubscriptions,
  subscriptionIdOf,
  subscriptionViolation,
} from "../../infra/azure/subscriptions";
import { GUID_PATTERN } from "../../infra/azure/ids";
import { known } from "../lib/links";
import { OWN_POLICY, type EstateStackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";

const configSchema = {
  properties: {
    allowedSubscriptionIds: {
      type: "array" as const,
      items: {
        type: "string" as const,
        pattern: GUID_PATTERN,
      },
      uniqueItems: true,
      default: [],
    },
  },
};

const DNS_ZONE_GROUP = TOKENS.privateDnsZoneGroup;

/**
 * The ARM ids a resource references outside the stack: a value taken from another resource of the
 * stack (a property dependency: the estate's own workspace or archive) is the estate's, not a
 * reference, and is skipped.
 */
function references(r: PolicyResource): { what: string; id: string }[] {
  const own = (property: string) => (r.propertyDependencies[property] ?? []).length > 0;
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  const out: { what: string; id: string }[] = [];
  const add = (property: string, what: string, value: unknown) => {
    const id = text(value);
    if (id !== undefined && !own(property)) out.push({ what, id });
  };
  if (r.type === TOKENS.diagnosticSetting) {
    add(
      "workspaceId",
      "Its Log Analytics workspace",
      known(() => r.props.workspaceId),
    );
    add(
      "storageAccountId",
      "Its archive storage account",
      known(() => r.props.storageAccountId),
    );
    add(
      "eventHubAuthorizationRuleId",
      "Its Event Hubs namespace",
      known(() => r.props.eventHubAuthorizationRuleId),
    );
  } else if (r.type === TOKENS.privateEndpoint) {
    add(
      "subnet",
      "Its subnet",
      known(() => (r.props.subnet as { id?: unknown } | undefined)?.id),
    );
  } else if (r.type === DNS_ZONE_GROUP) {
    const configs = known(() => r.props.privateDnsZoneConfigs);
    for (const c of Array.isArray(configs) ? configs : []) {
      add(
        "privateDnsZoneConfigs",
        "Its private DNS zone",
        (c as { privateDnsZoneId?: unknown })?.privateDnsZoneId,
      );
    }
  }
  return out;
}

/** The subscription of the store a diagnostic setting or private endpoint serves, when known. */
function servedSubscription(r: PolicyResource): string | undefined {
  const ids =
    r.type === TOKENS.diagnosticSetting
      ? [known(() => r.props.resourceUri)]
      : r.type === TOKENS.privateEndpoint
        ? (
            known(
              () => r.props.privateLinkServiceConnections as { privateLinkServiceId?: unknown }[],
            ) ?? []
          ).map((c) => c?.privateLinkServiceId)
        : [];
  for (const id of ids) {
    if (typeof id === "string" && subscriptionIdOf(id)) return subscriptionIdOf(id);
  }
  return undefined;
}

export const vaultReferencesAllowedSubscriptions: EstateStackPolicy = {
  name: ALLOWED_SUBSCRIPTIONS_POLICY,
  description:
    "Audit-log destinations (existing workspace, archive, Event Hubs), private endpoint subnets and private DNS zones outside the estate are in a reviewed subscription.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Use a sink, subnet or DNS zone in one of the estate's subscriptions, or add the subscription to allowedSubscriptionIds in policies/config/<env>.json after review.",
  controls: OWN_POLICY,
  configSchema,
  validateStack: (args, report) => {
    const listed = allowedSubscriptions(args.getConfig<Record<string, unknown>>());
    const resources = [
      ...ofType(args.resources, TOKENS.diagnosticSetting),
      ...ofType(args.resources, TOKENS.privateEndpoint),
      ...ofType(args.resources, DNS_ZONE_GROUP),
    ];
    for (const r of resources) {
      // The subscription of what the resource serves (the vault a setting or endpoint is for) is
      // the estate's own, when known; the listed ones are reviewed.
      const home = servedSubscription(r);
      const allowed = home ? [...listed, home] : listed;
      for (const ref of references(r)) {
        const violation = subscriptionViolation(ref.what, ref.id, allowed);
        if (violation) report(`'${r.name}': ${violation}`, r.urn);
      }
    }
  },
};
