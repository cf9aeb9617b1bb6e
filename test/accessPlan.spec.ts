import { expect } from "chai";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { roleAssignmentName, VaultAccess } from "../infra/components/access";
import { accessSpecSchema, parseScope } from "../infra/model/access";
import { grantResourceName } from "../infra/model/names";
import type { ResolvedGrant } from "../infra/model/types";
import { EMULATED_SUBSCRIPTION } from "../tools/plan/emulator";
import { runProgram } from "../tools/plan/engine";
import { planStack } from "../tools/plan/cli";
import { renderConsole, renderJson, renderMarkdown } from "../tools/plan/report";
import type { AccessEntry, PlanReport } from "../tools/contract/plan";
import {
  clone,
  committedConfig,
  committedPlan,
  input,
  ofType,
  planConfig,
  StackConfigDoc,
  TEST_DAY,
} from "./helpers";

/** Role assignments in the offline plan (infra/components/access.ts, tools/plan/accessMatrix.ts). */

const RA = "azure-native:authorization:RoleAssignment";
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const roleDef = (guid: string) =>
  `/subscriptions/${EMULATED_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

function rows(report: PlanReport): readonly AccessEntry[] {
  return report.access;
}

function byName(report: PlanReport, type: string, name: string) {
  const found = ofType(report, type).filter((r) => r.name === name);
  expect(found, `${type} ${name}`).to.have.length(1);
  return found[0];
}

describe("role assignments in the plan", () => {
  let prod: PlanReport;
  let again: PlanReport;

  before(async () => {
    prod = await committedPlan("prod");
    again = await planStack({ stack: "prod", env: {}, now: TEST_DAY });
  });

  it("registers one assignment per prod access spec, grouped per vault", () => {
    expect(ofType(prod, "keyvault-estate:access:VaultAccess").map((r) => r.name)).to.deep.equal([
      "payments/access",
      "platform/access",
    ]);
    expect(ofType(prod, RA).map((r) => r.name)).to.have.members([
      "payments/access/secret/db-password/kv-secrets-user/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
      "payments/access/secret/psp-api-key/kv-secrets-user/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
      "payments/access/key/cmk-payments-db/kv-crypto-service-encryption-user/2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b",
      "payments/access/vault/kv-administrator/4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0",
      "platform/access/key/cmk-storage/kv-crypto-service-encryption-user/3b4c5d6e-7f80-4912-a3b4-c5d6e7f8091a",
      "platform/access/secret/tls-api-cert/kv-secrets-user/5c6d7e8f-9012-4a3b-b4c5-d6e7f8091a2b",
    ]);
  });

  it("scopes secret/<name> to that secret's ARM id, after the secret exists", () => {
    const secret = byName(prod, "azure-native:keyvault:Secret", "payments/secrets/db-password");
    const ra = byName(
      prod,
      RA,
      "payments/access/secret/db-password/kv-secrets-user/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
    );
    expect(secret.id).to.match(
      /\/providers\/Microsoft\.KeyVault\/vaults\/kv-payments-prd-[a-z0-9]{5}\/secrets\/db-password$/,
    );
    expect(input(ra, "scope")).to.equal(secret.id);
    expect(ra.dependsOn).to.include(secret.urn);
  });

  it("scopes key/<name> to that key's ARM id, after the key exists", () => {
    const key = byName(prod, "azure-native:keyvault:Key", "platform/keys/cmk-storage");
    const ra = byName(
      prod,
      RA,
      "platform/access/key/cmk-storage/kv-crypto-service-encryption-user/3b4c5d6e-7f80-4912-a3b4-c5d6e7f8091a",
    );
    expect(key.id).to.match(/\/vaults\/kv-platform-prd-[a-z0-9]{5}\/keys\/cmk-storage$/);
    expect(input(ra, "scope")).to.equal(key.id);
    expect(ra.dependsOn).to.include(key.urn);
  });

  it("scopes vault to the vault's ARM id", () => {
    const vault = byName(prod, "azure-native:keyvault:Vault", "payments");
    const ra = byName(
      prod,
      RA,
      "payments/access/vault/kv-administrator/4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0",
    );
    expect(input(ra, "scope")).to.equal(vault.id);
    expect(ra.dependsOn).to.include(vault.urn);
  });

  it("gives every assignment its principalType, a UUIDv5 name of (scope, principal, role) and the catalogue's role definition id", () => {
    const assignments = ofType(prod, RA);
    expect(assignments).to.have.length(6);
    for (const ra of assignments) {
      const roleId = String(input(ra, "roleDefinitionId")).split("/").pop() ?? "";
      expect(["User", "Group", "ServicePrincipal"], ra.name).to.include(input(ra, "principalType"));
      expect(input(ra, "roleAssignmentName"), ra.name).to.match(UUID_V5);
      expect(input(ra, "roleAssignmentName"), ra.name).to.equal(
        roleAssignmentName(String(input(ra, "scope")), String(input(ra, "principalId")), roleId),
      );
      expect(input(ra, "roleDefinitionId"), ra.name).to.equal(roleDef(roleId));
    }
    const secretsUser = assignments.filter((ra) => ra.name.includes("/kv-secrets-user/"));
    expect(secretsUser).to.have.length(3);
    for (const ra of secretsUser)
      expect(input(ra, "roleDefinitionId")).to.equal(roleDef(SECRETS_USER));
  });

  it("lists every assignment in the access matrix, sorted by vault, scope, role, principal", () => {
    expect(
      rows(prod).map((r) => [r.vault, r.scope, r.role, r.principalId, r.principalType]),
    ).to.deep.equal([
      [
        "payments",
        "key/cmk-payments-db",
        "Key Vault Crypto Service Encryption User",
        "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b",
        "ServicePrincipal",
      ],
      [
        "payments",
        "secret/db-password",
        "Key Vault Secrets User",
        "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
        "ServicePrincipal",
      ],
      [
        "payments",
        "secret/psp-api-key",
        "Key Vault Secrets User",
        "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
        "ServicePrincipal",
      ],
      [
        "payments",
        "vault",
        "Key Vault Administrator",
        "4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0",
        "Group",
      ],
      [
        "platform",
        "key/cmk-storage",
        "Key Vault Crypto Service Encryption User",
        "3b4c5d6e-7f80-4912-a3b4-c5d6e7f8091a",
        "ServicePrincipal",
      ],
      [
        "platform",
        "secret/tls-api-cert",
        "Key Vault Secrets User",
        "5c6d7e8f-9012-4a3b-b4c5-d6e7f8091a2b",
        "ServicePrincipal",
      ],
    ]);
    for (const row of rows(prod)) {
      const ra = ofType(prod, RA).find(
        (r) => input(r, "roleAssignmentName") === row.roleAssignmentName,
      );
      expect(ra, row.roleAssignmentName).to.not.equal(undefined);
      expect(row.roleDefinitionId).to.equal(input(ra!, "roleDefinitionId"));
      expect(row.scopeId).to.equal(input(ra!, "scope"));
      expect(row.notes).to.deep.equal([]);
    }
  });

  it("renders the access matrix as a Markdown table, one row per assignment", () => {
    const md = renderMarkdown(prod);
    const table = md.split("## Access matrix")[1].split("\n## ")[0];
    const lines = table.split("\n").filter((l) => l.startsWith("|"));
    expect(lines[0]).to.equal(
      "| Vault | Principal | Type | Role | Role definition | Scope | Notes |",
    );
    expect(lines).to.have.length(2 + 6);
    expect(lines).to.include(
      "| payments | `1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b` | ServicePrincipal | Key Vault Secrets User | `4633458b-17de-408a-b874-0445c86b69e6` | secret/db-password |  |",
    );
  });

  it("names assignments identically on every run", () => {
    const names = (r: PlanReport) => rows(r).map((row) => row.roleAssignmentName);
    expect(names(again)).to.deep.equal(names(prod));
    expect(JSON.stringify(again.access)).to.equal(JSON.stringify(prod.access));
    expect(renderJson(again)).to.equal(renderJson(prod));
  });

  describe("notes a reviewer should see", () => {
    async function devWith(grant: Record<string, unknown>): Promise<AccessEntry> {
      const config: StackConfigDoc = clone(committedConfig("dev"));
      const vault = (config["keyvault-estate:vaults"] as { access: unknown[] }[])[0];
      vault.access = [grant];
      const report = await planConfig(config, { stack: "dev" });
      expect(report.access).to.have.length(1);
      return rows(report)[0];
    }
    const base = {
      principalId: "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
      principalType: "ServicePrincipal",
    };

    it("flags Secrets User at vault scope as advisory", async () => {
      const row = await devWith({ ...base, role: "Key Vault Secrets User", scope: "vault" });
      expect(row.notes).to.deep.equal([
        'advisory: "Key Vault Secrets User" at vault scope reaches every secret in the vault; grant secret/<name> for each secret the principal needs unless the vault is dedicated to it',
      ]);
    });

    it("flags Crypto User at vault scope as advisory, and not at a key scope", async () => {
      const vaultWide = await devWith({ ...base, role: "Key Vault Crypto User", scope: "vault" });
      expect(vaultWide.notes).to.have.length(1);
      expect(vaultWide.notes[0]).to.match(
        /^advisory: "Key Vault Crypto User" at vault scope reaches every key/,
      );
      const narrow = await devWith({
        ...base,
        role: "Key Vault Crypto User",
        scope: "key/cmk-storage",
      });
      expect(narrow.notes).to.deep.equal([]);
    });

    it("flags a raw GUID, naming the catalogue role it stands for", async () => {
      const row = await devWith({ ...base, role: SECRETS_USER, scope: "secret/db-password" });
      expect(row.role).to.equal("Key Vault Secrets User");
      expect(row.notes).to.deep.equal([
        'role given as a raw GUID; it is the catalogue\'s "Key Vault Secrets User"',
      ]);
    });

    it("shows the notes in the console and Markdown reports, not only in the JSON", async () => {
      const config: StackConfigDoc = clone(committedConfig("dev"));
      const vault = (config["keyvault-estate:vaults"] as { access: unknown[] }[])[0];
      vault.access = [{ ...base, role: SECRETS_USER, scope: "secret/db-password" }];
      const report = await planConfig(config, { stack: "dev" });
      const note = 'role given as a raw GUID; it is the catalogue\'s "Key Vault Secrets User"';
      expect(renderConsole(report)).to.include(`      note: ${note}`);
      expect(renderMarkdown(report)).to.include(`| secret/db-password | ${note} |`);
    });

    it("flags a GUID outside the catalogue, and shows the GUID as the role", async () => {
      const custom = "0b5d1a2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
      const row = await devWith({ ...base, role: custom, scope: "vault" });
      expect(row.role).to.equal(custom);
      expect(row.roleDefinitionId).to.equal(roleDef(custom));
      expect(row.notes[0]).to.match(/is not in the catalogue .*the guardrails cannot classify it/);
    });

    it("passes an ABAC condition through with conditionVersion 2.0", async () => {
      const condition =
        "@Resource[Microsoft.KeyVault/vaults/secrets:name] StringEquals 'db-password'";
      const row = await devWith({
        ...base,
        role: "Key Vault Secrets User",
        scope: "vault",
        condition,
      });
      expect(row.condition).to.equal(condition);
    });
  });
});

describe("role assignment names", () => {
  const scope =
    "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-kv-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prd-ab12c/secrets/db-password";
  const principal = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";

  it("is pinned: the same triple gives this name on every machine and release", () => {
    // A changed namespace or key format would rename (replace) every assignment in Azure.
    expect(roleAssignmentName(scope, principal, SECRETS_USER)).to.equal(PINNED);
  });

  it("ignores letter case, as ARM ids and GUIDs do", () => {
    expect(
      roleAssignmentName(scope.toUpperCase(), principal.toUpperCase(), SECRETS_USER.toUpperCase()),
    ).to.equal(roleAssignmentName(scope, principal, SECRETS_USER));
  });

  it("gives distinct (scope, principal, role) triples distinct UUIDv5 names", () => {
    const vaultId = fc
      .stringMatching(/^[a-z][a-z0-9-]{2,22}[a-z0-9]$/)
      .map(
        (v) =>
          `/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${v}`,
      );
    const scopeId = fc.oneof(
      vaultId,
      fc
        .tuple(
          vaultId,
          fc.constantFrom("secrets", "keys"),
          fc.stringMatching(/^[0-9a-zA-Z-]{1,20}$/),
        )
        .map(([v, kind, n]) => `${v}/${kind}/${n}`),
    );
    const triple = fc.tuple(scopeId, fc.uuid(), fc.uuid());
    fc.assert(
      fc.property(
        fc.uniqueArray(triple, {
          minLength: 2,
          maxLength: 30,
          selector: (t) => t.map((p) => p.toLowerCase()).join("\n"),
        }),
        (triples) => {
          const names = triples.map(([s, p, r]) => roleAssignmentName(s, p, r));
          for (const n of names) expect(n).to.match(UUID_V5);
          expect(new Set(names).size).to.equal(triples.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("VaultAccess", () => {
  const spec = (scope: string): ResolvedGrant => {
    const a = accessSpecSchema.parse({
      principalId: "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
      principalType: "ServicePrincipal",
      role: "Key Vault Secrets User",
      scope,
    });
    return {
      ...a,
      resource: grantResourceName(
        "payments",
        a.scope,
        a.role.catalogue?.slug ?? a.role.id,
        a.principalId,
      ),
      path: "vaults[0].access[0]",
      parsedScope: parseScope(a.scope),
      notes: [],
    };
  };

  it("refuses to register an assignment whose secret was not handed over", async () => {
    let failure: unknown;
    await runProgram("unit", { flat: {}, secretKeys: [] }, () => {
      try {
        new VaultAccess("payments/access", {
          vault: "payments",
          vaultId: pulumi.output(
            "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
          ),
          subscriptionId: "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f",
          grants: [spec("secret/db-password")],
          secrets: {},
        });
      } catch (e) {
        failure = e;
      }
    });
    expect(String(failure)).to.contain(
      "vault payments: access scope secret/db-password names no secret resource passed to VaultAccess",
    );
  });

  it("knows each grant's role when its scope has no id yet, as in a first preview", async () => {
    // In a preview a vault, key or secret being created has no id (the engine's Create answers a
    // preview with unknowns), and the pack must still read every grant's role.
    const run = await runProgram("unit", { flat: {}, secretKeys: [] }, () => {
      new VaultAccess("payments/access", {
        vault: "payments",
        vaultId: pulumi.output(pulumi.unknown) as pulumi.Output<string>,
        subscriptionId: "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f",
        grants: [spec("vault")],
      });
    });
    const [assignment] = run.resources.filter((r) => r.type === RA);
    expect(assignment.inputs.roleDefinitionId).to.equal(
      `/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
    );
    expect(assignment.inputs.scope).to.not.equal(assignment.inputs.roleDefinitionId);
  });

  it("resolves each scope kind from what it is handed", async () => {
    const vaultId =
      "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
    const run = await runProgram("unit", { flat: {}, secretKeys: [] }, () => {
      new VaultAccess("payments/access", {
        vault: "payments",
        vaultId: pulumi.output(vaultId),
        subscriptionId: "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f",
        grants: [spec("vault"), spec("secret/db-password")],
        secrets: { "db-password": { id: pulumi.output(`${vaultId}/secrets/db-password`) } },
      });
    });
    const assignments = run.resources.filter((r) => r.type === RA);
    expect(
      assignments.map((r) => [r.name, r.inputs.scope, r.inputs.roleDefinitionId]),
    ).to.deep.equal([
      [
        "payments/access/secret/db-password/kv-secrets-user/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
        `${vaultId}/secrets/db-password`,
        `/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
      ],
      [
        "payments/access/vault/kv-secrets-user/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
        vaultId,
        `/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
      ],
    ]);
  });
});

// Also what Python's uuid.uuid5(namespace, "<scope>\\n<principal>\\n<role>") gives, lower-cased: RFC 4122 UUIDv5.
const PINNED = "6e804979-29cb-5e7e-af51-41e0904a2cce";
