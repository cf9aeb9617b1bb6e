import { expect } from "chai";
import { ROLES } from "../../policies/authorization/roles";
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
import { messages, planned } from "./helpers";

const roleId = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

describe("RBAC policies", () => {
  describe("authorization-role-assignment-no-privileged-at-vault", () => {
    const policy = "authorization-role-assignment-no-privileged-at-vault";
    it("passes the compliant estate's data-plane role assignment", () => {
      expect(messages(policy, resourcesOf(estate()))).to.deep.equal([]);
    });
    for (const [role, guid] of [
      ["Owner", ROLES.owner],
      ["Contributor", ROLES.contributor],
      ["User Access Administrator", ROLES.userAccessAdministrator],
    ]) {
      it(`flags ${role} assigned at a vault linked by dependency`, () => {
        const e = estate();
        e.access = planned(
          TOKENS.roleAssignment,
          "bad",
          { ...roleAssignmentArgs(), roleDefinitionId: roleId(guid) },
          {
            propertyDependencies: { scope: [e.vault] },
          },
        );
        expect(messages(policy, resourcesOf(e))).to.have.length(1);
      });
    }
    it("flags Owner at a secret scope given as an ARM id (tenant-level role id form)", () => {
      const args = {
        ...roleAssignmentArgs(),
        scope: `${VAULT_ID}/secrets/db-password`,
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLES.owner}`,
      };
      expect(messages(policy, [planned(TOKENS.roleAssignment, "bad", args)])).to.have.length(1);
    });
    it("does not apply to Owner at a resource group scope", () => {
      const args = {
        ...roleAssignmentArgs(),
        scope: `${SUB}/resourceGroups/rg-kv`,
        roleDefinitionId: roleId(ROLES.owner),
      };
      expect(messages(policy, [planned(TOKENS.roleAssignment, "rg-owner", args)])).to.deep.equal(
        [],
      );
    });
  });

  describe("authorization-role-assignment-key-vault-administrator-allow-list", () => {
    const policy = "authorization-role-assignment-key-vault-administrator-allow-list";
    const admin = (principalId: string) =>
      planned(TOKENS.roleAssignment, "admin", {
        ...roleAssignmentArgs(),
        principalId,
        principalType: "User",
        roleDefinitionId: roleId(ROLES.keyVaultAdministrator),
      });
    const config = { [policy]: { allowedPrincipalIds: [BREAK_GLASS] } };
    it("flags Key Vault Administrator for a principal not allow-listed", () => {
      expect(messages(policy, [admin(APP_PRINCIPAL)], config)).to.deep.equal([
        `Principal ${APP_PRINCIPAL} is not allow-listed for Key Vault Administrator.`,
      ]);
    });
    it("accepts Key Vault Administrator for an allow-listed break-glass principal", () => {
      expect(messages(policy, [admin(BREAK_GLASS)], config)).to.deep.equal([]);
    });
    it("does not apply to other roles", () => {
      expect(
        messages(
          policy,
          [planned(TOKENS.roleAssignment, "app", { ...roleAssignmentArgs() })],
          config,
        ),
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
