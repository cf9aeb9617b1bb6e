/**
 * Azure's naming rules and limits for what the estate creates (facts, not choices).
 */

/**
 * Vault and Managed HSM names: 3-24 letters, digits and single hyphens, starting with a letter and
 * ending with a letter or digit ("Key Vault naming rules", Microsoft.KeyVault naming in
 * learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 */
export const VAULT_NAME = /^(?=.{3,24}$)[a-zA-Z](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9]))*$/;

/** Storage account names: 3-24 lowercase letters and digits. */
export const STORAGE_NAME = /^[a-z0-9]{3,24}$/;

/** Key Vault object names (keys, secrets): 1-127 letters, digits and hyphens. */
export const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;
