import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const secretExpirySet: EstateResourcePolicy = {
  name: "keyvault-secret-expiry-set",
  description: "Secrets have an expiration date.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Set properties.attributes.expires (seconds since the epoch) on the secret.",
  controls: controls({
    azurePolicy: ["98728c90-32c7-4049-8429-847dc0f4fe37"],
    checkov: ["CKV_AZURE_41"],
    trivy: ["AZU-0017"],
    cis: ["8.3"],
  }),
  validateResource: validateTyped<keyvault.SecretArgs>(TOKENS.secret, (secret, _args, report) => {
    if (secret.properties?.attributes?.expires === undefined) {
      report("The secret has no expiration date (properties.attributes.expires is absent).");
    }
  }),
};
