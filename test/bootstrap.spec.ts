import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  assignableRoles,
  INPUTS_FILE,
  renderInputs,
  STACKS,
  stackFacts,
} from "../tools/deploy/bootstrapInputs";
import { committedPlan, ROOT, tempDir } from "./helpers";
import { ROLES } from "../infra/azure/roles";

/** scripts/bootstrap.sh: its generated inputs stay in step, and its dry run does what it promises. */

const SUB = "11111111-2222-4333-8444-555555555555";
const REPO = "contoso/keyvault-estate";
const ARGS = [
  "--dry-run",
  "--github-repo",
  REPO,
  "--state-account",
  "stkvestatestate01",
  "--secrets-vault",
  "kv-estate-sp-01",
  "--subscription",
  SUB,
  "--ado-issuer",
  "https://vstoken.dev.azure.com/00000000-aaaa-4bbb-8ccc-dddddddddddd",
  "--ado-subject",
  "kv-estate-deploy-prod=sc://contoso/platform/kv-estate-deploy-prod",
];

/** Runs the script with a PATH whose `az` records any call, so a dry run provably needs none. */
function bootstrap(args: readonly string[]): {
  status: number | null;
  out: string;
  azCalls: string;
} {
  const dir = tempDir();
  const log = path.join(dir, "az-calls");
  fs.writeFileSync(path.join(dir, "az"), `#!/bin/sh\necho "$@" >> "${log}"\nexit 1\n`, {
    mode: 0o755,
  });
  const result = spawnSync(
    "bash",
    ["-c", 'exec bash scripts/bootstrap.sh "$@" 2>&1', "bootstrap", ...args],
    { cwd: ROOT, env: { PATH: `${dir}:${process.env.PATH}` }, encoding: "utf8" },
  );
  return {
    status: result.status,
    out: result.stdout,
    azCalls: fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "",
  };
}

const commands = (out: string) =>
  out
    .split("\n")
    .filter((l) => l.startsWith("+ "))
    .map((l) => l.slice(2));

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const UAA = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
const KV_DATA_ACCESS_ADMIN = "8b54135c-b56d-4d72-a534-26097cfdc8d8";

describe("bootstrap", () => {
  describe("scripts/bootstrap.inputs.sh", () => {
    it("is what npm run bootstrap:inputs generates from the catalogue and the committed stacks", async () => {
      const facts = [];
      for (const stack of STACKS) facts.push(stackFacts(stack, await committedPlan(stack)));
      const expected = renderInputs(ROLES, facts);
      const committed = fs.readFileSync(path.join(ROOT, INPUTS_FILE), "utf8");
      expect(committed, "stale: run npm run bootstrap:inputs").to.equal(expected);
    });

    it("lets the deploy identity assign every role the stacks assign, and no role-granting role", async () => {
      const allowed = assignableRoles(ROLES).map((r) => r.id);
      for (const stack of STACKS) {
        for (const a of (await committedPlan(stack)).access) {
          expect(allowed, `${stack}: ${a.role}`).to.include(a.roleDefinitionId.split("/").pop());
        }
      }
      for (const id of [OWNER, CONTRIBUTOR, UAA, RBAC_ADMIN, KV_DATA_ACCESS_ADMIN]) {
        expect(allowed).to.not.include(id);
      }
    });

    it("adopts each stack's resource group under its parent component on the first import", async () => {
      const plan = await committedPlan("prod");
      const group = plan.resources.filter((r) => r.type === "azure-native:resources:ResourceGroup");
      expect(group).to.have.length(1);
      const facts = stackFacts("prod", plan);
      expect(facts.resourceGroup).to.equal("rg-kv-prod");
      expect(JSON.parse(facts.importFile)).to.deep.equal({
        resources: [
          { type: "keyvault-estate:estate:Estate", name: "estate", component: true },
          {
            type: "azure-native:resources:ResourceGroup",
            name: group[0].name,
            id: "__RESOURCE_GROUP_ID__",
            parent: "estate",
          },
        ],
      });
    });
  });

  describe("--dry-run", () => {
    const run = bootstrap(ARGS);
    const cmds = commands(run.out);

    it("succeeds, prints every command and calls no az", () => {
      expect(run.status, run.out).to.equal(0);
      expect(run.azCalls).to.equal("");
      expect(cmds.length).to.be.greaterThan(50);
      for (const c of cmds) expect(c, c).to.match(/^(az |write reports\/bootstrap\/import-)/);
    });

    it("prints the same commands on every run (idempotent plan of work)", () => {
      expect(bootstrap(ARGS).out).to.equal(run.out);
    });

    it("creates the state account with Shared Key off, versioning, soft delete and a container", () => {
      expect(cmds).to.include(
        "az storage account create --name stkvestatestate01 --resource-group rg-kv-estate-ops " +
          "--location westeurope --sku Standard_ZRS --kind StorageV2 --https-only true " +
          "--min-tls-version TLS1_2 --allow-blob-public-access false --allow-shared-key-access false",
      );
      expect(cmds).to.include(
        "az storage account blob-service-properties update --account-name stkvestatestate01 " +
          "--resource-group rg-kv-estate-ops --enable-versioning true --enable-delete-retention true " +
          "--delete-retention-days 30 --enable-container-delete-retention true " +
          "--container-delete-retention-days 30",
      );
      expect(cmds).to.include(
        "az storage container-rm create --storage-account stkvestatestate01 --resource-group " +
          "rg-kv-estate-ops --name state --public-access off",
      );
    });

    it("creates the secrets-provider key through ARM, never as a new version", () => {
      const put = cmds.filter((c) => c.startsWith("az rest --method put"));
      expect(put).to.deep.equal([
        `az rest --method put --url 'https://management.azure.com/subscriptions/${SUB}/resourceGroups/rg-kv-estate-ops/providers/Microsoft.KeyVault/vaults/kv-estate-sp-01/keys/pulumi-state?api-version=2023-07-01' --body '{"properties":{"kty":"RSA-HSM","keySize":3072,"keyOps":["encrypt","decrypt"]}}'`,
      ]);
    });

    it("federates each identity with exactly its GitHub environment, and ADO where given", () => {
      const creds = cmds.filter((c) => c.startsWith("az identity federated-credential create"));
      const pairs = creds.map((c) => {
        const identity = /--identity-name (\S+)/.exec(c)![1];
        const subject = /--subject (\S+)/.exec(c)![1];
        return `${identity} ${subject}`;
      });
      expect(pairs).to.deep.equal([
        `id-kv-estate-deploy-dev repo:${REPO}:environment:dev`,
        `id-kv-estate-preview-dev repo:${REPO}:environment:preview-dev`,
        `id-kv-estate-deploy-staging repo:${REPO}:environment:staging`,
        `id-kv-estate-preview-staging repo:${REPO}:environment:preview-staging`,
        `id-kv-estate-deploy-prod repo:${REPO}:environment:prod`,
        "id-kv-estate-deploy-prod sc://contoso/platform/kv-estate-deploy-prod",
        `id-kv-estate-preview-prod repo:${REPO}:environment:preview-prod`,
      ]);
    });

    it("grants control-plane roles on the estate's resource groups only, never the subscription", () => {
      const grants = cmds
        .filter((c) => c.startsWith("az role assignment create"))
        .map((c) => ({
          who: /--assignee-object-id (\S+)/.exec(c)![1],
          role: /--role ('[^']+'|\S+)/.exec(c)![1].replace(/'/g, ""),
          scope: /--scope (\S+)/.exec(c)![1],
        }));
      for (const g of grants) {
        expect(g.scope, `${g.role} for ${g.who}`).to.not.match(/^\/subscriptions\/[^/]+$/);
      }
      const deployDev = "'<principal-id:id-kv-estate-deploy-dev>'";
      const rg = `/subscriptions/${SUB}/resourceGroups/rg-kv-dev`;
      const forDeployDev = grants
        .filter((g) => g.who === deployDev)
        .map((g) => `${g.role} @ ${g.scope}`);
      const ops = `/subscriptions/${SUB}/resourceGroups/rg-kv-estate-ops`;
      expect(forDeployDev).to.deep.equal([
        `Contributor @ ${rg}`,
        `keyvault-estate locks @ ${rg}`,
        `Role Based Access Control Administrator @ ${rg}`,
        `Storage Blob Data Contributor @ ${ops}/providers/Microsoft.Storage/storageAccounts/stkvestatestate01/blobServices/default/containers/state`,
        `Key Vault Crypto User @ ${ops}/providers/Microsoft.KeyVault/vaults/kv-estate-sp-01/keys/pulumi-state`,
      ]);
      const previewDev = grants
        .filter((g) => g.who === "'<principal-id:id-kv-estate-preview-dev>'")
        .map((g) => g.role);
      expect(previewDev).to.deep.equal([
        "Reader",
        "Storage Blob Data Reader",
        "Key Vault Crypto User",
      ]);
      // prod links a subnet and a private DNS zone: the join role there, nothing broader.
      const joins = grants.filter((g) => g.role === "keyvault-estate network join");
      expect(joins.map((g) => g.scope)).to.have.length(4);
      for (const g of joins) {
        expect(g.scope).to.match(/\/(subnets|privateDnsZones)\/[^/]+$/);
      }
    });

    it("limits role assignment to the generated Key Vault role GUIDs by an ABAC condition", async () => {
      const rbac = cmds.filter((c) =>
        c.includes("--role 'Role Based Access Control Administrator'"),
      );
      const creates = rbac.filter((c) => c.startsWith("az role assignment create"));
      expect(creates).to.have.length(3);
      const roles = assignableRoles(ROLES).map((r) => r.id);
      for (const c of creates) {
        expect(c).to.match(/--condition-version 2\.0$/);
        const sets = [...c.matchAll(/GuidEquals \{([^}]*)\}/g)].map((m) => m[1].split(", "));
        expect(sets).to.deep.equal([roles, roles]);
        expect(c).to.include(
          "ActionMatches{'\\''Microsoft.Authorization/roleAssignments/write'\\''}",
        );
        expect(c).to.include(
          "ActionMatches{'\\''Microsoft.Authorization/roleAssignments/delete'\\''}",
        );
      }
    });

    it("creates each estate resource group with its stack's tags and writes its import file", () => {
      expect(cmds).to.include(
        `az group create --subscription ${SUB} --name rg-kv-prod --location westeurope --tags ` +
          "cost-center=cc-1042 data-classification=confidential environment=prod " +
          "managed-by=keyvault-estate owner=platform-team",
      );
      expect(cmds.filter((c) => c.startsWith("write "))).to.deep.equal(
        STACKS.map((s) => `write reports/bootstrap/import-${s}.json`),
      );
      expect(run.out).to.include(
        "pulumi import --stack prod --file reports/bootstrap/import-prod.json --protect=false --generate-code=false --yes",
      );
    });
  });

  describe("bad input", () => {
    it("refuses a malformed storage account name, naming the flag, before doing anything", () => {
      const args = ARGS.map((a) => (a === "stkvestatestate01" ? "State_Account" : a));
      const run = bootstrap(args);
      expect(run.status).to.equal(2);
      expect(run.out.trim()).to.equal(
        "error: --state-account must be 3-24 lowercase letters or digits",
      );
    });

    it("refuses an Azure DevOps subject for a connection that does not exist", () => {
      const run = bootstrap([...ARGS, "--ado-subject", "kv-estate-deploy-qa=sc://x/y/z"]);
      expect(run.status).to.equal(2);
      expect(run.out).to.include("--ado-subject: unknown service connection 'kv-estate-deploy-qa'");
    });
  });
});
