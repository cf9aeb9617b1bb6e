import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EXIT, planStack } from "../tools/plan/cli";
import { renderJson, renderMarkdown } from "../tools/plan/report";
import type { PlanReport } from "../tools/contract/plan";
import { clone, committedConfig, input, ofType, tempDir, writeStackFile, runCli } from "./helpers";

function tmp(name: string): string {
  return path.join(tempDir(), name);
}

const LIST_FILE = tmp("Pulumi.list.yaml");
fs.writeFileSync(LIST_FILE, "- not\n- a mapping\n");
const BAD_YAML = tmp("Pulumi.bad.yaml");
fs.writeFileSync(BAD_YAML, "config:\n  a: [unclosed\n");

describe("offline plan", () => {
  let prod: PlanReport;
  let dev: PlanReport;

  before(async () => {
    prod = await planStack({ stack: "prod", env: {} });
    dev = await planStack({ stack: "dev", env: {} });
  });

  describe("the prod stack", () => {
    it("plans two premium vaults", () => {
      const vaults = ofType(prod, "azure-native:keyvault:Vault");
      expect(vaults.map((v) => v.name)).to.deep.equal(["payments", "platform"]);
      for (const v of vaults) expect(input(v, "properties.sku.name")).to.equal("premium");
    });

    it("hardens every vault: purge protection, RBAC, soft delete, private, Deny, protected", () => {
      for (const v of ofType(prod, "azure-native:keyvault:Vault")) {
        expect(input(v, "properties.enablePurgeProtection"), v.name).to.equal(true);
        expect(input(v, "properties.enableRbacAuthorization"), v.name).to.equal(true);
        expect(input(v, "properties.enableSoftDelete"), v.name).to.equal(true);
        expect(input(v, "properties.softDeleteRetentionInDays"), v.name).to.equal(90);
        expect(input(v, "properties.publicNetworkAccess"), v.name).to.equal("Disabled");
        expect(input(v, "properties.networkAcls.defaultAction"), v.name).to.equal("Deny");
        expect(input(v, "properties.networkAcls.bypass"), v.name).to.equal("AzureServices");
        expect(input(v, "properties.accessPolicies"), v.name).to.equal(undefined);
        expect(input(v, "properties.enabledForDeployment"), v.name).to.equal(false);
        expect(input(v, "properties.tenantId"), v.name).to.equal(
          "72f988bf-0000-4a1b-9c2d-3e4f5a6b7c8d",
        );
        expect(v.protect, v.name).to.equal(true);
        expect(input(v, "vaultName") as string).to.match(
          new RegExp(`^kv-${v.name}-prd-[a-z0-9]{5}$`),
        );
      }
    });

    it("sends every vault's audit logs to both Storage and Log Analytics", () => {
      const settings = ofType(prod, "azure-native:monitor:DiagnosticSetting");
      const vaults = ofType(prod, "azure-native:keyvault:Vault");
      expect(settings).to.have.length(vaults.length);
      const storage = ofType(prod, "azure-native:storage:StorageAccount")[0];
      const workspace = ofType(prod, "azure-native:operationalinsights:Workspace")[0];
      for (const v of vaults) {
        const s = settings.find((d) => d.inputs.resourceUri === v.id);
        expect(s, v.name).to.not.equal(undefined);
        expect(s!.inputs.logs).to.deep.equal([{ categoryGroup: "audit", enabled: true }]);
        expect(s!.inputs.metrics).to.deep.equal([{ category: "AllMetrics", enabled: true }]);
        expect(s!.inputs.storageAccountId).to.equal(storage.id);
        expect(s!.inputs.workspaceId).to.equal(workspace.id);
        expect(s!.inputs.logAnalyticsDestinationType).to.equal("Dedicated");
      }
    });

    it("locks every vault and gives it a private endpoint with DNS", () => {
      const vaults = ofType(prod, "azure-native:keyvault:Vault");
      const locks = ofType(prod, "azure-native:authorization:ManagementLockByScope");
      const endpoints = ofType(prod, "azure-native:network:PrivateEndpoint");
      expect(ofType(prod, "azure-native:network:PrivateDnsZoneGroup")).to.have.length(
        vaults.length,
      );
      for (const v of vaults) {
        const lock = locks.find((l) => l.inputs.scope === v.id);
        expect(lock?.inputs.level, v.name).to.equal("CanNotDelete");
        const pe = endpoints.find(
          (e) => input(e, "privateLinkServiceConnections.0.privateLinkServiceId") === v.id,
        );
        expect(input(pe!, "privateLinkServiceConnections.0.groupIds"), v.name).to.deep.equal([
          "vault",
        ]);
      }
    });

    it("hardens the archive account and keeps logs for the configured 730 days", () => {
      const [account] = ofType(prod, "azure-native:storage:StorageAccount");
      expect(account.inputs).to.include({
        kind: "StorageV2",
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
      });
      expect(input(account, "encryption.requireInfrastructureEncryption")).to.equal(true);
      expect(input(account, "sku.name")).to.equal("Standard_GRS");
      const [lifecycle] = ofType(prod, "azure-native:storage:ManagementPolicy");
      expect(input(lifecycle, "policy.rules.0.definition.actions.baseBlob.delete")).to.deep.equal({
        daysAfterModificationGreaterThan: 730,
      });
      const [workspace] = ofType(prod, "azure-native:operationalinsights:Workspace");
      expect(workspace.inputs.retentionInDays).to.equal(365);
    });

    it("exports each vault's name, id and URI and the sink ids", () => {
      const vaults = prod.outputs.vaults as Record<string, Record<string, unknown>>;
      expect(Object.keys(vaults)).to.deep.equal(["payments", "platform"]);
      const payments = ofType(prod, "azure-native:keyvault:Vault").find(
        (v) => v.name === "payments",
      )!;
      expect(vaults.payments.id).to.equal(payments.id);
      expect(vaults.payments.uri).to.equal(`https://${payments.inputs.vaultName}.vault.azure.net/`);
      expect(prod.outputs.logAnalyticsWorkspaceId).to.match(/\/workspaces\/log-kv-audit-prd$/);
      expect(prod.outputs.auditStorageAccountId).to.match(
        /\/storageAccounts\/stkvauditprd[a-z0-9]{6}$/,
      );
    });
  });

  describe("the dev stack", () => {
    it("plans one standard vault without lock, private endpoint or protection", () => {
      const vaults = ofType(dev, "azure-native:keyvault:Vault");
      expect(vaults).to.have.length(1);
      const [v] = vaults;
      expect(input(v, "properties.sku.name")).to.equal("standard");
      // Purge protection off is left unset: Azure rejects an explicit false.
      expect(input(v, "properties.enablePurgeProtection")).to.equal(undefined);
      expect(input(v, "properties.softDeleteRetentionInDays")).to.equal(7);
      expect(input(v, "properties.networkAcls.ipRules")).to.deep.equal([
        { value: "203.0.113.0/24" },
      ]);
      expect(v.protect).to.equal(false);
      expect(ofType(dev, "azure-native:authorization:ManagementLockByScope")).to.have.length(0);
      expect(ofType(dev, "azure-native:network:PrivateEndpoint")).to.have.length(0);
      expect(ofType(dev, "azure-native:monitor:DiagnosticSetting")).to.have.length(1);
    });

    it("takes the tenant from the deploying identity when none is configured", () => {
      const [v] = ofType(dev, "azure-native:keyvault:Vault");
      expect(input(v, "properties.tenantId")).to.equal("11111111-1111-1111-1111-111111111111");
    });
  });

  describe("the JSON report", () => {
    it("has the contract's sections and resource fields", () => {
      expect(Object.keys(prod)).to.include.members([
        "resources",
        "policyViolations",
        "access",
        "requiredInputs",
        "summary",
      ]);
      for (const r of prod.resources) {
        expect(r).to.include.keys("urn", "type", "name", "dependsOn", "inputs");
      }
      const byType = prod.summary.byType;
      expect(Object.values(byType).reduce((a, b) => a + b, 0)).to.equal(prod.resources.length);
    });

    it("is byte-identical across two plans of the same stack", async () => {
      const again = await planStack({ stack: "prod", env: {} });
      expect(renderJson(again)).to.equal(renderJson(prod));
      expect(renderMarkdown(again)).to.equal(renderMarkdown(prod));
    });

    it("records parents and dependencies the way the engine would", () => {
      const vault = ofType(prod, "azure-native:keyvault:Vault").find((v) => v.name === "payments")!;
      expect(vault.parent).to.match(/keyvault-estate:vault:KeyVault::payments$/);
      const setting = ofType(prod, "azure-native:monitor:DiagnosticSetting").find(
        (s) => s.inputs.resourceUri === vault.id,
      )!;
      expect(setting.dependsOn).to.include(vault.urn);
    });
  });

  describe("the CLI", () => {
    it("prints the dev plan, writes both reports and exits 0", async () => {
      const json = tmp("dev.json");
      const md = tmp("dev.md");
      const { code, out } = await runCli(["--stack", "dev", "--json", json, "--markdown", md]);
      expect(code).to.equal(EXIT.ok);
      expect(out).to.include('Offline plan of stack "dev" (dev)');
      expect(out).to.match(/\(azure-native:keyvault:Vault\)/);
      expect(JSON.parse(fs.readFileSync(json, "utf8")).stack).to.equal("dev");
      expect(fs.readFileSync(md, "utf8")).to.include("counts by type and the resource tree");
    });

    it("exits 2 naming every bad field of an invalid --config file, without a stack trace", async () => {
      const c = clone(committedConfig("prod"));
      const vaults = c["keyvault-estate:vaults"] as Record<string, unknown>[];
      vaults[0].purgeProtection = false;
      vaults[1].softDeleteRetentionInDays = 120;
      c["keyvault-estate:tenantId"] = "not-a-guid";
      const { code, out, err } = await runCli(["--stack", "prod", "--config", writeStackFile(c)]);
      expect(code).to.equal(EXIT.invalid);
      expect(out).to.equal("");
      expect(err).to.include("vaults[0].purgeProtection: cannot be turned off in prod");
      expect(err).to.include("vaults[1].softDeleteRetentionInDays: must be 7..90");
      expect(err).to.include("tenantId: must be a GUID");
      expect(err).not.to.match(/\n\s+at /);
    });

    for (const [what, args, message] of [
      ["a missing --stack", [], "--stack is required"],
      ["an unknown option", ["--stack", "dev", "--frobnicate"], "Unknown option '--frobnicate'"],
      ["a stack without a file", ["--stack", "nosuch"], "cannot read stack file"],
      [
        "a stack file that is a YAML list",
        ["--stack", "x", "--config", LIST_FILE],
        "must be a YAML mapping",
      ],
      [
        "a stack file that is not YAML",
        ["--stack", "x", "--config", BAD_YAML],
        "is not valid YAML",
      ],
    ] as const) {
      it(`exits 2 on ${what}`, async () => {
        const { code, err } = await runCli([...args]);
        expect(code).to.equal(EXIT.invalid);
        expect(err).to.include(message);
        expect(err).not.to.match(/\n\s+at /);
      });
    }

    it("reviews a change against a base plan with --compare, and exits 1 on what Azure refuses", async () => {
      const base = tmp("base.json");
      fs.writeFileSync(base, renderJson(dev));
      const c = clone(committedConfig("dev"));
      (c["keyvault-estate:vaults"] as Record<string, unknown>[])[0].softDeleteRetentionInDays = 14;
      const { code, out } = await runCli([
        "--stack",
        "dev",
        "--config",
        writeStackFile(c),
        "--compare",
        base,
      ]);
      // Soft-delete retention is fixed when a vault is created: the review flags it, the plan exits 1.
      expect(code).to.equal(EXIT.mandatoryViolation);
      expect(out).to.include("~  update  apps  (azure-native:keyvault:Vault)");
      expect(out).to.include("properties.softDeleteRetentionInDays: 7 → 14");
      expect(out).to.include("! immutable (mandatory): Soft-delete retention is fixed");
    });
  });
});
