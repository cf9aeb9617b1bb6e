import { expect } from "chai";
import { catalogueRole, ROLE_CLASS_LABEL } from "../../infra/azure/roles";
import { evaluatePolicies } from "../../tools/plan/policyEval";
import { TOKENS } from "../../policies/lib/tokens";
import {
  APP_PRINCIPAL,
  BREAK_GLASS,
  estate,
  resourcesOf,
  roleAssignmentArgs,
  SUB,
  VAULT_ID,
} from "./fixtures";
import { findings, messages, NOW, planned } from "./helpers";

/** A subscription-scoped role definition id of a catalogue role, by name. */
const roleId = (name: string) =>
  `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${catalogueRole(name).id}`;

describe("RBAC policies", () => {
  // The narrower policies authorization-role-assignment-no-privileged-at-vault and
  // -key-vault-administrator-allow-list were folded into privileged-access (issue 19): every grant
  // they flagged, it flags, once, with one allow-list.
  describe("authorization-role-assignment-privileged-access (folded RBAC rules)", () => {
    const policy = "authorization-role-assignment-privileged-access";
    const RBAC_POLICIES = /^authorization-role-assignment-/;
    const config = { [policy]: { allowedPrincipalIds: [BREAK_GLASS] } };
    /** Every RBAC finding of the whole pack: one bad grant must make exactly one. */
    const rbacFindings = (resources: Parameters<typeof findings>[1]) =>
      evaluatePolicies(resources, config, { now: NOW })
        .filter((v) => RBAC_POLICIES.test(v.policy))
        .map((v) => [v.policy, v.message]);
    const forbidden = (name: string, principal: string, assignment = "bad") =>
      `Role assignment '${assignment}': ${name} (${ROLE_CLASS_LABEL[catalogueRole(name).class]}) is granted to ${principal}: it is never granted in a vault, to a break-glass principal either (forbiddenRoleDefinitionIds); grant a Key Vault role instead.`;

    it("passes the compliant estate's data-plane role assignment", () => {
      expect(rbacFindings(resourcesOf(estate()))).to.deep.equal([]);
    });
    for (const role of ["Owner", "Contributor", "User Access Administrator"]) {
      for (const principal of [APP_PRINCIPAL, BREAK_GLASS]) {
        it(`flags ${role} for ${principal === BREAK_GLASS ? "a break-glass principal" : "an application"} at a vault linked by dependency, once`, () => {
          const e = estate();
          e.access = planned(
            TOKENS.roleAssignment,
            "bad",
            { ...roleAssignmentArgs(), principalId: principal, roleDefinitionId: roleId(role) },
            { propertyDependencies: { scope: [e.vault] } },
          );
          expect(rbacFindings(resourcesOf(e))).to.deep.equal([
            [policy, forbidden(role, principal)],
          ]);
        });
      }
    }
    it("flags Owner at a secret scope given as an ARM id (tenant-level role id form)", () => {
      const args = {
        ...roleAssignmentArgs(),
        scope: `${VAULT_ID}/secrets/db-password`,
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${catalogueRole("Owner").id}`,
      };
      expect(rbacFindings([planned(TOKENS.roleAssignment, "bad", args)])).to.deep.equal([
        [policy, forbidden("Owner", APP_PRINCIPAL)],
      ]);
    });
    it("flags Owner at a resource group scope too (the folded policy looked at vault scopes only)", () => {
      const args = {
        ...roleAssignmentArgs(),
        scope: `${SUB}/resourceGroups/rg-kv`,
        roleDefinitionId: roleId("Owner"),
      };
      expect(messages(policy, [planned(TOKENS.roleAssignment, "rg-owner", args)])).to.deep.equal([
        forbidden("Owner", APP_PRINCIPAL, "rg-owner"),
      ]);
    });
    it("takes the forbidden roles from its config (forbiddenRoleDefinitionIds)", () => {
      const owner = planned(TOKENS.roleAssignment, "bad", {
        ...roleAssignmentArgs(),
        principalId: BREAK_GLASS,
        roleDefinitionId: roleId("Owner"),
      });
      const none = {
        [policy]: { allowedPrincipalIds: [BREAK_GLASS], forbiddenRoleDefinitionIds: [] },
      };
      expect(messages(policy, [owner], none)).to.deep.equal([]);
    });

    const admin = (principalId: string) =>
      planned(TOKENS.roleAssignment, "admin", {
        ...roleAssignmentArgs(),
        principalId,
        principalType: "User",
        roleDefinitionId: roleId("Key Vault Administrator"),
      });
    it("flags Key Vault Administrator for a principal not allow-listed, once", () => {
      expect(rbacFindings([admin(APP_PRINCIPAL)])).to.deep.equal([
        [
          policy,
          `Role assignment 'admin': Key Vault Administrator (administers the vault, at vault scope) is granted to ${APP_PRINCIPAL}, which is not on the break-glass allow-list (allowedPrincipalIds).`,
        ],
      ]);
    });
    it("flags Key Vault Administrator even where the config restricts no class (it is privileged)", () => {
      const lax = { [policy]: { allowedPrincipalIds: [BREAK_GLASS], restrictedClasses: [] } };
      expect(messages(policy, [admin(APP_PRINCIPAL)], lax)).to.have.length(1);
    });
    it("accepts Key Vault Administrator for an allow-listed break-glass principal", () => {
      expect(rbacFindings([admin(BREAK_GLASS)])).to.deep.equal([]);
    });
    it("does not flag a read role", () => {
      expect(
        rbacFindings([planned(TOKENS.roleAssignment, "app", { ...roleAssignmentArgs() })]),
      ).to.deep.equal([]);
    });
  });

  describe("authorization-role-assignment-principal-type", () => {
    const policy = "authorization-role-assignment-principal-type";
    it("passes an assignment with principalType", () => {
      expect(
        messages(policy, [planned(TOKENS.roleAssignment, "a", { ...roleAssignmentArgs() })]),
      ).to.deep.equal([]);
    });
    it("flags an assignment without principalType", () => {
      const args = { ...roleAssignmentArgs(), principalType: undefined };
      expect(messages(policy, [planned(TOKENS.roleAssignment, "a", args)])).to.deep.equal([
        "principalType is not set.",
      ]);
    });
  });
});
