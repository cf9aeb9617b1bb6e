import type * as keyvault from "@pulumi/azure-native/keyvault";
import { daysSchema, validityViolation } from "../lib/lifetime";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = { properties: { maximumValidityDays: daysSchema(365) } };

export const secretMaxValidity: EstateResourcePolicy = {
  name: "keyvault-secret-max-validity",
  description: "Secrets expire no later than the configured number of days after the plan.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Lower the secret's expiresInDays so that attributes.expires falls within the maximum validity.",
  controls: controls({ azurePolicy: ["342e8053-e12e-4c44-be01-c3c2f318400f"] }),
  configSchema,
  validateResource: validateTyped<keyvault.SecretArgs>(TOKENS.secret, (secret, args, report) => {
    const { maximumValidityDays } = configOf<{ maximumValidityDays: number }>(args, configSchema);
    const message = validityViolation(secret.properties?.attributes, maximumValidityDays);
    if (message) report(message);
  }),
};
