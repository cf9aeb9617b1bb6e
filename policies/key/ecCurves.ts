import type * as keyvault from "@pulumi/azure-native/keyvault";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const CURVES = ["P-256", "P-256K", "P-384", "P-521"];
const configSchema = {
  properties: {
    allowedCurveNames: {
      type: "array" as const,
      items: { type: "string" as const, enum: CURVES },
      minItems: 1,
      uniqueItems: true,
      default: CURVES,
    },
  },
};

/** Key Vault creates P-256 keys when no curve is given. */
const DEFAULT_CURVE = "P-256";

export const keyEcCurves: EstateResourcePolicy = {
  name: "keyvault-key-ec-allowed-curves",
  description: "Elliptic-curve keys use one of the allowed curves.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Set properties.curveName to an allowed curve.",
  controls: controls({ azurePolicy: ["ff25f3c8-b739-4538-9d07-3d6d25cfb255"] }),
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const { allowedCurveNames } = configOf<{ allowedCurveNames: string[] }>(args, configSchema);
    const kty = key.properties?.kty;
    if (kty !== "EC" && kty !== "EC-HSM") {
      args.notApplicable("Only elliptic-curve keys have a curve.");
    }
    const curve = key.properties?.curveName ?? DEFAULT_CURVE;
    if (!allowedCurveNames.includes(curve)) {
      report(`The key uses curve '${curve}'; allowed: ${allowedCurveNames.join(", ")}.`);
    }
  }),
};
