import type * as keyvault from "@pulumi/azure-native/keyvault";
import { daysSchema, expiryTooSoonViolation } from "../lib/lifetime";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = { properties: { minimumDaysBeforeExpiry: daysSchema(30) } };

export const keyMinDaysBeforeExpiry: EstateResourcePolicy = {
  name: "keyvault-key-min-days-before-expiry",
  description: "Keys expire at least the configured number of days after the plan.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Rotate the key or move attributes.expires further out.",
  controls: controls({ azurePolicy: ["5ff38825-c5d8-47c5-b70e-069a21955146"] }),
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const { minimumDaysBeforeExpiry } = configOf<{ minimumDaysBeforeExpiry: number }>(
      args,
      configSchema,
    );
    const message = expiryTooSoonViolation(key.properties?.attributes, minimumDaysBeforeExpiry);
    if (message) report(message);
  }),
};
