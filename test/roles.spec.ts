import { expect } from "chai";
import { GUID, GUID_PATTERN } from "../infra/azure/ids";
import {
  catalogueRole,
  nearestRoleName,
  resolveRole,
  roleById,
  roleDefinitionArmId,
  ROLES,
  subscriptionOf,
} from "../infra/azure/roles";

/** Checked by hand against learn.microsoft.com's built-in role reference (see infra/azure/roles.ts). */
const VERIFIED: Record<string, string> = {
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Certificate User": "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
  "Key Vault Certificates Officer": "a4417e6f-fecd-4de8-b567-7b0420556985",
  "Key Vault Contributor": "f25e0fa2-a7c8-4377-a976-54943a77a395",
  "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  "Key Vault Crypto Service Release User": "08bbd89e-9f13-488c-ac41-acfcb10c90ab",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Key Vault Data Access Administrator": "8b54135c-b56d-4d72-a534-26097cfdc8d8",
  "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Managed HSM contributor": "18500a29-7fe2-46b2-a342-b16a415e101d",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
};

describe("role catalogue", () => {
  it("holds exactly the verified roles, each with its documented GUID", () => {
    expect(Object.fromEntries(ROLES.map((r) => [r.name, r.id]))).to.deep.equal(VERIFIED);
  });

  it("gives every role a lower-case GUID, and unique names, GUIDs and slugs", () => {
    for (const r of ROLES) {
      expect(r.id, r.name).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      expect(r.slug, r.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    for (const field of ["name", "id", "slug"] as const) {
      expect(new Set(ROLES.map((r) => r[field])).size, field).to.equal(ROLES.length);
    }
  });

  it("marks the roles that control the vault or can grant that control as privileged", () => {
    expect(ROLES.filter((r) => r.privileged).map((r) => r.name)).to.have.members([
      "Owner",
      "Contributor",
      "User Access Administrator",
      "Key Vault Administrator",
      "Role Based Access Control Administrator",
      "Key Vault Data Access Administrator",
    ]);
  });

  it("forbids only Owner, Contributor and User Access Administrator in a vault, break-glass included", () => {
    expect(ROLES.filter((r) => r.forbiddenInVault).map((r) => r.name)).to.have.members([
      "Owner",
      "Contributor",
      "User Access Administrator",
    ]);
    expect(ROLES.filter((r) => r.forbiddenInVault).every((r) => r.privileged)).to.equal(true);
  });

  it("finds a role by its name, and throws for a name it does not list", () => {
    expect(catalogueRole("key vault  administrator").id).to.equal(
      VERIFIED["Key Vault Administrator"],
    );
    expect(() => catalogueRole("Key Vault Admin")).to.throw(/no catalogue role named/);
  });

  it("has one GUID shape, for the model's regex and the pack's JSON Schema pattern alike", () => {
    for (const r of ROLES) expect(new RegExp(GUID_PATTERN).test(r.id), r.name).to.equal(true);
    expect(GUID.test(VERIFIED.Owner.toUpperCase())).to.equal(true);
    expect(GUID.test(`${VERIFIED.Owner}0`)).to.equal(false);
  });

  it("flags only Secrets User and Crypto User as narrowable at vault scope", () => {
    expect(ROLES.filter((r) => r.narrowable).map((r) => r.name)).to.have.members([
      "Key Vault Secrets User",
      "Key Vault Crypto User",
    ]);
  });
});

describe("resolveRole", () => {
  it("resolves a catalogue name, ignoring letter case and extra spaces", () => {
    for (const text of [
      "Key Vault Secrets User",
      "key vault  secrets user ",
      "KEY VAULT SECRETS USER",
    ]) {
      const r = resolveRole(text);
      expect(r.ok && r.role, text).to.deep.include({
        id: "4633458b-17de-408a-b874-0445c86b69e6",
        name: "Key Vault Secrets User",
        givenAs: "name",
      });
    }
  });

  it("resolves a raw GUID of a catalogue role to that role, marked as given by GUID", () => {
    const r = resolveRole("8E3AF657-A8FF-443C-A75C-2FE8C4BCB635");
    expect(r.ok && r.role).to.deep.include({
      id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      name: "Owner",
      givenAs: "guid",
    });
    expect(r.ok && r.role.catalogue?.privileged).to.equal(true);
  });

  it("accepts a GUID the catalogue does not list, without a catalogue entry", () => {
    const r = resolveRole("0b5d1a2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d");
    expect(r.ok && r.role).to.deep.equal({
      id: "0b5d1a2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
      name: "0b5d1a2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
      givenAs: "guid",
    });
  });

  const unknown: [string, string][] = [
    ["Key Vault Secret User", "Key Vault Secrets User"],
    ["Key Vault Crypto Users", "Key Vault Crypto User"],
    ["Secrets User", "Key Vault Secrets User"],
    ["Key Vault Admin", "Key Vault Administrator"],
    ["Ownr", "Owner"],
  ];
  for (const [text, meant] of unknown) {
    it(`suggests "${meant}" for "${text}"`, () => {
      const r = resolveRole(text);
      expect(r.ok).to.equal(false);
      expect(!r.ok && r.message).to.equal(
        `unknown role "${text}" (did you mean "${meant}"?); use a catalogue name (infra/azure/roles.ts) or a role definition GUID`,
      );
    });
  }

  it("suggests nothing for a name far from every role", () => {
    expect(nearestRoleName("Storage Blob Data Reader")).to.equal(undefined);
    const r = resolveRole("Storage Blob Data Reader");
    expect(!r.ok && r.message).to.not.contain("did you mean");
  });

  it("refuses a malformed GUID", () => {
    const r = resolveRole("4633458b-17de-408a-b874-0445c86b69e"); // one digit short
    expect(!r.ok && r.message).to.equal(
      "is not a well-formed role definition GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
    );
  });

  it("refuses a role definition ARM id, asking for the GUID alone", () => {
    const r = resolveRole(
      "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
    );
    expect(!r.ok && r.message).to.match(
      /^give the role definition GUID alone \(4633458b-17de-408a-b874-0445c86b69e6\)/,
    );
  });
});

describe("role definition ids", () => {
  it("builds the subscription-scoped id ARM stores", () => {
    expect(
      roleDefinitionArmId(
        "8D2E4F6A-1B3C-4D5E-8F70-9A1B2C3D4E5F",
        "4633458B-17de-408a-b874-0445c86b69e6",
      ),
    ).to.equal(
      "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
    );
  });

  it("reads the subscription of a scope, and refuses an id outside a subscription", () => {
    expect(
      subscriptionOf(
        "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
      ),
    ).to.equal("8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f");
    expect(() => subscriptionOf("/providers/Microsoft.Management/managementGroups/mg")).to.throw(
      /not an ARM resource id inside a subscription/,
    );
  });

  it("finds catalogue roles by GUID in any letter case", () => {
    expect(roleById("00482A5A-887F-4FB3-B363-3B7FE8E74483")?.name).to.equal(
      "Key Vault Administrator",
    );
    expect(roleById("00000000-0000-0000-0000-000000000000")).to.equal(undefined);
  });
});
