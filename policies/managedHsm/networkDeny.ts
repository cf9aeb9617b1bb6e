import type * as keyvault from "@pulumi/azure-native/keyvault";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

export const managedHsmNetworkDeny: EstateResourcePolicy = {
  name: "keyvault-managed-hsm-network-deny",
  description:
    "Managed HSM pools deny network access by default (absent network rules mean Allow).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set properties.networkAcls.defaultAction to "Deny" (and bypass to "AzureServices" if trusted services need access).',
  controls: controls({ azurePolicy: ["19ea9d63-adee-4431-a95e-1913c6c1c75f"] }),
  validateResource: validateTyped<keyvault.ManagedHsmArgs>(
    TOKENS.managedHsm,
    (hsm, _args, report) => {
      const action = hsm.properties?.networkAcls?.defaultAction ?? "Allow";
      if (!sameText(action, "Deny")) {
        report(
          `The network rules' default action is '${action}' (absent means Allow); it must be 'Deny'.`,
        );
      }
    },
  ),
};
