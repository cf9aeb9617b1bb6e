import type * as keyvault from "@pulumi/azure-native/keyvault";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const KEY_TYPES = ["RSA", "RSA-HSM", "EC", "EC-HSM"];
const configSchema = {
  properties: {
    allowedKeyTypes: {
      type: "array" as const,
      items: { type: "string" as const, enum: KEY_TYPES },
      minItems: 1,
      uniqueItems: true,
      default: KEY_TYPES,
    },
  },
};

export const keyAllowedTypes: EstateResourcePolicy = {
  name: "keyvault-key-allowed-types",
  description: "Keys use one of the allowed cryptographic types.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Set properties.kty to one of the key types the environment allows.",
  controls: controls({ azurePolicy: ["75c4f823-d65c-4f29-a733-01d0077fdbcb"] }),
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const { allowedKeyTypes } = configOf<{ allowedKeyTypes: string[] }>(args, configSchema);
    const kty = key.properties?.kty;
    if (kty === undefined || !allowedKeyTypes.includes(kty)) {
      report(`The key type is '${kty ?? "unset"}'; allowed: ${allowedKeyTypes.join(", ")}.`);
    }
  }),
};
