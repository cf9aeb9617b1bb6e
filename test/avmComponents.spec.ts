import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Estate } from "../infra/components/estate";
import { runProgram } from "../tools/plan/engine";
import { avmConfig } from "./avmFixture";
import { input, PlannedResource, resolveConfig } from "./helpers";

/**
 * The components built from the example stack's resolved model, under the offline engine (no plan,
 * no policies): the endpoints in the write chain, the ReadOnly lock last, each diagnostic setting's
 * inputs, the key attributes, and the outputs a consuming stack reads.
 */

const CANARY = "CANARY-avm-db-password-5e1f";

describe("parity with Azure Verified Modules: the components", () => {
  let resources: PlannedResource[];
  let outputs: Record<string, unknown>;
  const byName = (name: string) => {
    const r = resources.find((x) => x.name === name && x.custom);
    if (!r) throw new Error(`no resource ${name}`);
    return r;
  };
  /** Whether `from` waits for `to`, directly or through the resources it waits for. */
  const waitsFor = (from: PlannedResource, to: PlannedResource): boolean => {
    const seen = new Set<string>();
    const queue = [...from.dependsOn];
    while (queue.length > 0) {
      const urn = queue.pop()!;
      if (urn === to.urn) return true;
      if (seen.has(urn)) continue;
      seen.add(urn);
      queue.push(...(resources.find((r) => r.urn === urn)?.dependsOn ?? []));
    }
    return false;
  };

  before(async () => {
    const estate = resolveConfig(avmConfig());
    const run = await runProgram(
      "avm",
      { flat: {}, secretKeys: [] },
      () =>
        new Estate("estate", {
          estate,
          tenantId: "72f988bf-0000-4a1b-9c2d-3e4f5a6b7c8d",
          subscriptionId: "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f",
          secretValues: { orders: { "db-password": pulumi.secret(CANARY) } },
        }).outputs,
      { preview: true },
    );
    resources = run.resources;
    outputs = run.outputs;
  });

  it("puts every endpoint in the vault's write chain, in order, before the keys", () => {
    const hub = byName("orders/pe/pe-orders-hub");
    const spoke = byName("orders/pe/pe-orders-spoke-ne");
    const cmk = byName("orders/keys/cmk-orders-db");
    expect(spoke.dependsOn).to.include(hub.urn);
    expect(waitsFor(cmk, spoke)).to.equal(true);
    expect(waitsFor(hub, spoke)).to.equal(false);
  });

  it("gives an endpoint its static address, security groups, group, region and tags", () => {
    const hub = byName("orders/pe/pe-orders-hub");
    expect(hub.inputs.ipConfigurations).to.deep.equal([
      {
        groupId: "vault",
        memberName: "default",
        name: "pe-orders-hub-ipconfig",
        privateIPAddress: "10.10.2.10",
      },
    ]);
    expect(hub.inputs.applicationSecurityGroups).to.deep.equal([
      {
        id: "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-network-hub/providers/Microsoft.Network/applicationSecurityGroups/asg-key-vaults",
      },
    ]);
    expect(hub.inputs.resourceGroupName).to.equal("rg-kv-avm-prod");
    const spoke = byName("orders/pe/pe-orders-spoke-ne");
    expect(spoke.inputs).to.include({
      resourceGroupName: "rg-spoke-orders",
      location: "northeurope",
      privateEndpointName: "pe-orders-spoke-ne",
    });
    expect(spoke.inputs).not.to.have.property("ipConfigurations");
    expect(input(byName("orders/pe/pe-orders-spoke-ne/dns"), "resourceGroupName")).to.equal(
      "rg-spoke-orders",
    );
    const lock = byName("orders/pe/pe-orders-hub/lock");
    expect(lock.inputs).to.include({ level: "CanNotDelete", scope: hub.outputs.id });
  });

  it("registers a ReadOnly lock last, after the settings and endpoints written under the pool", () => {
    const lock = byName("root/lock");
    expect(lock.inputs).to.include({ level: "ReadOnly", lockName: "root-read-only" });
    const before = ["root/audit", "root/pe/pe-root-hub", "root/pe/pe-root-hub/dns"].map(
      (n) => byName(n).urn,
    );
    expect(lock.dependsOn).to.include.members(before);
    // A CanNotDelete lock blocks no write and waits for nothing but its vault.
    expect(byName("orders/lock").dependsOn).to.deep.equal([byName("orders").urn]);
  });

  it("sends each diagnostic setting's categories and metrics to its destinations", () => {
    const audit = byName("orders/audit");
    expect(audit.inputs.logs).to.deep.equal([{ categoryGroup: "audit", enabled: true }]);
    expect(audit.inputs.metrics).to.deep.equal([{ category: "AllMetrics", enabled: true }]);
    expect(audit.inputs.storageAccountId).to.match(/\/storageAccounts\/stkvauditprd[a-z0-9]{6}$/);
    const soc = byName("orders/diagnostics/to-soc");
    expect(soc.inputs).to.deep.include({
      name: "to-soc",
      logs: [{ category: "AuditEvent", enabled: true }],
      metrics: [],
      workspaceId:
        "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/log-soc",
      logAnalyticsDestinationType: "Dedicated",
    });
    expect(soc.inputs).not.to.have.property("storageAccountId");
  });

  it("sets a key's attributes and tags at creation only", () => {
    const cmk = byName("orders/keys/cmk-orders-db");
    expect(input(cmk, "properties.attributes")).to.include({
      enabled: true,
      expires: Date.parse("2027-12-01T00:00:00Z") / 1000,
      notBefore: Date.parse("2026-07-01T00:00:00Z") / 1000,
    });
    expect(input(cmk, "tags.consumer")).to.equal("orders-db");
    expect(cmk.ignoreChanges).to.deep.equal(["properties", "tags"]);
    expect(
      input(byName("orders/keys/receipt-signing-next"), "properties.attributes.enabled"),
    ).to.equal(false);
  });

  it("exports what a consuming stack reads: ids, URIs, group, region, endpoint addresses", () => {
    const orders = (outputs.vaults as Record<string, Record<string, unknown>>).orders;
    const vault = byName("orders");
    const id = vault.outputs.id as string;
    expect(orders).to.include({
      name: "kv-orders-prod-weu-01",
      id,
      resourceId: id,
      uri: "https://kv-orders-prod-weu-01.vault.azure.net/",
      resourceGroupName: "rg-kv-avm-prod",
      location: "westeurope",
    });
    const cmk = (orders.keyIds as Record<string, Record<string, string>>)["cmk-orders-db"];
    const version = cmk.versionedUri.split("/").pop();
    expect(version).to.match(/^[0-9a-f]{32}$/);
    expect(cmk).to.deep.equal({
      versionlessUri: "https://kv-orders-prod-weu-01.vault.azure.net/keys/cmk-orders-db",
      versionedUri: `https://kv-orders-prod-weu-01.vault.azure.net/keys/cmk-orders-db/${version}`,
      resourceId: `${id}/keys/cmk-orders-db`,
      versionedResourceId: `${id}/keys/cmk-orders-db/versions/${version}`,
    });
    expect(orders.secretIds).to.deep.equal({
      "db-password": {
        versionlessUri: "https://kv-orders-prod-weu-01.vault.azure.net/secrets/db-password",
        resourceId: `${id}/secrets/db-password`,
      },
    });
    const endpoints = orders.privateEndpoints as Record<
      string,
      { id: string; ipAddresses: string[] }
    >;
    expect(Object.keys(endpoints)).to.deep.equal(["pe-orders-hub", "pe-orders-spoke-ne"]);
    expect(endpoints["pe-orders-hub"]).to.deep.equal({
      id: byName("orders/pe/pe-orders-hub").outputs.id,
      ipAddresses: ["10.10.2.10"],
    });
    expect(endpoints["pe-orders-spoke-ne"].id).to.match(
      /\/resourceGroups\/rg-spoke-orders\/providers\/Microsoft\.Network\/privateEndpoints\/pe-orders-spoke-ne$/,
    );
    expect(JSON.stringify({ outputs, resources })).not.to.contain(CANARY);
  });
});
