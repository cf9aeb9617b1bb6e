import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const vaultRbacAuthorization: EstateResourcePolicy = {
  name: "keyvault-vault-rbac-authorization",
  description: "Key vaults use the Azure RBAC permission model and carry no access policies.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set properties.enableRbacAuthorization to true, remove properties.accessPolicies and grant data-plane access with role assignments.",
  controls: controls({ azurePolicy: ["12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5"], cis: ["8.6"] }),
  validateResource: validateTyped<keyvault.VaultArgs>(TOKENS.vault, (vault, _args, report) => {
    // API 2024-11-01 (azure-native 3.x) creates vaults with access policies when the flag is absent.
    if (vault.properties?.enableRbacAuthorization !== true) {
      report(
        "The vault uses access policies: properties.enableRbacAuthorization is not true (absent means false on API 2024-11-01).",
      );
    }
    const policies = vault.properties?.accessPolicies ?? [];
    if (policies.length > 0) {
      report(
        `The vault declares ${policies.length} access policies; use role assignments instead.`,
      );
    }
  }),
};
