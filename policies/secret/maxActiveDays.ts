import type * as keyvault from "@pulumi/azure-native/keyvault";
import { activePeriodViolation, daysSchema } from "../lib/lifetime";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = { properties: { maximumActiveDays: daysSchema(365) } };

export const secretMaxActiveDays: EstateResourcePolicy = {
  name: "keyvault-secret-max-active-days",
  description:
    "Secrets are not active (from notBefore, or creation) for longer than the configured days.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set attributes.expires within the maximum active period of attributes.notBefore (or creation).",
  controls: controls({ azurePolicy: ["e8d99835-8a06-45ae-a8e0-87a91941ccfe"] }),
  configSchema,
  validateResource: validateTyped<keyvault.SecretArgs>(TOKENS.secret, (secret, args, report) => {
    const { maximumActiveDays } = configOf<{ maximumActiveDays: number }>(args, configSchema);
    const message = activePeriodViolation(secret.properties?.attributes, maximumActiveDays);
    if (message) report(message);
  }),
};
