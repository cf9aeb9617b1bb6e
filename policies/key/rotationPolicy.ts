import type * as keyvault from "@pulumi/azure-native/keyvault";
import type { Unwrap } from "@pulumi/pulumi";
import { isoDurationDays } from "../lib/duration";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

const configSchema = {
  properties: {
    maximumDaysToRotate: { type: "integer" as const, minimum: 1, maximum: 3650, default: 730 },
  },
};

type RotationPolicy = Unwrap<keyvault.KeyArgs>["properties"]["rotationPolicy"];

/** Days after creation at which the rotation policy rotates the key, when it can be computed. */
function rotationDay(policy: RotationPolicy): number | "none" | "unknown" {
  const rotate = (policy?.lifetimeActions ?? []).filter((a) => sameText(a.action?.type, "rotate"));
  if (rotate.length === 0) return "none";
  const expiry = policy?.attributes?.expiryTime;
  const expiryDays = expiry === undefined ? undefined : isoDurationDays(expiry);
  const days = rotate.map((a) => {
    const after = a.trigger?.timeAfterCreate;
    if (after !== undefined) return isoDurationDays(after);
    const before = a.trigger?.timeBeforeExpiry;
    const beforeDays = before === undefined ? undefined : isoDurationDays(before);
    return beforeDays === undefined || expiryDays === undefined
      ? undefined
      : expiryDays - beforeDays;
  });
  const computed = days.filter((d): d is number => d !== undefined);
  return computed.length === 0 ? "unknown" : Math.min(...computed);
}

export const keyRotationPolicy: EstateResourcePolicy = {
  name: "keyvault-key-rotation-policy",
  description:
    "Keys have a rotation policy whose rotate action fires within the configured days of creation.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set properties.rotationPolicy with attributes.expiryTime (e.g. P730D) and a lifetime action { action: { type: 'rotate' }, trigger: { timeBeforeExpiry: 'P60D' } }.",
  controls: controls({ azurePolicy: ["d8cf8476-a2ec-4916-896e-992351803c44"], cis: ["8.8"] }),
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const { maximumDaysToRotate } = configOf<{ maximumDaysToRotate: number }>(args, configSchema);
    const day = rotationDay(key.properties?.rotationPolicy);
    if (day === "none") {
      report("The key has no rotation policy with a 'rotate' lifetime action.");
    } else if (day === "unknown") {
      report(
        "The rotation trigger cannot be computed: set trigger.timeAfterCreate, or trigger.timeBeforeExpiry with attributes.expiryTime (ISO-8601 days, months or years).",
      );
    } else if (day > maximumDaysToRotate) {
      report(`The key rotates ${day} days after creation; the maximum is ${maximumDaysToRotate}.`);
    }
  }),
};
