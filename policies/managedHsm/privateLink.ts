import { describe } from "../lib/links";
import { controls, type EstateStackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";
import { hasPrivateEndpoint } from "../vault/privateEndpoint";

export const managedHsmPrivateLink: EstateStackPolicy = {
  name: "keyvault-managed-hsm-private-link",
  description:
    "Every Managed HSM pool is reachable through a private endpoint (sub-resource 'managedhsm').",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Add a network.PrivateEndpoint whose privateLinkServiceConnections reference the Managed HSM's id with groupIds ['managedhsm'].",
  controls: controls({ azurePolicy: ["59fee2f4-d439-4f1b-9b9a-982e1474bfd8"] }),
  validateStack: (args, report) => {
    for (const hsm of ofType(args.resources, TOKENS.managedHsm)) {
      if (!hasPrivateEndpoint(args, hsm, "managedhsm")) {
        report(`Managed HSM ${describe(hsm)} has no private endpoint.`, hsm.urn);
      }
    }
  },
};
