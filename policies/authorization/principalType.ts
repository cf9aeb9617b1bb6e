import type * as authorization from "@pulumi/azure-native/authorization";
import { OWN_POLICY, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const roleAssignmentPrincipalType: EstateResourcePolicy = {
  name: "authorization-role-assignment-principal-type",
  description: "Role assignments state their principalType.",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set principalType (User, Group or ServicePrincipal); without it ARM may fail with PrincipalNotFound for new identities and reviewers cannot tell who is granted.",
  controls: OWN_POLICY,
  validateResource: validateTyped<authorization.RoleAssignmentArgs>(
    TOKENS.roleAssignment,
    (ra, _args, report) => {
      if (ra.principalType === undefined || ra.principalType === "") {
        report("principalType is not set.");
      }
    },
  ),
};
