import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const keyHsmBacked: EstateResourcePolicy = {
  name: "keyvault-key-hsm-backed",
  description: "Keys are backed by a hardware security module (RSA-HSM or EC-HSM).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set properties.kty to "RSA-HSM" or "EC-HSM" and place the key in a premium vault.',
  controls: controls({
    azurePolicy: ["587c79fe-dd04-4a5e-9d0b-f89598c7261b"],
    checkov: ["CKV_AZURE_112"],
  }),
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, _args, report) => {
    const kty = key.properties?.kty;
    if (kty !== "RSA-HSM" && kty !== "EC-HSM") {
      report(`The key type is '${kty ?? "unset"}'; it must be RSA-HSM or EC-HSM.`);
    }
  }),
};
