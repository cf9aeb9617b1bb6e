import type { PolicyResource } from "@pulumi/policy";
import { known, read } from "../lib/links";
import { configOf, OWN_POLICY, type EstateStackPolicy } from "../lib/policy";
import { keyStores, ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";
import { lastSegment } from "../lib/values";
import { GUID_PATTERN, ROLES } from "./roles";

const configSchema = {
  properties: {
    forbiddenRoleDefinitionIds: {
      type: "array" as const,
      items: { type: "string" as const, pattern: GUID_PATTERN },
      default: [ROLES.owner, ROLES.contributor, ROLES.userAccessAdministrator],
    },
  },
};

const VAULT_SCOPE = /\/providers\/microsoft\.keyvault\/(vaults|managedhsms)\/[^/]+/i;

/** The URNs of what a vault-scoped assignment can name: stores, keys and secrets. */
function vaultScopedUrns(resources: readonly PolicyResource[]): ReadonlySet<string> {
  return new Set(
    [
      ...keyStores(resources),
      ...ofType(resources, TOKENS.key),
      ...ofType(resources, TOKENS.secret),
    ].map((r) => r.urn),
  );
}

/** True when the assignment's scope is a vault, a Managed HSM, or a key or secret inside one. */
function atVaultScope(assignment: PolicyResource, scoped: ReadonlySet<string>): boolean {
  // Computed once per stack (not per assignment): the check stays linear in the estate.
  if ((assignment.propertyDependencies.scope ?? []).some((d) => scoped.has(d.urn))) return true;
  const scope = known(() => assignment.props.scope);
  return typeof scope === "string" && VAULT_SCOPE.test(scope);
}

export const roleAssignmentNoPrivilegedAtVault: EstateStackPolicy = {
  name: "authorization-role-assignment-no-privileged-at-vault",
  description:
    "No Owner, Contributor or User Access Administrator (or other configured) role is assigned at a vault, Managed HSM, key or secret scope.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Assign the least-privileged Key Vault data-plane role (Key Vault Secrets User, Crypto User, ...) instead.",
  controls: OWN_POLICY,
  configSchema,
  validateStack: (args, report) => {
    const { forbiddenRoleDefinitionIds } = configOf<{ forbiddenRoleDefinitionIds: string[] }>(
      args,
      configSchema,
    );
    const forbidden = new Set(forbiddenRoleDefinitionIds.map((g) => g.toLowerCase()));
    const scoped = vaultScopedUrns(args.resources);
    for (const assignment of ofType(args.resources, TOKENS.roleAssignment)) {
      if (!atVaultScope(assignment, scoped)) continue;
      const role = read(() => assignment.props.roleDefinitionId);
      if (!role.known || typeof role.value !== "string") {
        report(
          `Role assignment '${assignment.name}' at vault scope has no readable roleDefinitionId.`,
          assignment.urn,
        );
      } else if (forbidden.has(lastSegment(role.value))) {
        report(
          `Role assignment '${assignment.name}' grants privileged role ${lastSegment(role.value)} at vault scope.`,
          assignment.urn,
        );
      }
    }
  },
};
