import type * as keyvault from "@pulumi/azure-native/keyvault";
import {
  decodeReleasePolicy,
  EXPORTABLE_KEY_POLICY,
  exportableKeySettings,
  exportableKeyViolation,
} from "../../infra/azure/releasePolicy";
import { OWN_POLICY, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const list = {
  type: "array" as const,
  items: { type: "string" as const },
  uniqueItems: true,
  default: [],
};
const configSchema = {
  properties: { allowedKeys: list, allowedAttestationAuthorities: list },
};

export const keyExportable: EstateResourcePolicy = {
  name: EXPORTABLE_KEY_POLICY,
  description:
    "A key is exportable (secure key release) only when the key and every attestation authority its release policy trusts are allow-listed.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Leave exportable off, or list the key (<vault>/keys/<key>) in allowedKeys and each authority of its release policy in allowedAttestationAuthorities after review.",
  controls: OWN_POLICY,
  configSchema,
  validateResource: validateTyped<keyvault.KeyArgs>(TOKENS.key, (key, args, report) => {
    const props = key.properties;
    if (props?.attributes?.exportable !== true) {
      // A release policy on a key that is not exportable releases nothing (Azure refuses release).
      args.notApplicable("The key is not exportable.");
    }
    const data = props?.releasePolicy?.data;
    const violation = exportableKeyViolation(
      args.name,
      data,
      exportableKeySettings(args.getConfig<Record<string, unknown>>()),
    );
    if (violation) {
      const decoded = data === undefined ? undefined : decodeReleasePolicy(data);
      const trusts = decoded?.ok
        ? ` Its release policy trusts: ${decoded.authorities.join(", ")}.`
        : "";
      report(`${violation}${trusts}`);
    }
  }),
};
