import type * as keyvault from "@pulumi/azure-native/keyvault";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = {
  properties: {
    minimumRsaKeySize: { type: "integer" as const, enum: [2048, 3072, 4096], default: 2048 },
  },
};

/** Key Vault creates 2048-bit RSA keys when no size is given. */
const DEFAULT_RSA_SIZE = 2048;

export const keyRsaMinimumSize: EstateResourcePolicy = {
  name: "keyvault-key-rsa-minimum-size",
  description: "RSA keys are at least the configured size.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set properties.keySize to the minimum RSA size or larger (2048, 3072 or 4096).",
  controls: controls({ azurePolicy: ["82067dbb-e53b-4e06-b631-546d197452d9"] }),
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const { minimumRsaKeySize } = configOf<{ minimumRsaKeySize: number }>(args, configSchema);
    const kty = key.properties?.kty;
    if (kty !== "RSA" && kty !== "RSA-HSM") {
      args.notApplicable("Only RSA keys have a key size.");
    }
    const size = key.properties?.keySize ?? DEFAULT_RSA_SIZE;
    if (size < minimumRsaKeySize) {
      report(`The RSA key is ${size} bits; the minimum is ${minimumRsaKeySize}.`);
    }
  }),
};
