import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { describe, known, linkedTargets } from "../lib/links";
import { controls, type EstateStackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";

interface Connection {
  privateLinkServiceId?: unknown;
  groupIds?: unknown;
}

function connections(endpoint: PolicyResource): Connection[] {
  const all = [
    ...(known(() => endpoint.props.privateLinkServiceConnections) ?? []),
    ...(known(() => endpoint.props.manualPrivateLinkServiceConnections) ?? []),
  ];
  return all.filter((c): c is Connection => typeof c === "object" && c !== null);
}

/** True when a private endpoint in the stack connects to the target with the given sub-resource. */
export function hasPrivateEndpoint(
  args: StackValidationArgs,
  target: PolicyResource,
  groupId: string,
): boolean {
  return ofType(args.resources, TOKENS.privateEndpoint).some((endpoint) => {
    const linked = ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"].some(
      (property) =>
        linkedTargets(endpoint, property, [target], (props) => {
          const list = props[property];
          return Array.isArray(list) ? list.map((c: Connection) => c.privateLinkServiceId) : [];
        }).length > 0,
    );
    const groups = connections(endpoint).flatMap((c) =>
      Array.isArray(c.groupIds) ? c.groupIds : [],
    );
    return linked && groups.some((g) => typeof g === "string" && g.toLowerCase() === groupId);
  });
}

export const vaultPrivateEndpoint: EstateStackPolicy = {
  name: "keyvault-vault-private-endpoint",
  description: "Every key vault is reachable through a private endpoint (sub-resource 'vault').",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Add a network.PrivateEndpoint whose privateLinkServiceConnections reference the vault's id with groupIds ['vault'], plus the privatelink.vaultcore.azure.net DNS zone group.",
  controls: controls({
    azurePolicy: ["a6abeaec-4d90-4a02-805f-6b26c4d3fbe9"],
    checkov: ["CKV2_AZURE_32"],
    cis: ["8.7"],
  }),
  validateStack: (args, report) => {
    for (const vault of ofType(args.resources, TOKENS.vault)) {
      if (!hasPrivateEndpoint(args, vault, "vault")) {
        report(`Vault ${describe(vault)} has no private endpoint.`, vault.urn);
      }
    }
  },
};
