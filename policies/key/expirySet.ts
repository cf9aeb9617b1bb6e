import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const keyExpirySet: EstateResourcePolicy = {
  name: "keyvault-key-expiry-set",
  description: "Keys have an expiration date.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Set properties.attributes.expires (seconds since the epoch) on the key.",
  controls: controls({
    azurePolicy: ["152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0"],
    checkov: ["CKV_AZURE_40"],
    trivy: ["AZU-0014"],
    cis: ["8.1"],
  }),
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, _args, report) => {
    if (key.properties?.attributes?.expires === undefined) {
      report("The key has no expiration date (properties.attributes.expires is absent).");
    }
  }),
};
