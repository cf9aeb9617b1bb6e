import { z } from "zod";
import { Baseline } from "../../stacks";
import { childName, ResourceName, VaultKind, VaultResourceNames } from "./names";
import type {
  ResolvedDiagnosticSetting,
  ResolvedLock,
  ResolvedPrivateEndpoint,
  Tags,
} from "./types";
import {
  armId,
  checkUnique,
  eventHubRuleId,
  privateDnsZoneId,
  storageAccountId,
  subnetId,
  workspaceId,
} from "./validation";

/**
 * A store's interfaces, in Azure Verified Modules' sense (the typed sub-arguments every AVM
 * resource module shares): its management lock, its private endpoints and its diagnostic settings,
 * as the stack config writes them (the shapes AVM takes:
 * `lock: { kind, name }`, `privateEndpoints: [...]`, `diagnosticSettings: [...]`). The schemas
 * check each field; `checkStoreInterfaces` applies the cross-field and Azure rules once the vault
 * parsed; the `resolve…` functions fix every default and Pulumi name.
 */

// --- locks ---------------------------------------------------------------------------------------

/** The lock's Azure name used when the config names none (the name deployed stacks carry). */
const DEFAULT_LOCK_NAMES = {
  CanNotDelete: "keyvault-estate-do-not-delete",
  ReadOnly: "keyvault-estate-read-only",
} as const;

/**
 * Azure's rule for a lock name (Microsoft.Authorization locks REST API, `lockName`: "can be a
 * maximum of 260 characters. It cannot contain <, > %, &, :, \, ?, /, or any control characters").
 */
const lockName = z.string({ error: "must be a string" }).regex(/^[^<>%&:\\?/\p{Cc}]{1,260}$/u, {
  error: "must be 1-260 characters without <, >, %, &, :, \\, ?, / or control characters",
});

const LOCK_SHAPE = 'must be "CanNotDelete", "none", or { kind: CanNotDelete | ReadOnly, name }';

const lockObject = <const K extends readonly [string, ...string[]]>(kinds: K) =>
  z.strictObject(
    {
      kind: z.enum(kinds, { error: `kind must be ${kinds.map((k) => `"${k}"`).join(" or ")}` }),
      /** Defaults to `keyvault-estate-do-not-delete` (CanNotDelete) or `keyvault-estate-read-only`. */
      name: lockName.optional(),
    },
    { error: LOCK_SHAPE },
  );

/** A store's `lock`: the string form (`CanNotDelete`, `none`) or `{ kind, name }`. */
export function storeLockSchema(b: Baseline) {
  return z
    .preprocess(
      (v) => (v === "CanNotDelete" || v === "ReadOnly" || v === "none" ? { kind: v } : v),
      lockObject(["CanNotDelete", "ReadOnly", "none"]),
    )
    .refine((l) => l.kind !== "none" || b.vault.lockRelaxable, {
      error: `must be CanNotDelete in ${b.environment}`,
    })
    .default({ kind: b.vault.lock });
}

/** A private endpoint's own `lock` (none unless asked, as the Terraform AVM module does). */
const endpointLockSchema = lockObject(["CanNotDelete", "ReadOnly"]);

export interface LockConfig {
  readonly kind: "CanNotDelete" | "ReadOnly" | "none";
  readonly name?: string;
}

// --- private endpoints ---------------------------------------------------------------------------

/** Azure's private endpoint name rule: 2-64 letters, digits, `_`, `.`, `-`; alphanumeric first. */
const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const asgId = armId("an application security group", [
  "Microsoft.Network/applicationSecurityGroups",
]);

export const privateEndpointSchema = z.strictObject({
  /** The endpoint's Azure name, unique in its resource group. Required: list items are keyed by it. */
  name: z.string().regex(ENDPOINT_NAME, {
    error:
      "must be 2-64 letters, digits, underscores, periods or hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
  }),
  subnetId,
  /** Creates the `default` DNS zone group; leave out when Azure Policy or another team manages DNS. */
  privateDnsZoneId: privateDnsZoneId.optional(),
  /** A fixed private IP address from the subnet; default: Azure allocates one. */
  staticIp: z.string().regex(IPV4, { error: "must be an IPv4 address" }).optional(),
  applicationSecurityGroupIds: z.array(asgId).default([]),
  /** Another resource group of the estate's subscription (a spoke's). Default: the estate's. */
  resourceGroup: z
    .string()
    .regex(/^[-\w._()]{1,89}[-\w_()]$/, {
      error:
        "must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending with a period",
    })
    .optional(),
  /** The virtual network's region. Default: the estate's `azure-native:location`. */
  location: z
    .string()
    .regex(/^[a-z0-9]+$/, { error: "must be an Azure region name such as westeurope" })
    .optional(),
  /** Merged over the vault's tags; the reserved ones stay the estate's. */
  tags: z.record(z.string().min(1).max(512), z.string().max(256)).default({}),
  lock: endpointLockSchema.optional(),
});

export type PrivateEndpointConfig = z.output<typeof privateEndpointSchema>;

// --- diagnostic settings -------------------------------------------------------------------------

/** The default setting's Azure name; a list item with this name keeps the deployed resource. */
const DEFAULT_DIAGNOSTIC_SETTING = "keyvault-estate-audit";

/**
 * What each store kind logs (Azure Monitor's supported log categories: Microsoft.KeyVault/vaults
 * `AuditEvent`, `AzurePolicyEvaluationDetails`; Microsoft.KeyVault/managedHSMs `AuditEvent`), and
 * which categories each group holds.
 */
const LOG_CATEGORIES: Record<VaultKind, readonly string[]> = {
  vault: ["AuditEvent", "AzurePolicyEvaluationDetails"],
  managedHsm: ["AuditEvent"],
};
const CATEGORY_GROUPS = ["audit", "allLogs"] as const;
const METRICS = ["AllMetrics"] as const;
/** Azure allows at most five diagnostic settings per resource. */
const MAX_SETTINGS = 5;

export const diagnosticSettingSchema = z.strictObject({
  /** The setting's Azure name, unique on the store. */
  name: z.string().regex(/^[^<>*%&:\\?/+#|\p{Cc}]{1,260}$/u, {
    error: "must be 1-260 characters without <, >, *, %, &, :, \\, ?, /, +, # or |",
  }),
  categoryGroups: z
    .array(z.enum(CATEGORY_GROUPS, { error: 'must be "audit" or "allLogs"' }))
    .optional(),
  /** Log categories (`AuditEvent`, `AzurePolicyEvaluationDetails`), instead of groups. */
  categories: z.array(z.string()).optional(),
  /** Default `[AllMetrics]`; `[]` sends no metrics. */
  metrics: z.array(z.enum(METRICS, { error: 'must be "AllMetrics"' })).default(["AllMetrics"]),
  /** Send to the estate's workspace and archive (and its Event Hub, if configured). */
  estateSinks: z.boolean().default(false),
  workspaceId: workspaceId.optional(),
  storageAccountId: storageAccountId.optional(),
  eventHub: z
    .strictObject({
      authorizationRuleId: eventHubRuleId,
      name: z.string().min(1).max(256).optional(),
    })
    .optional(),
  logAnalyticsDestinationType: z
    .enum(["Dedicated", "AzureDiagnostics"], { error: 'must be "Dedicated" or "AzureDiagnostics"' })
    .default("Dedicated"),
});

export type DiagnosticSettingConfig = z.output<typeof diagnosticSettingSchema>;

// --- rules ---------------------------------------------------------------------------------------

/** The parts of a parsed vault these rules read. */
export interface VaultWithInterfaces {
  readonly lock: LockConfig;
  readonly keys: readonly unknown[];
  readonly secrets: readonly unknown[];
  readonly access: readonly unknown[];
  readonly network: {
    readonly privateEndpoint?: unknown;
    readonly privateEndpoints?: readonly PrivateEndpointConfig[];
  };
  readonly diagnosticSettings?: readonly DiagnosticSettingConfig[];
}

type Issue = (path: PropertyKey[], message: string) => void;

/** Cross-field and Azure rules for a store's lock, private endpoints and diagnostic settings. */
export function checkStoreInterfaces(
  v: VaultWithInterfaces,
  kind: VaultKind,
  ctx: z.RefinementCtx,
): void {
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message });
  checkLock(v, issue);

  const endpoints = v.network.privateEndpoints;
  if (endpoints !== undefined) {
    if (v.network.privateEndpoint !== undefined) {
      issue(["network", "privateEndpoints"], "set privateEndpoint or privateEndpoints, not both");
    }
    checkUnique(endpoints, (e) => e.name, "name", "private endpoint name", ctx, [
      "network",
      "privateEndpoints",
    ]);
    endpoints.forEach((e, i) => {
      if (e.staticIp !== undefined && kind === "managedHsm") {
        // A vault's private-link group `vault` has the one member `default` (az network
        // private-link-resource list); the pool's member name is not verified here.
        issue(
          ["network", "privateEndpoints", i, "staticIp"],
          "applies to vaults only; a Managed HSM's endpoint takes the address Azure allocates",
        );
      }
    });
  }
  if (v.diagnosticSettings !== undefined) checkDiagnostics(v.diagnosticSettings, kind, ctx, issue);
}

/**
 * A ReadOnly lock refuses every ARM write under the store ("authorized users can read a resource,
 * but they can't delete or update the resource", and a lock applies to everything in its scope:
 * Microsoft Learn, "Lock your resources to protect your infrastructure"). Keys, secrets and role
 * assignments are ARM writes under the vault that this program makes after the vault exists (a
 * secret on every rotation), so with them the lock would block the estate's own deploys.
 */
function checkLock(v: VaultWithInterfaces, issue: Issue): void {
  if (v.lock.kind !== "ReadOnly") return;
  const writes = [
    v.keys.length > 0 ? "keys" : undefined,
    v.secrets.length > 0 ? "secrets" : undefined,
    v.access.length > 0 ? "role assignments (access)" : undefined,
  ].filter((w): w is string => w !== undefined);
  if (writes.length > 0) {
    issue(
      ["lock", "kind"],
      `ReadOnly refuses every ARM write under the store, and its ${writes.join(", ")} are ARM writes this program makes on later deploys (a secret on every rotation); use CanNotDelete, or keep them in another vault`,
    );
  }
}

/** The log categories a setting sends, with groups expanded (`audit` is `AuditEvent`). */
function logCategories(s: DiagnosticSettingConfig, kind: VaultKind): Set<string> {
  const all = LOG_CATEGORIES[kind];
  const out = new Set<string>(s.categories ?? []);
  for (const g of s.categoryGroups ?? []) {
    for (const c of g === "allLogs" ? all : ["AuditEvent"]) out.add(c);
  }
  return out;
}

/** Where a setting sends, as comparable keys (the estate's sinks count as their own keys). */
function destinations(s: DiagnosticSettingConfig): string[] {
  return [
    ...(s.estateSinks ? ["estate:workspace", "estate:archive", "estate:eventHub"] : []),
    ...(s.workspaceId ? [s.workspaceId.toLowerCase()] : []),
    ...(s.storageAccountId ? [s.storageAccountId.toLowerCase()] : []),
    ...(s.eventHub
      ? [`${s.eventHub.authorizationRuleId}|${s.eventHub.name ?? ""}`.toLowerCase()]
      : []),
  ];
}

function checkDiagnostics(
  settings: readonly DiagnosticSettingConfig[],
  kind: VaultKind,
  ctx: z.RefinementCtx,
  issue: Issue,
): void {
  const at = (i: number, ...rest: PropertyKey[]) => ["diagnosticSettings", i, ...rest];
  if (settings.length > MAX_SETTINGS) {
    issue(
      ["diagnosticSettings"],
      `Azure allows at most ${MAX_SETTINGS} diagnostic settings per resource`,
    );
  }
  checkUnique(settings, (s) => s.name, "name", "diagnostic setting name", ctx, [
    "diagnosticSettings",
  ]);
  settings.forEach((s, i) => {
    if (s.categoryGroups !== undefined && s.categories !== undefined) {
      issue(at(i, "categories"), "use categoryGroups or categories in one setting, not both");
    }
    (s.categories ?? []).forEach((c, j) => {
      if (!LOG_CATEGORIES[kind].includes(c)) {
        issue(
          at(i, "categories", j),
          `is not a log category of a ${kind === "vault" ? "vault" : "Managed HSM"} (${LOG_CATEGORIES[kind].join(", ")})`,
        );
      }
    });
    if (logCategories(s, kind).size === 0 && s.metrics.length === 0) {
      issue(at(i), "sends nothing: list categoryGroups, categories or metrics");
    }
    if (!s.estateSinks && !s.workspaceId && !s.storageAccountId && !s.eventHub) {
      issue(at(i), "needs a destination: estateSinks, workspaceId, storageAccountId or eventHub");
    }
    if (s.estateSinks && (s.workspaceId || s.storageAccountId)) {
      issue(
        at(i, s.workspaceId ? "workspaceId" : "storageAccountId"),
        "a setting has one workspace and one storage account, and estateSinks already names the estate's: use another setting",
      );
    }
  });
  // Azure refuses two settings of one resource that send the same category to the same
  // destination (Azure Monitor, "Diagnostic settings": a destination can be used by only one
  // setting per category).
  for (let i = 0; i < settings.length; i++) {
    for (let j = 0; j < i; j++) {
      const shared = destinations(settings[i]).filter((d) => destinations(settings[j]).includes(d));
      if (shared.length === 0) continue;
      const a = logCategories(settings[i], kind);
      const both = [...logCategories(settings[j], kind)].filter((c) => a.has(c));
      const metrics = settings[i].metrics.filter((m) => settings[j].metrics.includes(m));
      if (both.length + metrics.length > 0) {
        issue(
          at(i),
          `sends ${[...both, ...metrics].join(", ")} to a destination diagnosticSettings[${j}] also sends it to; Azure allows one setting per category and destination`,
        );
      }
    }
  }
}

// --- resolution ----------------------------------------------------------------------------------

const LOCK_NOTES: Record<VaultKind, Record<"CanNotDelete" | "ReadOnly", string>> = {
  vault: {
    CanNotDelete:
      "Managed by keyvault-estate: deleting this vault would destroy its keys and secrets.",
    ReadOnly:
      "Managed by keyvault-estate: the vault is read-only; lift this lock to change its settings.",
  },
  managedHsm: {
    CanNotDelete:
      "Managed by keyvault-estate: deleting this Managed HSM would destroy its keys and security domain.",
    ReadOnly:
      "Managed by keyvault-estate: the Managed HSM is read-only; lift this lock to change its settings.",
  },
};

/** The store's lock, or none. */
export function resolveStoreLock(
  lock: LockConfig,
  kind: VaultKind,
  names: VaultResourceNames,
): ResolvedLock | undefined {
  if (lock.kind !== "CanNotDelete" && lock.kind !== "ReadOnly") return undefined;
  return {
    resource: names.lock,
    name: lock.name ?? DEFAULT_LOCK_NAMES[lock.kind],
    level: lock.kind,
    notes: LOCK_NOTES[kind][lock.kind],
  };
}

/** Per store kind: the private-link group and the DNS zone config name. */
const PRIVATE_LINK: Record<VaultKind, { groupId: string; zoneConfigName: string }> = {
  vault: { groupId: "vault", zoneConfigName: "privatelink-vaultcore" },
  // A Managed HSM resolves through privatelink.managedhsm.azure.net, not the vaults' vaultcore zone.
  managedHsm: { groupId: "managedhsm", zoneConfigName: "privatelink-managedhsm" },
};

/** What the resolution of a store's endpoints needs to know about the store. */
export interface EndpointContext {
  readonly vault: string;
  readonly kind: VaultKind;
  readonly names: VaultResourceNames;
  /** The first-generation endpoint's Azure and connection names (`pe-kv-<name>-<env>`). */
  readonly legacy: { readonly endpoint: string; readonly connection: string };
  readonly location: string;
  readonly vaultTags: Tags;
  readonly estateTags: Tags;
}

/**
 * Every private endpoint of a store. The single `privateEndpoint` keeps the names it was deployed
 * under (`<vault>/pe`). In `privateEndpoints`, an item that carries the first-generation Azure name
 * takes those same Pulumi names, so moving to the list changes nothing; every other item is
 * `<vault>/pe/<name>`. All share the first-generation connection name: a connection name only has
 * to be unique within its endpoint.
 */
export function resolvePrivateEndpoints(
  network: {
    readonly privateEndpoint?: { readonly subnetId: string; readonly privateDnsZoneId: string };
    readonly privateEndpoints?: readonly PrivateEndpointConfig[];
  },
  c: EndpointContext,
): ResolvedPrivateEndpoint[] {
  const list: PrivateEndpointConfig[] =
    network.privateEndpoints !== undefined
      ? [...network.privateEndpoints]
      : network.privateEndpoint
        ? [
            {
              name: c.legacy.endpoint,
              subnetId: network.privateEndpoint.subnetId,
              privateDnsZoneId: network.privateEndpoint.privateDnsZoneId,
              applicationSecurityGroupIds: [],
              tags: {},
            },
          ]
        : [];
  return list.map((e): ResolvedPrivateEndpoint => {
    const first = e.name === c.legacy.endpoint;
    const resource: ResourceName = first
      ? c.names.privateEndpoint
      : { name: childName(c.vault, "pe", e.name) };
    const dns: ResourceName = first
      ? c.names.privateDnsZoneGroup
      : { name: childName(c.vault, "pe", e.name, "dns") };
    return {
      resource,
      ...(e.privateDnsZoneId !== undefined ? { dnsZoneGroup: dns } : {}),
      name: e.name,
      connectionName: c.legacy.connection,
      subnetId: e.subnetId,
      ...(e.privateDnsZoneId !== undefined ? { privateDnsZoneId: e.privateDnsZoneId } : {}),
      ...PRIVATE_LINK[c.kind],
      ...(e.resourceGroup !== undefined ? { resourceGroup: e.resourceGroup } : {}),
      location: e.location ?? c.location,
      ...(e.staticIp !== undefined ? { staticIp: e.staticIp } : {}),
      applicationSecurityGroupIds: [...e.applicationSecurityGroupIds],
      tags: { ...c.vaultTags, ...e.tags, ...c.estateTags },
      ...(e.lock
        ? {
            lock: {
              resource: { name: childName(resource.name, "lock") },
              name: e.lock.name ?? DEFAULT_LOCK_NAMES[e.lock.kind],
              level: e.lock.kind,
              notes:
                e.lock.kind === "CanNotDelete"
                  ? "Managed by keyvault-estate: deleting this private endpoint would cut the vault off its network."
                  : "Managed by keyvault-estate: the private endpoint is read-only; lift this lock to change it.",
            },
          }
        : {}),
    };
  });
}

/**
 * A store's diagnostic settings: the configured list, or the default single setting that sends the
 * estate's category group (`audit`, or `allLogs`) and `AllMetrics` to every estate sink. A list
 * item named `keyvault-estate-audit` keeps the default's Pulumi name (`<vault>/audit`), so the
 * deployed setting is updated in place, never replaced.
 */
export function resolveDiagnosticSettings(
  settings: readonly DiagnosticSettingConfig[] | undefined,
  vault: string,
  names: VaultResourceNames,
  estateCategoryGroup: "audit" | "allLogs",
): ResolvedDiagnosticSetting[] {
  const list: DiagnosticSettingConfig[] = settings
    ? [...settings]
    : [
        {
          name: DEFAULT_DIAGNOSTIC_SETTING,
          categoryGroups: [estateCategoryGroup],
          metrics: ["AllMetrics"],
          estateSinks: true,
          logAnalyticsDestinationType: "Dedicated",
        },
      ];
  return list.map((s) => ({
    resource:
      s.name === DEFAULT_DIAGNOSTIC_SETTING
        ? names.audit
        : { name: childName(vault, "diagnostics", s.name) },
    name: s.name,
    categoryGroups: [...(s.categoryGroups ?? [])],
    categories: [...(s.categories ?? [])],
    metrics: [...s.metrics],
    estateSinks: s.estateSinks,
    ...(s.workspaceId !== undefined ? { workspaceId: s.workspaceId } : {}),
    ...(s.storageAccountId !== undefined ? { storageAccountId: s.storageAccountId } : {}),
    ...(s.eventHub !== undefined ? { eventHub: { ...s.eventHub } } : {}),
    logAnalyticsDestinationType: s.logAnalyticsDestinationType,
  }));
}
