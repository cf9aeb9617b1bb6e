import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

export const vaultPublicNetworkAccess: EstateResourcePolicy = {
  name: "keyvault-vault-public-network-disabled",
  description: "Key vaults disable public network access (absent means Enabled).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set properties.publicNetworkAccess to "Disabled" and reach the vault through a private endpoint.',
  controls: controls({
    azurePolicy: ["405c5871-3e91-4644-8a63-58e19d68ff5b"],
    checkov: ["CKV_AZURE_189"],
  }),
  validateResource: validateTyped<keyvault.VaultArgs>(TOKENS.vault, (vault, _args, report) => {
    const access = vault.properties?.publicNetworkAccess ?? "Enabled";
    if (!sameText(access, "Disabled")) {
      report(`Public network access is '${access}'; it must be 'Disabled'.`);
    }
  }),
};
