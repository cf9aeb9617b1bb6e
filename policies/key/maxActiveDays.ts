import type * as keyvault from "@pulumi/azure-native/keyvault";
import { activePeriodViolation, daysSchema } from "../lib/lifetime";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = { properties: { maximumActiveDays: daysSchema(730) } };

export const keyMaxActiveDays: EstateResourcePolicy = {
  name: "keyvault-key-max-active-days",
  description:
    "Keys are not active (from notBefore, or creation) for longer than the configured days.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set attributes.expires within the maximum active period of attributes.notBefore (or creation).",
  controls: controls({ azurePolicy: ["c26e4b24-cf98-4c67-b48b-5a25c4c69eb9"] }),
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const { maximumActiveDays } = configOf<{ maximumActiveDays: number }>(args, configSchema);
    const message = activePeriodViolation(key.properties?.attributes, maximumActiveDays);
    if (message) report(message);
  }),
};
