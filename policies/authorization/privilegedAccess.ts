import type { PolicyResource } from "@pulumi/policy";
import {
  judgeGrant,
  judgeInitialAdmin,
  PRIVILEGED_ACCESS_DEFAULTS,
  PRIVILEGED_ACCESS_POLICY,
  privilegedAccessSettings,
} from "../../infra/azure/accessRules";
import { GUID_PATTERN } from "../../infra/azure/ids";
import { ROLE_CLASSES } from "../../infra/azure/roles";
import { known, read } from "../lib/links";
import { OWN_POLICY, type EstateStackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";
import { lastSegment } from "../lib/values";

const guids = (d: readonly string[]) => ({
  type: "array" as const,
  items: { type: "string" as const, pattern: GUID_PATTERN },
  uniqueItems: true,
  default: [...d],
});
const classes = (d: readonly string[]) => ({
  type: "array" as const,
  items: { type: "string" as const, enum: [...ROLE_CLASSES] },
  uniqueItems: true,
  default: [...d],
});

const d = PRIVILEGED_ACCESS_DEFAULTS;
const configSchema = {
  properties: {
    restrictedClasses: classes(d.restrictedClasses),
    restrictedClassesAtVaultScope: classes(d.restrictedClassesAtVaultScope),
    allowedPrincipalIds: guids(d.allowedPrincipalIds),
    refuseUnlistedCustomRoles: { type: "boolean" as const, default: d.refuseUnlistedCustomRoles },
    allowedCustomRoleIds: guids(d.allowedCustomRoleIds),
    forbiddenRoleDefinitionIds: guids(d.forbiddenRoleDefinitionIds),
  },
};

/** A key's or secret's ARM id: the assignment covers one object, not the whole vault. */
const OBJECT_SCOPE = /\/providers\/microsoft\.keyvault\/vaults\/[^/]+\/(keys|secrets)\/[^/]+$/i;

/**
 * Whether the assignment covers one key or secret: by its scope's dependency on one of `objects`
 * (the keys' and secrets' URNs, computed once per stack), else by its id.
 */
function scopeOf(assignment: PolicyResource, objects: ReadonlySet<string>) {
  if ((assignment.propertyDependencies.scope ?? []).some((d) => objects.has(d.urn))) {
    return "object" as const;
  }
  const scope = known(() => assignment.props.scope);
  return typeof scope === "string" && OBJECT_SCOPE.test(scope) ? "object" : ("vault" as const);
}

export const authorizationPrivilegedAccess: EstateStackPolicy = {
  name: PRIVILEGED_ACCESS_POLICY,
  description:
    "Roles that grant access or administer a vault (Key Vault Administrator included; where configured, also roles that write data at vault scope), custom roles and Managed HSM initial administrators go only to allow-listed break-glass principals; Owner, Contributor and User Access Administrator go to nobody, break-glass included.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Grant a read or use role, or a writing role on one key or secret; or add the principal to this policy's allowedPrincipalIds in policies/config/<env>.json, the one break-glass list, in a reviewed change (allowedCustomRoleIds for a reviewed custom role).",
  controls: OWN_POLICY,
  configSchema,
  validateStack: (args, report) => {
    const settings = privilegedAccessSettings(args.getConfig<Record<string, unknown>>());
    const objects = new Set(
      [...ofType(args.resources, TOKENS.key), ...ofType(args.resources, TOKENS.secret)].map(
        (r) => r.urn,
      ),
    );
    for (const a of ofType(args.resources, TOKENS.roleAssignment)) {
      const role = read(() => a.props.roleDefinitionId);
      const principal = read(() => a.props.principalId);
      if (!role.known || typeof role.value !== "string" || !principal.known) {
        report(`Role assignment '${a.name}' has no readable role or principal.`, a.urn);
        continue;
      }
      const j = judgeGrant(
        {
          roleId: lastSegment(role.value),
          scope: scopeOf(a, objects),
          principalId: String(principal.value ?? ""),
        },
        settings,
      );
      if (j.violation) report(`Role assignment '${a.name}': ${j.violation}`, a.urn);
    }
    for (const pool of ofType(args.resources, TOKENS.managedHsm)) {
      const admins = read(
        () => (pool.props.properties as { initialAdminObjectIds?: unknown })?.initialAdminObjectIds,
      );
      if (!admins.known || !Array.isArray(admins.value)) {
        report(`Managed HSM '${pool.name}' has no readable initialAdminObjectIds.`, pool.urn);
        continue;
      }
      for (const id of admins.value) {
        const j = judgeInitialAdmin(String(id), settings);
        if (j.violation) report(`Managed HSM '${pool.name}': ${j.violation}`, pool.urn);
      }
    }
  },
};
