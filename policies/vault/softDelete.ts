import type * as keyvault from "@pulumi/azure-native/keyvault";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = {
  properties: {
    minimumRetentionDays: { type: "integer" as const, minimum: 7, maximum: 90, default: 7 },
  },
};

/** Azure's defaults for API 2024-11-01: soft delete on (it can no longer be turned off), 90 days. */
const DEFAULT_RETENTION_DAYS = 90;

export const vaultSoftDelete: EstateResourcePolicy = {
  name: "keyvault-vault-soft-delete",
  description:
    "Key vaults keep soft delete enabled with a retention of at least the configured days (7-90).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Leave properties.enableSoftDelete unset or true and set properties.softDeleteRetentionInDays between the configured minimum and 90.",
  controls: controls({
    azurePolicy: ["1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d"],
    checkov: ["CKV_AZURE_111"],
    cis: ["8.5"],
  }),
  configSchema,
  validateResource: validateTyped<keyvault.VaultArgs>(TOKENS.vault, (vault, args, report) => {
    const { minimumRetentionDays } = configOf<{ minimumRetentionDays: number }>(args, configSchema);
    if (vault.properties?.enableSoftDelete === false) {
      report("Soft delete is disabled (properties.enableSoftDelete is false).");
    }
    const retention = vault.properties?.softDeleteRetentionInDays ?? DEFAULT_RETENTION_DAYS;
    if (retention < minimumRetentionDays || retention > 90) {
      report(
        `Soft-delete retention is ${retention} days; it must be between ${minimumRetentionDays} and 90.`,
      );
    }
  }),
};
