import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { parse } from "yaml";
import { planStack } from "../tools/plan/cli";
import type { PlanReport } from "../tools/contract/plan";
import { clone, input, ofType, planConfig, ROOT, StackConfigDoc } from "./helpers";

const FIXTURE = path.join(ROOT, "test/fixtures/keys-managed-hsm.yaml");
const HSM = "azure-native:keyvault:ManagedHsm";

function fixture(): StackConfigDoc {
  return parse(fs.readFileSync(FIXTURE, "utf8")).config as StackConfigDoc;
}

type VaultDoc = Record<string, unknown> & { network: Record<string, unknown> };

describe("Managed HSM pools (infra/managedHsm.ts)", () => {
  let report: PlanReport;
  before(async () => {
    report = await planStack({ stack: "test", configFile: FIXTURE, env: {} });
  });

  it("plans a managedHsm vault as one Standard_B1 ManagedHsm, and no Key Vault or keys", () => {
    expect(ofType(report, "azure-native:keyvault:Vault")).to.have.length(0);
    expect(ofType(report, "azure-native:keyvault:Key")).to.have.length(0);
    const pools = ofType(report, HSM);
    expect(pools).to.have.length(1);
    const [pool] = pools;
    expect(pool.protect).to.equal(true);
    expect(input(pool, "name")).to.match(/^hsm-root-prd-[a-z0-9]{5}$/);
    expect(input(pool, "sku")).to.deep.equal({ family: "B", name: "Standard_B1" });
    expect(input(pool, "properties")).to.deep.equal({
      tenantId: "72f988bf-0000-4a1b-9c2d-3e4f5a6b7c8d",
      initialAdminObjectIds: ["4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"],
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [] },
    });
  });

  it("sends the pool's audit logs to both sinks through a diagnostic setting on the pool", () => {
    const [pool] = ofType(report, HSM);
    const settings = ofType(report, "azure-native:monitor:DiagnosticSetting");
    expect(settings).to.have.length(1);
    const [setting] = settings;
    expect(input(setting, "resourceUri")).to.equal(pool.id);
    expect(setting.dependsOn).to.include(pool.urn);
    expect(input(setting, "logs")).to.deep.equal([{ categoryGroup: "audit", enabled: true }]);
    expect(input(setting, "workspaceId")).to.match(/\/workspaces\/log-kv-audit-prd$/);
    expect(input(setting, "storageAccountId")).to.match(/\/storageAccounts\/stkvauditprd/);
  });

  it("locks the pool and reaches it through a managedhsm private endpoint", () => {
    const [pool] = ofType(report, HSM);
    // (The prod audit sinks carry locks of their own.)
    const locks = ofType(report, "azure-native:authorization:ManagementLockByScope");
    const [lock] = locks.filter((l) => l.name.startsWith("root/"));
    expect(input(lock, "scope")).to.equal(pool.id);
    expect(input(lock, "level")).to.equal("CanNotDelete");
    const [pe] = ofType(report, "azure-native:network:PrivateEndpoint");
    expect(input(pe, "privateLinkServiceConnections")).to.deep.equal([
      { name: "hsm-root-prd", privateLinkServiceId: pool.id, groupIds: ["managedhsm"] },
    ]);
    const [dns] = ofType(report, "azure-native:network:PrivateDnsZoneGroup");
    expect(input(dns, "privateDnsZoneConfigs")).to.deep.equal([
      {
        name: "privatelink-managedhsm",
        privateDnsZoneId:
          "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.managedhsm.azure.net",
      },
    ]);
  });

  it("exports the pool's name, id and HSM URI like a vault's, with no keys", () => {
    const [pool] = ofType(report, HSM);
    const name = input(pool, "name");
    const root = (report.outputs.vaults as Record<string, Record<string, unknown>>).root;
    expect(root).to.include({ name, id: pool.id, uri: `https://${name}.managedhsm.azure.net/` });
    expect(root.keys).to.deep.equal({});
  });

  it("sends purge protection off explicitly where dev allows it (the provider defaults it on)", async () => {
    const config = clone(fixture());
    config["keyvault-estate:environment"] = "dev";
    const vault = (config["keyvault-estate:vaults"] as VaultDoc[])[0];
    vault.purgeProtection = false;
    const dev = await planConfig(config);
    const [pool] = ofType(dev, HSM);
    expect(input(pool, "properties.enablePurgeProtection")).to.equal(false);
    expect(input(pool, "properties.softDeleteRetentionInDays")).to.equal(7);
    expect(ofType(dev, "azure-native:authorization:ManagementLockByScope")).to.have.length(0);
    expect(pool.protect).to.equal(false);
  });

  it("refuses to turn purge protection off in prod", async () => {
    const config = clone(fixture());
    (config["keyvault-estate:vaults"] as VaultDoc[])[0].purgeProtection = false;
    let message = "";
    await planConfig(config).catch((e: Error) => (message = e.message));
    expect(message).to.include("vaults[0].purgeProtection: cannot be turned off in prod");
  });
});
