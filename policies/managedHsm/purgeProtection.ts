import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const managedHsmPurgeProtection: EstateResourcePolicy = {
  name: "keyvault-managed-hsm-purge-protection",
  description: "Managed HSM pools keep soft delete and purge protection enabled.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Leave properties.enableSoftDelete and properties.enablePurgeProtection unset or true (both default to true for Managed HSM).",
  controls: controls({ azurePolicy: ["c39ba22d-4428-4149-b981-70acb31fc383"] }),
  validateResource: validateTyped<keyvault.ManagedHsmArgs>(
    TOKENS.managedHsm,
    (hsm, _args, report) => {
      // Managed HSM (API 2024-11-01) defaults both flags to true when they are absent.
      if (hsm.properties?.enableSoftDelete === false) {
        report("Soft delete is disabled (properties.enableSoftDelete is false).");
      }
      if (hsm.properties?.enablePurgeProtection === false) {
        report("Purge protection is disabled (properties.enablePurgeProtection is false).");
      }
    },
  ),
};
