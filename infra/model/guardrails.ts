import { z } from "zod";
import type { Baseline } from "../../stacks";
import { armName, MAX_TAGS, PRIVATE_DNS_ZONE } from "../azure/limits";
import {
  EXPORTABLE_KEY_POLICY,
  exportableKeySettings,
  exportableKeyViolation,
} from "../azure/releasePolicy";
import {
  ALLOWED_SUBSCRIPTIONS_POLICY,
  allowedSubscriptions,
  subscriptionIdOf,
} from "../azure/subscriptions";
import { keyResourceName, VaultKind } from "./names";
import { policySettings } from "./policyConfig";

/**
 * Guardrails that span a vault or the estate and follow the policy pack's per-environment config:
 * exportable keys, references into other subscriptions, private DNS zone names and Azure's tag
 * limits. Each reports through the schema's refinement context, at the field's path, so a stack
 * learns every problem at once.
 */

type Issue = (path: PropertyKey[], message: string) => void;
type TagMap = Readonly<Record<string, string>>;

/** The tags the estate sets on every taggable resource; a stack may not set them itself. */
const RESERVED_TAGS = ["environment", "managed-by"] as const;

/** The parts of a parsed vault these rules read (the schema's output, read leniently). */
export interface VaultWithInterfacesShape {
  readonly name: string;
  readonly tier: string;
  readonly tags: TagMap;
  readonly network: {
    readonly privateEndpoint?: { readonly subnetId: string; readonly privateDnsZoneId?: string };
    readonly privateEndpoints?: readonly {
      readonly subnetId: string;
      readonly privateDnsZoneId?: string;
      readonly tags?: TagMap;
    }[];
  };
  readonly diagnosticSettings?: readonly {
    readonly workspaceId?: string;
    readonly storageAccountId?: string;
    readonly eventHub?: { readonly authorizationRuleId: string };
  }[];
  readonly keys: readonly {
    readonly name: string;
    readonly exportable?: boolean;
    readonly releasePolicy?: { readonly data: string };
    readonly tags?: TagMap;
  }[];
  readonly secrets: readonly { readonly name: string; readonly tags?: TagMap }[];
}

/** Exportable keys, private DNS zones and referenced subscriptions of one vault. */
export function checkVaultGuardrails(
  v: VaultWithInterfacesShape,
  kind: VaultKind,
  b: Baseline,
  ctx: z.RefinementCtx,
): void {
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message });
  checkExportableKeys(v, b, issue);
  checkPrivateDns(v, kind, issue);
  const refs = subscriptionRule(b);
  const endpoints = v.network.privateEndpoints ?? [];
  const single = v.network.privateEndpoint;
  const at = (i: number, field: string) =>
    v.network.privateEndpoints
      ? ["network", "privateEndpoints", i, field]
      : ["network", "privateEndpoint", field];
  [...(single ? [single] : []), ...endpoints].forEach((e, i) => {
    refs(at(i, "subnetId"), "the private endpoint's subnet", e.subnetId, issue);
    if (e.privateDnsZoneId) {
      refs(at(i, "privateDnsZoneId"), "the private DNS zone", e.privateDnsZoneId, issue);
    }
  });
  (v.diagnosticSettings ?? []).forEach((s, i) => {
    const path = (f: string) => ["diagnosticSettings", i, f];
    if (s.workspaceId) refs(path("workspaceId"), "the workspace", s.workspaceId, issue);
    if (s.storageAccountId) {
      refs(path("storageAccountId"), "the storage account", s.storageAccountId, issue);
    }
    if (s.eventHub) {
      refs(
        ["diagnosticSettings", i, "eventHub", "authorizationRuleId"],
        "the Event Hubs namespace",
        s.eventHub.authorizationRuleId,
        issue,
      );
    }
  });
}

/** The estate's sinks as the parsed `diagnostics` has them. */
export interface SinkShape {
  readonly logAnalytics: { readonly workspaceId?: string };
  readonly storage: { readonly accountId?: string };
  readonly eventHub?: { readonly authorizationRuleId: string };
}

/** Existing sinks and the Event Hubs stream must sit in a reviewed subscription where enforced. */
export function checkSinkGuardrails(d: SinkShape, b: Baseline, ctx: z.RefinementCtx): void {
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message });
  const refs = subscriptionRule(b);
  if (d.logAnalytics.workspaceId) {
    refs(["logAnalytics", "workspaceId"], "the workspace", d.logAnalytics.workspaceId, issue);
  }
  if (d.storage.accountId) {
    refs(["storage", "accountId"], "the archive account", d.storage.accountId, issue);
  }
  if (d.eventHub) {
    refs(
      ["eventHub", "authorizationRuleId"],
      "the Event Hubs namespace",
      d.eventHub.authorizationRuleId,
      issue,
    );
  }
}

type RefRule = (path: PropertyKey[], what: string, id: string, issue: Issue) => void;

/**
 * Refuses a reference into a subscription the pack does not list, where the policy is mandatory
 * (where it is advisory, the policy's finding in the plan flags it).
 */
function subscriptionRule(b: Baseline): RefRule {
  const s = policySettings(b.environment, ALLOWED_SUBSCRIPTIONS_POLICY);
  const allowed = allowedSubscriptions(s.properties);
  return (path, what, id, issue) => {
    if (!s.enforced) return;
    const sub = subscriptionIdOf(id);
    if (sub !== undefined && !allowed.includes(sub)) {
      issue(
        path,
        `${what} is in subscription ${sub}, which is not a reviewed subscription of the ${b.environment} estate (${ALLOWED_SUBSCRIPTIONS_POLICY}.allowedSubscriptionIds in policies/config/${b.environment}.json: ${allowed.join(", ") || "none"})`,
      );
    }
  };
}

function checkExportableKeys(v: VaultWithInterfacesShape, b: Baseline, issue: Issue): void {
  const s = policySettings(b.environment, EXPORTABLE_KEY_POLICY);
  if (!s.enforced) return;
  const settings = exportableKeySettings(s.properties);
  v.keys.forEach((k, i) => {
    // Without a release policy the key is refused already (keys.ts): judge the ones Azure would take.
    if (k.exportable !== true || k.releasePolicy === undefined) return;
    const name = keyResourceName(v.name, k.name).name;
    const violation = exportableKeyViolation(name, k.releasePolicy?.data, settings);
    if (violation) {
      issue(
        ["keys", i, "exportable"],
        `${violation.replace(/\.$/, "")}: in ${b.environment} both must be reviewed in ${EXPORTABLE_KEY_POLICY} (policies/config/${b.environment}.json)`,
      );
    }
  });
}

/** A private endpoint's DNS zone must be the one its store kind resolves through. */
function checkPrivateDns(v: VaultWithInterfacesShape, kind: VaultKind, issue: Issue): void {
  const want = PRIVATE_DNS_ZONE[kind];
  const check = (path: PropertyKey[], id: string | undefined) => {
    if (id !== undefined && armName(id) !== want) {
      issue(
        path,
        `names the zone ${armName(id)}; a ${kind === "vault" ? "vault" : "Managed HSM"} resolves through ${want}`,
      );
    }
  };
  check(
    ["network", "privateEndpoint", "privateDnsZoneId"],
    v.network.privateEndpoint?.privateDnsZoneId,
  );
  (v.network.privateEndpoints ?? []).forEach((e, i) =>
    check(["network", "privateEndpoints", i, "privateDnsZoneId"], e.privateDnsZoneId),
  );
}

/**
 * Azure's tag limits on the merged tag set of every resource (estate tags, then the vault's, then
 * the object's own, then the reserved ones), and the reserved names, which a stack may not set in
 * any letter case: ARM tag names are case-insensitive, so `Environment` would be the same tag.
 */
export function checkTagLimits(
  c: { readonly tags: TagMap; readonly vaults: readonly VaultWithInterfacesShape[] },
  ctx: z.RefinementCtx,
): void {
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message });
  const reserved = (path: PropertyKey[], tags: TagMap | undefined) => {
    for (const name of Object.keys(tags ?? {})) {
      const r = RESERVED_TAGS.find((t) => t === name.toLowerCase());
      if (r) {
        issue(
          [...path, name],
          `"${r}" is reserved: the estate sets it on every resource (${RESERVED_TAGS.join(", ")})`,
        );
      }
    }
  };
  const count = (
    path: PropertyKey[],
    layers: readonly (TagMap | undefined)[],
    max: number,
    what: string,
  ) => {
    const names = new Map<string, string>();
    const clashes: string[] = [];
    for (const layer of layers) {
      for (const name of Object.keys(layer ?? {})) {
        const lower = name.toLowerCase();
        const seen = names.get(lower);
        if (seen !== undefined && seen !== name) clashes.push(`"${name}" and "${seen}"`);
        names.set(lower, name);
      }
    }
    for (const r of RESERVED_TAGS) names.set(r, r);
    if (clashes.length > 0) {
      issue(
        path,
        `tags ${clashes.join(", ")} differ only in letter case, and Azure tag names are case-insensitive: use one spelling`,
      );
    }
    if (names.size > max) {
      issue(
        path,
        `${what} would carry ${names.size} tags (the estate's, the vault's, its own and the reserved ${RESERVED_TAGS.join(" and ")}); Azure allows ${max}`,
      );
    }
  };

  reserved(["tags"], c.tags);
  count(["tags"], [c.tags], MAX_TAGS.resource, "every resource");
  c.vaults.forEach((v, i) => {
    const at = (...rest: PropertyKey[]) => ["vaults", i, ...rest];
    reserved(at("tags"), v.tags);
    count(at("tags"), [c.tags, v.tags], MAX_TAGS.resource, "the vault");
    // Keys and secrets inherit the vault's tags: say so once, at the vault, when that alone is
    // too many; an object's own tags are judged at the object.
    const inherited = new Set(
      [...Object.keys(c.tags), ...Object.keys(v.tags), ...RESERVED_TAGS].map((t) =>
        t.toLowerCase(),
      ),
    );
    if (v.keys.length + v.secrets.length > 0 && inherited.size > MAX_TAGS.vaultObject) {
      issue(
        at("tags"),
        `every key and secret of the vault inherits ${inherited.size} tags (the estate's, the vault's and the reserved ${RESERVED_TAGS.join(" and ")}); Key Vault allows ${MAX_TAGS.vaultObject} per key or secret`,
      );
    }
    const objects = [
      ...v.keys.map((k, j) => ({ path: at("keys", j, "tags"), tags: k.tags, what: "the key" })),
      ...v.secrets.map((s, j) => ({
        path: at("secrets", j, "tags"),
        tags: s.tags,
        what: "the secret",
      })),
    ];
    for (const o of objects) {
      reserved(o.path, o.tags);
      if (Object.keys(o.tags ?? {}).length > 0 && inherited.size <= MAX_TAGS.vaultObject) {
        count(o.path, [c.tags, v.tags, o.tags], MAX_TAGS.vaultObject, o.what);
      }
    }
    (v.network.privateEndpoints ?? []).forEach((e, j) => {
      const path = at("network", "privateEndpoints", j, "tags");
      reserved(path, e.tags);
      if (Object.keys(e.tags ?? {}).length > 0) {
        count(path, [c.tags, v.tags, e.tags], MAX_TAGS.resource, "the private endpoint");
      }
    });
  });
}
