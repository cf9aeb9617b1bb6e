import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const vaultPurgeProtection: EstateResourcePolicy = {
  name: "keyvault-vault-purge-protection",
  description: "Key vaults have purge protection enabled (absent means off).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set properties.enablePurgeProtection to true. It is irreversible, and the vault name stays reserved for the retention period after deletion.",
  controls: controls({
    azurePolicy: ["0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"],
    checkov: ["CKV_AZURE_110", "CKV_AZURE_42"],
    trivy: ["AZU-0016"],
    cis: ["8.5"],
  }),
  validateResource: validateTyped<keyvault.VaultArgs>(TOKENS.vault, (vault, _args, report) => {
    const value = vault.properties?.enablePurgeProtection;
    if (value !== true) {
      report(
        value === undefined
          ? "Purge protection is not set (properties.enablePurgeProtection absent means off)."
          : "Purge protection is off (properties.enablePurgeProtection is false).",
      );
    }
  }),
};
