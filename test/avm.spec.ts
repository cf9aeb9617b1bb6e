import { expect } from "chai";
import type { ResolvedVault } from "../infra/model/types";
import { avmConfig } from "./avmFixture";
import { clone, configProblems, resolveCommitted, resolveConfig, StackConfigDoc } from "./helpers";

/**
 * The inputs added for parity with the Azure Verified Modules, in the model: private endpoints as
 * a list, named and ReadOnly locks, diagnostic settings as a list, key attributes. Each case starts
 * from the committed example stack (examples/avm-parity/Pulumi.avm.yaml) and changes one thing.
 */

type VaultDoc = Record<string, unknown> & { network: Record<string, unknown> };

function vaults(c: StackConfigDoc): VaultDoc[] {
  return c["keyvault-estate:vaults"] as VaultDoc[];
}

const SUB = "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups";
const SUBNET = `${SUB}/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/s`;
const ZONE = `${SUB}/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;
const SOC = `${SUB}/rg-soc/providers/Microsoft.OperationalInsights/workspaces/log-soc`;

function resolved(c: StackConfigDoc, name: string): ResolvedVault {
  const v = resolveConfig(c).vaults.find((x) => x.name === name);
  if (!v) throw new Error(`no vault ${name}`);
  return v;
}

/** The config with one change, and the problems the model reports for it. */
function problemsWith(change: (c: StackConfigDoc) => void): string[] {
  const c = clone(avmConfig());
  change(c);
  return configProblems(c);
}

describe("parity with Azure Verified Modules: the model", () => {
  it("resolves the committed example without problems", () => {
    expect(configProblems(avmConfig())).to.deep.equal([]);
  });

  describe("private endpoints", () => {
    it("keeps the single privateEndpoint's names, so a deployed endpoint is not replaced", () => {
      const [pe] = resolveCommitted("prod").vaults.find((v) => v.name === "payments")!.network
        .privateEndpoints;
      expect(pe.resource).to.deep.equal({ name: "payments/pe", formerly: "payments-pe" });
      expect(pe.dnsZoneGroup).to.deep.equal({
        name: "payments/pe/dns",
        formerly: "payments-pe-dns",
      });
      expect(pe).to.include({
        name: "pe-kv-payments-prd",
        connectionName: "kv-payments-prd",
        groupId: "vault",
        location: "westeurope",
      });
      expect(pe).not.to.have.property("resourceGroup");
      expect(pe).not.to.have.property("lock");
    });

    it("names list items <vault>/pe/<name>, with their own group, region, address, groups and tags", () => {
      const [hub, spoke] = resolved(avmConfig(), "orders").network.privateEndpoints;
      expect(hub.resource).to.deep.equal({ name: "orders/pe/pe-orders-hub" });
      expect(hub.dnsZoneGroup).to.deep.equal({ name: "orders/pe/pe-orders-hub/dns" });
      expect(hub).to.include({ staticIp: "10.10.2.10", location: "westeurope" });
      expect(hub.applicationSecurityGroupIds).to.deep.equal([
        `${SUB}/rg-network-hub/providers/Microsoft.Network/applicationSecurityGroups/asg-key-vaults`,
      ]);
      expect(hub.lock).to.deep.equal({
        resource: { name: "orders/pe/pe-orders-hub/lock" },
        name: "keyvault-estate-do-not-delete",
        level: "CanNotDelete",
        notes:
          "Managed by keyvault-estate: deleting this private endpoint would cut the vault off its network.",
      });
      expect(spoke).to.include({
        resourceGroup: "rg-spoke-orders",
        location: "northeurope",
        connectionName: "kv-orders-prd",
      });
      expect(spoke).not.to.have.property("lock");
      expect(spoke.tags).to.deep.equal({
        owner: "platform-team",
        "cost-center": "cc-1042",
        network: "spoke-orders",
        environment: "prod",
        "managed-by": "keyvault-estate",
      });
    });

    it("gives a list item carrying the first endpoint's Azure name that endpoint's Pulumi names", () => {
      const c = clone(avmConfig());
      const v = vaults(c)[0];
      v.network.privateEndpoints = [
        { name: "pe-kv-orders-prd", subnetId: SUBNET, privateDnsZoneId: ZONE },
      ];
      const [pe] = resolved(c, "orders").network.privateEndpoints;
      expect(pe.resource).to.deep.equal({ name: "orders/pe", formerly: "orders-pe" });
      expect(pe.dnsZoneGroup).to.deep.equal({ name: "orders/pe/dns", formerly: "orders-pe-dns" });
    });

    it("creates no DNS zone group for an endpoint whose DNS is managed elsewhere", () => {
      const c = clone(avmConfig());
      vaults(c)[0].network.privateEndpoints = [{ name: "pe-a", subnetId: SUBNET }];
      const [pe] = resolved(c, "orders").network.privateEndpoints;
      expect(pe).not.to.have.property("dnsZoneGroup");
      expect(pe).not.to.have.property("privateDnsZoneId");
    });

    it("refuses both forms, duplicates, a pool's static address and an empty list in prod", () => {
      expect(
        problemsWith((c) => {
          vaults(c)[0].network.privateEndpoint = { subnetId: SUBNET, privateDnsZoneId: ZONE };
        }),
      ).to.deep.equal([
        "vaults[0].network.privateEndpoints: set privateEndpoint or privateEndpoints, not both",
      ]);
      expect(
        problemsWith((c) => {
          const list = vaults(c)[0].network.privateEndpoints as Record<string, unknown>[];
          list[1].name = "PE-orders-hub";
        }),
      ).to.deep.equal([
        'vaults[0].network.privateEndpoints[1].name: duplicate private endpoint name "PE-orders-hub" (also at network.privateEndpoints[0].name)',
      ]);
      expect(
        problemsWith((c) => {
          const list = vaults(c)[1].network.privateEndpoints as Record<string, unknown>[];
          list[0].staticIp = "10.10.2.11";
        }),
      ).to.deep.equal([
        "vaults[1].network.privateEndpoints[0].staticIp: applies to vaults only; a Managed HSM's endpoint takes the address Azure allocates",
      ]);
      expect(
        problemsWith((c) => {
          vaults(c)[1].network.privateEndpoints = [];
        }),
      ).to.deep.equal([
        "vaults[1].network.privateEndpoint: is required in prod (public network access is disabled)",
      ]);
    });

    it("refuses two endpoints of one name in one resource group across vaults, not across groups", () => {
      const rename = (c: StackConfigDoc) => {
        const list = vaults(c)[1].network.privateEndpoints as Record<string, unknown>[];
        list[0].name = "pe-orders-hub";
      };
      expect(problemsWith(rename)).to.deep.equal([
        'vaults[1].network.privateEndpoints[0].name: private endpoint "pe-orders-hub" is also named at vaults[0].network.privateEndpoints[0].name in the same resource group; rename one of them',
      ]);
      expect(
        problemsWith((c) => {
          rename(c);
          const list = vaults(c)[1].network.privateEndpoints as Record<string, unknown>[];
          list[0].resourceGroup = "rg-hsm-endpoints";
        }),
      ).to.deep.equal([]);
    });
  });

  describe("locks", () => {
    it("reads the string form as before and the object form with its name", () => {
      const c = clone(avmConfig());
      vaults(c)[0].lock = "CanNotDelete";
      expect(resolved(c, "orders").lock).to.deep.equal({
        resource: { name: "orders/lock", formerly: "orders-lock" },
        name: "keyvault-estate-do-not-delete",
        level: "CanNotDelete",
        notes:
          "Managed by keyvault-estate: deleting this vault would destroy its keys and secrets.",
      });
      expect(resolved(avmConfig(), "orders").lock).to.include({
        name: "orders-do-not-delete",
        level: "CanNotDelete",
      });
      expect(resolved(avmConfig(), "root").lock).to.include({
        name: "root-read-only",
        level: "ReadOnly",
      });
    });

    it("refuses ReadOnly on a store whose keys, secrets or grants the estate writes, saying why", () => {
      expect(
        problemsWith((c) => {
          vaults(c)[0].lock = { kind: "ReadOnly" };
        }),
      ).to.deep.equal([
        "vaults[0].lock.kind: ReadOnly refuses every ARM write under the store, and its keys, secrets, role assignments (access) are ARM writes this program makes on later deploys (a secret on every rotation); use CanNotDelete, or keep them in another vault",
      ]);
    });

    it("refuses no lock in prod, an unknown kind and a name Azure rejects", () => {
      expect(problemsWith((c) => (vaults(c)[0].lock = "none"))).to.deep.equal([
        "vaults[0].lock: must be CanNotDelete in prod",
      ]);
      expect(problemsWith((c) => (vaults(c)[0].lock = { kind: "Delete" }))).to.deep.equal([
        'vaults[0].lock.kind: kind must be "CanNotDelete" or "ReadOnly" or "none"',
      ]);
      expect(
        problemsWith((c) => (vaults(c)[0].lock = { kind: "CanNotDelete", name: "a/b" })),
      ).to.deep.equal([
        "vaults[0].lock.name: must be 1-260 characters without <, >, %, &, :, \\, ?, / or control characters",
      ]);
    });
  });

  describe("diagnostic settings", () => {
    it("defaults to today's single audit setting to every estate sink, under its old name", () => {
      const [setting] = resolved(
        (() => {
          const c = clone(avmConfig());
          delete vaults(c)[0].diagnosticSettings;
          return c;
        })(),
        "orders",
      ).diagnosticSettings;
      expect(setting).to.deep.equal({
        resource: { name: "orders/audit", formerly: "orders-audit" },
        name: "keyvault-estate-audit",
        categoryGroups: ["audit"],
        categories: [],
        metrics: ["AllMetrics"],
        estateSinks: true,
        logAnalyticsDestinationType: "Dedicated",
      });
    });

    it("keeps the default's name for its list item and names the others <vault>/diagnostics/<name>", () => {
      const [audit, soc] = resolved(avmConfig(), "orders").diagnosticSettings;
      expect(audit.resource).to.deep.equal({ name: "orders/audit", formerly: "orders-audit" });
      expect(soc).to.deep.equal({
        resource: { name: "orders/diagnostics/to-soc" },
        name: "to-soc",
        categoryGroups: [],
        categories: ["AuditEvent"],
        metrics: [],
        estateSinks: false,
        workspaceId: SOC,
        logAnalyticsDestinationType: "Dedicated",
      });
    });

    it("refuses a setting Azure would refuse, each with its path", () => {
      const set = (s: Record<string, unknown>) => (c: StackConfigDoc) => {
        (vaults(c)[0].diagnosticSettings as Record<string, unknown>[])[1] = s;
      };
      expect(problemsWith(set({ name: "x", categoryGroups: ["audit"] }))).to.deep.equal([
        "vaults[0].diagnosticSettings[1]: needs a destination: estateSinks, workspaceId, storageAccountId or eventHub",
      ]);
      expect(
        problemsWith(set({ name: "x", categories: [], metrics: [], workspaceId: SOC })),
      ).to.deep.equal([
        "vaults[0].diagnosticSettings[1]: sends nothing: list categoryGroups, categories or metrics",
      ]);
      expect(
        problemsWith(
          set({
            name: "x",
            categoryGroups: ["allLogs"],
            categories: ["AuditEvent"],
            workspaceId: SOC,
          }),
        ),
      ).to.deep.equal([
        "vaults[0].diagnosticSettings[1].categories: use categoryGroups or categories in one setting, not both",
      ]);
      expect(
        problemsWith(set({ name: "x", categories: ["AuditEvents"], workspaceId: SOC })),
      ).to.deep.equal([
        "vaults[0].diagnosticSettings[1].categories[0]: is not a log category of a vault (AuditEvent, AzurePolicyEvaluationDetails)",
      ]);
      expect(
        problemsWith(
          set({
            name: "x",
            categories: ["AzurePolicyEvaluationDetails"],
            metrics: [],
            estateSinks: true,
            workspaceId: SOC,
          }),
        ),
      ).to.deep.equal([
        "vaults[0].diagnosticSettings[1].workspaceId: a setting has one workspace and one storage account, and estateSinks already names the estate's: use another setting",
      ]);
      expect(
        problemsWith(
          set({ name: "x", categoryGroups: ["allLogs"], metrics: [], estateSinks: true }),
        ),
      ).to.deep.equal([
        "vaults[0].diagnosticSettings[1]: sends AuditEvent to a destination diagnosticSettings[0] also sends it to; Azure allows one setting per category and destination",
      ]);
    });

    it("refuses a vault-only category on a Managed HSM, duplicate names and a sixth setting", () => {
      expect(
        problemsWith((c) => {
          vaults(c)[1].diagnosticSettings = [
            { name: "a", categories: ["AzurePolicyEvaluationDetails"], workspaceId: SOC },
          ];
        }),
      ).to.deep.equal([
        "vaults[1].diagnosticSettings[0].categories[0]: is not a log category of a Managed HSM (AuditEvent)",
      ]);
      const six = Array.from({ length: 6 }, (_, i) => ({
        name: i === 5 ? "s0" : `s${i}`,
        metrics: [],
        categories: ["AuditEvent"],
        workspaceId: SOC.replace("log-soc", `log-${i}`),
      }));
      expect(problemsWith((c) => (vaults(c)[1].diagnosticSettings = six))).to.deep.equal([
        "vaults[1].diagnosticSettings: Azure allows at most 5 diagnostic settings per resource",
        'vaults[1].diagnosticSettings[5].name: duplicate diagnostic setting name "s0" (also at diagnosticSettings[0].name)',
      ]);
    });
  });

  describe("key attributes", () => {
    it("sets an absolute expiry, not-before, enabled and the key's own tags over the vault's", () => {
      const [cmk, signing] = resolved(avmConfig(), "orders").keys;
      expect(cmk.expires).to.equal(Date.parse("2027-12-01T00:00:00Z") / 1000);
      expect(cmk.notBefore).to.equal(Date.parse("2026-07-01T00:00:00Z") / 1000);
      expect(cmk.enabled).to.equal(true);
      // Rotated versions live the baseline's default lifetime (730 days in prod).
      expect(cmk.expiresInDays).to.equal(730);
      expect(cmk.tags).to.deep.equal({
        owner: "platform-team",
        "cost-center": "cc-1042",
        purpose: "cmk",
        consumer: "orders-db",
        environment: "prod",
        "managed-by": "keyvault-estate",
      });
      expect(signing.enabled).to.equal(false);
      expect(signing).not.to.have.property("notBefore");
      // expiresInDays counts from the run's day (the tests' 2026-06-01).
      expect(signing.expires).to.equal(Date.parse("2027-06-01T00:00:00Z") / 1000);
    });

    it("refuses expiresOn with expiresInDays, and a not-before after the expiry", () => {
      const key = (c: StackConfigDoc) =>
        (vaults(c)[0].keys as Record<string, unknown>[])[0] as Record<string, unknown>;
      expect(problemsWith((c) => (key(c).expiresInDays = 365))).to.deep.equal([
        "vaults[0].keys[0].expiresOn: set either expiresInDays or expiresOn, not both (with expiresOn, rotated versions live the baseline's default lifetime)",
      ]);
      expect(problemsWith((c) => (key(c).notBefore = "2028-01-01T00:00:00Z"))).to.deep.equal([
        "vaults[0].keys[0].notBefore: must be before expiresOn",
      ]);
      expect(problemsWith((c) => (key(c).expiresOn = "next year"))).to.deep.equal([
        "vaults[0].keys[0].expiresOn: must be an ISO 8601 date-time with a time zone (2027-01-31T00:00:00Z): the instant the key's first version expires",
      ]);
    });
  });
});
