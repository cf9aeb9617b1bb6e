/**
 * Every name the estate uses, in one place (docs/architecture.md, contract 4).
 *
 * Pulumi names: a child's name joins its parent's name and its own part with "/", a character no
 * logical vault name and no Key Vault object name can contain, so two different objects can never
 * produce the same URN (a URN holds the parent's *type* chain and the child's name, not the
 * parent's name). Names are never changed once deployed; where one was, the old name is kept as
 * `formerly` and the component declares it as an alias, so an existing stack replaces nothing.
 *
 * Physical names: vault and Managed HSM names are global DNS names, so a generated one carries a
 * short random suffix that `@pulumi/random` keeps stable in state; a vault may also name its
 * physical name itself (`physicalName`). Everything else derives from logical names only.
 */

/** The project name: the config namespace (`keyvault-estate:<key>`) and the Pulumi project. */
export const PROJECT = "keyvault-estate";

/** Length of the random suffix on vault, pool and storage names. 36^5 ≈ 60 million per prefix. */
export const SUFFIX_LENGTH = 5;

export type VaultKind = "vault" | "managedHsm";

const PREFIX: Record<VaultKind, string> = { vault: "kv", managedHsm: "hsm" };

/** A Pulumi resource name, and the name it had before, if it was ever renamed. */
export interface ResourceName {
  readonly name: string;
  /** The name this resource was registered under before; declared as an alias. */
  readonly formerly?: string;
}

/** Joins name parts into a child's Pulumi name. */
export function childName(...parts: readonly string[]): string {
  return parts.join("/");
}

/** The physical name of a vault or pool: `kv-<logical>-<env>-<suffix>` / `hsm-<logical>-<env>-<suffix>`. */
export function vaultName(
  kind: VaultKind,
  logical: string,
  envShort: string,
  suffix: string,
): string {
  return `${PREFIX[kind]}-${logical}-${envShort}-${suffix}`;
}

/** The longest logical name whose generated physical name still fits Azure's 24 characters. */
export function maxLogicalLength(kind: VaultKind, envShort: string): number {
  return 24 - vaultName(kind, "", envShort, "x".repeat(SUFFIX_LENGTH)).length;
}

/** The physical name of the audit-log storage account: `stkvaudit<env><suffix>`. */
export function storageAccountName(envShort: string, suffix: string): string {
  return `stkvaudit${envShort}${suffix}`;
}

export function workspaceName(envShort: string): string {
  return `log-kv-audit-${envShort}`;
}

export function defaultResourceGroupName(envShort: string): string {
  return `rg-kv-${envShort}`;
}

/** The private endpoint's physical name and its connection's, per store kind. */
export function privateEndpointNames(kind: VaultKind, logical: string, envShort: string) {
  const base = `${PREFIX[kind]}-${logical}-${envShort}`;
  return { endpoint: `pe-${base}`, connection: base };
}

/** The Pulumi names of the estate's own resources. */
export const ESTATE_NAMES = {
  estate: "estate",
  resourceGroup: { name: "estate/rg", formerly: "estate-rg" },
  sinks: { name: "estate/sinks", formerly: "estate-sinks" },
  workspace: { name: "estate/sinks/workspace", formerly: "estate-sinks-workspace" },
  archive: { name: "estate/sinks/archive", formerly: "estate-sinks-archive" },
  archiveSuffix: { name: "estate/sinks/archive/suffix", formerly: "estate-sinks-archive-suffix" },
  /** The `StackReference` to the platform stack whose sinks this estate uses (`fromStack`). */
  platformStack: { name: "estate/sinks/platform" },
  archiveLifecycle: {
    name: "estate/sinks/archive/lifecycle",
    formerly: "estate-sinks-archive-lifecycle",
  },
} as const satisfies Record<string, string | ResourceName>;

/** The Pulumi names of the resources around one vault or pool, from its logical name. */
export function vaultResourceNames(vault: string) {
  const renamed = (part: string, old: string): ResourceName => ({
    name: childName(vault, part),
    formerly: `${vault}-${old}`,
  });
  return {
    component: vault,
    store: vault,
    suffix: renamed("suffix", "suffix"),
    audit: renamed("audit", "audit"),
    lock: renamed("lock", "lock"),
    privateEndpoint: renamed("pe", "pe"),
    privateDnsZoneGroup: { name: childName(vault, "pe", "dns"), formerly: `${vault}-pe-dns` },
    keys: renamed("keys", "keys"),
    secrets: { name: childName(vault, "secrets") } as ResourceName,
    access: renamed("access", "access"),
  };
}

export type VaultResourceNames = ReturnType<typeof vaultResourceNames>;

/** A key's Pulumi name. Formerly `<vault>-keys-<key>`, which could collide across vaults. */
export function keyResourceName(vault: string, key: string): ResourceName {
  return { name: childName(vault, "keys", key), formerly: `${vault}-keys-${key}` };
}

/** A secret's Pulumi name. Formerly `<vault>-<secret>`: vault `a` + `b-c` met vault `a-b` + `c`. */
export function secretResourceName(vault: string, secret: string): ResourceName {
  return { name: childName(vault, "secrets", secret), formerly: `${vault}-${secret}` };
}

/** A generated secret's `RandomPassword`. Formerly `<vault>--<secret>`, at the stack root. */
export function passwordResourceName(vault: string, secret: string): ResourceName {
  return { name: childName(vault, "secrets", secret, "value"), formerly: `${vault}--${secret}` };
}

/**
 * A role assignment's Pulumi name: `<vault>/access/<scope>/<role slug or GUID>/<principal>`.
 * Formerly `<vault>-access/…`. "/" cannot occur inside a vault, object, role slug or GUID, so
 * distinct grants never share a name, and the name never changes for a grant.
 */
export function grantResourceName(
  vault: string,
  scope: string,
  role: string,
  principalId: string,
): ResourceName {
  const tail = `${scope}/${role}/${principalId}`;
  return { name: childName(vault, "access", tail), formerly: `${vault}-access/${tail}` };
}

/**
 * Where the entry's secret values keep the webhook URL: no logical vault can be named
 * `(insights)` (vault names are lower-case letters, digits and hyphens), so it never meets a vault.
 */
export const WEBHOOK_SOURCE = { vault: "(insights)", secret: "webhook" } as const;
