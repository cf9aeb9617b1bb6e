import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";
import { isNonEmptyString } from "../lib/values";

export const secretContentType: EstateResourcePolicy = {
  name: "keyvault-secret-content-type",
  description: "Secrets declare a content type.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps: "Set properties.contentType (for example text/plain or application/x-pkcs12).",
  controls: controls({
    azurePolicy: ["75262d3e-ba4a-4f43-85f8-9f72c090e5e3"],
    checkov: ["CKV_AZURE_114"],
    trivy: ["AZU-0015"],
  }),
  validateResource: validateTyped<keyvault.SecretArgs>(TOKENS.secret, (secret, _args, report) => {
    if (!isNonEmptyString(secret.properties?.contentType)) {
      report("The secret has no content type (properties.contentType is absent or empty).");
    }
  }),
};
