import type * as authorization from "@pulumi/azure-native/authorization";
import { configOf, OWN_POLICY, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";
import { lastSegment } from "../lib/values";
import { GUID_PATTERN, ROLES } from "./roles";

const configSchema = {
  properties: {
    allowedPrincipalIds: {
      type: "array" as const,
      items: { type: "string" as const, pattern: GUID_PATTERN },
      uniqueItems: true,
      default: [],
    },
  },
};

export const roleAssignmentKeyVaultAdministratorAllowList: EstateResourcePolicy = {
  name: "authorization-role-assignment-key-vault-administrator-allow-list",
  description: "Key Vault Administrator is assigned only to allow-listed (break-glass) principals.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Grant a narrower Key Vault role, or add the principal to the environment's breakGlassPrincipals (policy config allowedPrincipalIds).",
  controls: OWN_POLICY,
  configSchema,
  validateResource: validateTyped<authorization.RoleAssignmentArgs>(
    TOKENS.roleAssignment,
    (ra, args, report) => {
      if (lastSegment(ra.roleDefinitionId ?? "") !== ROLES.keyVaultAdministrator) {
        args.notApplicable("Not a Key Vault Administrator assignment.");
      }
      const { allowedPrincipalIds } = configOf<{ allowedPrincipalIds: string[] }>(
        args,
        configSchema,
      );
      const allowed = allowedPrincipalIds.map((p) => p.toLowerCase());
      if (!allowed.includes((ra.principalId ?? "").toLowerCase())) {
        report(`Principal ${ra.principalId} is not allow-listed for Key Vault Administrator.`);
      }
    },
  ),
};
