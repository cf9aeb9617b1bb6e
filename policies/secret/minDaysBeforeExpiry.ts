import type * as keyvault from "@pulumi/azure-native/keyvault";
import { daysSchema, expiryTooSoonViolation } from "../lib/lifetime";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = { properties: { minimumDaysBeforeExpiry: daysSchema(30) } };

export const secretMinDaysBeforeExpiry: EstateResourcePolicy = {
  name: "keyvault-secret-min-days-before-expiry",
  description: "Secrets expire at least the configured number of days after the plan.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Rotate the secret in the pipeline or move attributes.expires further out.",
  controls: controls({ azurePolicy: ["b0eb591a-5e70-4534-a8bf-04b9c489584a"] }),
  configSchema,
  validateResource: validateTyped<keyvault.SecretArgs>(TOKENS.secret, (secret, args, report) => {
    const { minimumDaysBeforeExpiry } = configOf<{ minimumDaysBeforeExpiry: number }>(
      args,
      configSchema,
    );
    const message = expiryTooSoonViolation(secret.properties?.attributes, minimumDaysBeforeExpiry);
    if (message) report(message);
  }),
};
