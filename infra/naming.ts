/**
 * Deterministic physical names (DESIGN.md contract 4). Vault and Managed HSM names are global DNS
 * names, so they carry a short random suffix that `@pulumi/random` keeps stable in state; everything
 * else is derived from the logical name and the environment only.
 */

/** Length of the random suffix on vault, pool and storage names. 36^5 ≈ 60 million per prefix. */
export const SUFFIX_LENGTH = 5;

/** Azure's vault and Managed HSM name rule: 3-24 letters, digits and single hyphens, starting with a letter, ending with a letter or digit. */
export const VAULT_NAME = /^(?=.{3,24}$)[a-zA-Z](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9]))*$/;

/** Azure's storage account name rule: 3-24 lowercase letters and digits. */
export const STORAGE_NAME = /^[a-z0-9]{3,24}$/;

export type VaultKind = "vault" | "managedHsm";

const PREFIX: Record<VaultKind, string> = { vault: "kv", managedHsm: "hsm" };

/** The physical name of a vault or pool: `kv-<logical>-<env>-<suffix>` / `hsm-<logical>-<env>-<suffix>`. */
export function vaultName(
  kind: VaultKind,
  logical: string,
  envShort: string,
  suffix: string,
): string {
  return `${PREFIX[kind]}-${logical}-${envShort}-${suffix}`;
}

/** The longest logical name whose physical name still fits Azure's 24 characters. */
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
