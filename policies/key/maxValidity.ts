import type * as keyvault from "@pulumi/azure-native/keyvault";
import { daysSchema, validityViolation } from "../lib/lifetime";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = { properties: { maximumValidityDays: daysSchema(730) } };

export const keyMaxValidity: EstateResourcePolicy = {
  name: "keyvault-key-max-validity",
  description: "Keys expire no later than the configured number of days after the plan.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Lower the key's expiresInDays so that attributes.expires falls within the maximum validity.",
  controls: controls({ azurePolicy: ["49a22571-d204-4c91-a7b6-09b1a586fbc9"] }),
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const { maximumValidityDays } = configOf<{ maximumValidityDays: number }>(args, configSchema);
    const message = validityViolation(key.properties?.attributes, maximumValidityDays);
    if (message) report(message);
  }),
};
