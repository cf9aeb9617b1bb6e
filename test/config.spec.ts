import { expect } from "chai";
import { clone, configProblems, resolveCommitted, resolveConfig } from "./helpers";

const SUB = "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-net";
const SUBNET = `${SUB}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe`;
const DNS_ZONE = `${SUB}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;

/** A minimal valid config for an environment; tests change one field of it. */
function base(env: "dev" | "staging" | "prod"): Record<string, unknown> {
  const vault: Record<string, unknown> = { name: "payments", tier: "premium" };
  if (env === "prod")
    vault.network = { privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: DNS_ZONE } };
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": env,
    "keyvault-estate:vaults": [vault],
  };
}

function vaultOf(c: Record<string, unknown>): Record<string, unknown> {
  return (c["keyvault-estate:vaults"] as Record<string, unknown>[])[0];
}

/** The problems of a config that must be invalid, as "path: message" lines. */
function problems(config: Record<string, unknown>): string[] {
  const found = configProblems(config);
  expect(found.length, "expected the config to be invalid").to.be.greaterThan(0);
  return found;
}

describe("stack config", () => {
  describe("committed stacks", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      it(`parses Pulumi.${stack}.yaml without problems`, () => {
        const c = resolveCommitted(stack);
        expect(c.environment).to.equal(stack);
        expect(c.vaults.length).to.be.greaterThan(0);
      });
    }
  });

  describe("baseline defaults", () => {
    it("applies dev's defaults: 7-day soft delete, purge protection off, no lock, public access allowed", () => {
      const v = resolveConfig(base("dev")).vaults[0];
      expect(v.softDeleteRetentionInDays).to.equal(7);
      expect(v.purgeProtection).to.equal(false);
      expect(v.lock).to.equal(undefined);
      expect(v.network.publicNetworkAccess).to.equal("Enabled");
      expect(v.network.defaultAction).to.equal("Deny");
    });

    it("applies prod's defaults: 90-day soft delete, purge protection, lock, private, Deny", () => {
      const c = resolveConfig(base("prod"));
      const v = c.vaults[0];
      expect(v.softDeleteRetentionInDays).to.equal(90);
      expect(v.purgeProtection).to.equal(true);
      expect(v.lock?.level).to.equal("CanNotDelete");
      expect(v.network.publicNetworkAccess).to.equal("Disabled");
      expect(v.network.defaultAction).to.equal("Deny");
      expect(v.network.bypass).to.equal("AzureServices");
      expect(v.protect).to.equal(true);
      expect(c.resourceGroup).to.deep.equal({ name: "rg-kv-prd", protect: true });
    });

    it("applies staging's defaults: 30-day soft delete, purge protection and lock on", () => {
      const v = resolveConfig(base("staging")).vaults[0];
      expect(v.softDeleteRetentionInDays).to.equal(30);
      expect(v.purgeProtection).to.equal(true);
      expect(v.lock?.level).to.equal("CanNotDelete");
      expect(v.network.publicNetworkAccess).to.equal("Disabled");
    });

    it("leaves the enabledFor* flags off unless asked", () => {
      const v = resolveConfig(base("dev")).vaults[0];
      expect([
        v.enabledForDeployment,
        v.enabledForDiskEncryption,
        v.enabledForTemplateDeployment,
      ]).to.deep.equal([false, false, false]);
    });
  });

  describe("baseline limits", () => {
    const cases: [string, (v: Record<string, unknown>) => void, string][] = [
      [
        "purge protection off",
        (v) => (v.purgeProtection = false),
        "vaults[0].purgeProtection: cannot be turned off in prod",
      ],
      [
        "a 30-day soft delete",
        (v) => (v.softDeleteRetentionInDays = 30),
        "vaults[0].softDeleteRetentionInDays: must be at least 90 in prod",
      ],
      ["no lock", (v) => (v.lock = "none"), "vaults[0].lock: must be CanNotDelete in prod"],
      [
        "public network access",
        (v) => ((v.network as Record<string, unknown>).publicNetworkAccess = "Enabled"),
        "vaults[0].network.publicNetworkAccess: must be Disabled in prod",
      ],
      [
        "network default Allow",
        (v) => ((v.network as Record<string, unknown>).defaultAction = "Allow"),
        "vaults[0].network.defaultAction: must be Deny in prod",
      ],
      [
        "no private endpoint",
        (v) => delete (v.network as Record<string, unknown>).privateEndpoint,
        "vaults[0].network.privateEndpoint: is required in prod (public network access is disabled)",
      ],
    ];
    for (const [what, change, expected] of cases) {
      it(`refuses ${what} in prod`, () => {
        const c = clone(base("prod"));
        change(vaultOf(c));
        expect(problems(c)).to.include(expected);
      });
    }

    it("lets dev turn purge protection off and open public access", () => {
      const c = clone(base("dev"));
      Object.assign(vaultOf(c), {
        purgeProtection: false,
        network: { publicNetworkAccess: "Enabled", defaultAction: "Allow" },
      });
      expect(() => resolveConfig(c)).not.to.throw();
    });

    it("refuses staging turning purge protection off", () => {
      const c = clone(base("staging"));
      vaultOf(c).purgeProtection = false;
      expect(problems(c)).to.include("vaults[0].purgeProtection: cannot be turned off in staging");
    });

    it("refuses a log retention below prod's 365 days", () => {
      const c = clone(base("prod"));
      c["keyvault-estate:diagnostics"] = { logAnalytics: { retentionInDays: 90 } };
      expect(problems(c)).to.include(
        "diagnostics.logAnalytics.retentionInDays: must be at least 365 in prod",
      );
    });
  });

  describe("Azure's rules, each with a failing example", () => {
    const invalid: [string, (c: Record<string, unknown>) => void, string][] = [
      [
        "an unknown environment",
        (c) => (c["keyvault-estate:environment"] = "qa"),
        "environment: must be one of dev, staging, prod",
      ],
      [
        "a missing location",
        (c) => delete c["azure-native:location"],
        "azure-native:location: is required (the Azure region, e.g. westeurope)",
      ],
      [
        "a tenant id that is not a GUID",
        (c) => (c["keyvault-estate:tenantId"] = "contoso"),
        "tenantId: must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
      ],
      [
        "a break-glass principal that is not a GUID",
        (c) => (c["keyvault-estate:breakGlassPrincipals"] = ["admin"]),
        "breakGlassPrincipals[0]: must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
      ],
      [
        "a string where the vault list belongs",
        (c) => (c["keyvault-estate:vaults"] = "payments"),
        "vaults: expected array, received string",
      ],
      [
        "an empty vault list",
        (c) => (c["keyvault-estate:vaults"] = []),
        "vaults: must list at least one vault",
      ],
      [
        "an uppercase vault name",
        (c) => (vaultOf(c).name = "Payments"),
        "vaults[0].name: must be lowercase letters, digits and single hyphens, starting with a letter",
      ],
      [
        "a double hyphen in a vault name",
        (c) => (vaultOf(c).name = "pay--ments"),
        "vaults[0].name: must be lowercase letters, digits and single hyphens, starting with a letter",
      ],
      [
        "a vault name starting with a digit",
        (c) => (vaultOf(c).name = "1payments"),
        "vaults[0].name: must be lowercase letters, digits and single hyphens, starting with a letter",
      ],
      [
        "a vault name too long for 24 characters",
        (c) => (vaultOf(c).name = "paymentsgateway"),
        "vaults[0].name: must be at most 11 characters so the generated physical name fits Azure's 24; or set physicalName",
      ],
      [
        "an unknown tier",
        (c) => (vaultOf(c).tier = "gold"),
        'vaults[0].tier: must be "standard", "premium" or "managedHsm"',
      ],
      [
        "a 6-day soft delete",
        (c) => (vaultOf(c).softDeleteRetentionInDays = 6),
        "vaults[0].softDeleteRetentionInDays: must be 7..90",
      ],
      [
        "a 91-day soft delete",
        (c) => (vaultOf(c).softDeleteRetentionInDays = 91),
        "vaults[0].softDeleteRetentionInDays: must be 7..90",
      ],
      [
        "a bad IP address",
        (c) => (vaultOf(c).network = { ipRules: ["203.0.113.300"] }),
        "vaults[0].network.ipRules[0]: must be an IPv4 address or CIDR range with a prefix of /8 to /32 (203.0.113.0/24)",
      ],
      [
        "a bad CIDR prefix",
        (c) => (vaultOf(c).network = { ipRules: ["203.0.113.0/33"] }),
        "vaults[0].network.ipRules[0]: must be an IPv4 address or CIDR range with a prefix of /8 to /32 (203.0.113.0/24)",
      ],
      [
        "a subnet id that is not an ARM subnet id",
        (c) => (vaultOf(c).network = { subnetIds: ["vnet/subnet"] }),
        "vaults[0].network.subnetIds[0]: must be the ARM id of a subnet (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>/subnets/<name>)",
      ],
      [
        "a Log Analytics retention of 20 days",
        (c) => (c["keyvault-estate:diagnostics"] = { logAnalytics: { retentionInDays: 20 } }),
        "diagnostics.logAnalytics.retentionInDays: must be 30..730",
      ],
      [
        "a Log Analytics retention of 800 days",
        (c) => (c["keyvault-estate:diagnostics"] = { logAnalytics: { retentionInDays: 800 } }),
        "diagnostics.logAnalytics.retentionInDays: must be 30..730",
      ],
      [
        "a workspace id of the wrong type",
        (c) =>
          (c["keyvault-estate:diagnostics"] = {
            logAnalytics: { workspaceId: `${SUB}/providers/Microsoft.Storage/storageAccounts/x` },
          }),
        "diagnostics.logAnalytics.workspaceId: must be the ARM id of a Log Analytics workspace (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>)",
      ],
      [
        "a storage account id that is not an ARM id",
        (c) => (c["keyvault-estate:diagnostics"] = { storage: { accountId: "stkvaudit" } }),
        "diagnostics.storage.accountId: must be the ARM id of a storage account (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>)",
      ],
      [
        "an existing workspace whose stated retention is below the floor",
        (c) =>
          (c["keyvault-estate:diagnostics"] = {
            logAnalytics: {
              retentionInDays: 20,
              workspaceId: `${SUB}/providers/Microsoft.OperationalInsights/workspaces/w`,
            },
          }),
        "diagnostics.logAnalytics.retentionInDays: states that the existing sink keeps logs 20 days; dev needs at least 30",
      ],
      [
        "an unknown vault field",
        (c) => (vaultOf(c).purgeProtect = true),
        'vaults[0]: unknown field "purgeProtect"',
      ],
      [
        "an unknown config key",
        (c) => (c["keyvault-estate:vault"] = []),
        "keyvault-estate:vault: unknown config key (known keys: environment, tenantId, resourceGroup, tags, breakGlassPrincipals, diagnostics, vaults, insights; other keys must be the config source of a secret)",
      ],
      [
        "a Managed HSM without initial administrators",
        (c) => (vaultOf(c).tier = "managedHsm"),
        "vaults[0].initialAdminObjectIds: a Managed HSM needs at least one initial administrator",
      ],
      [
        "initial administrators on a vault",
        (c) => (vaultOf(c).initialAdminObjectIds = ["4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"]),
        "vaults[0].initialAdminObjectIds: applies to managedHsm vaults only",
      ],
    ];
    for (const [what, change, expected] of invalid) {
      it(`reports ${what}`, () => {
        const c = clone(base("dev"));
        change(c);
        expect(problems(c)).to.include(expected);
      });
    }

    it("reports duplicate vault names", () => {
      const c = clone(base("dev"));
      c["keyvault-estate:vaults"] = [
        { name: "payments", tier: "standard" },
        { name: "payments", tier: "premium" },
      ];
      expect(problems(c)).to.include(
        'vaults[1].name: duplicate vault name "payments" (also at vaults[0].name)',
      );
    });

    it("accepts IPv4 addresses and CIDR ranges, and ARM ids in any letter case", () => {
      const c = clone(base("dev"));
      vaultOf(c).network = {
        ipRules: ["203.0.113.7", "198.51.100.0/24"],
        subnetIds: [SUBNET.toLowerCase()],
      };
      expect(resolveConfig(c).vaults[0].network.ipRules).to.deep.equal([
        "203.0.113.7",
        "198.51.100.0/24",
      ]);
    });
  });

  describe("reporting", () => {
    it("lists every problem at once, across vaults and sections", () => {
      const c = clone(base("prod"));
      c["keyvault-estate:vaults"] = [
        { name: "a", tier: "premium", softDeleteRetentionInDays: 3, purgeProtection: false },
        { name: "Bad", tier: "gold" },
      ];
      c["keyvault-estate:tenantId"] = "nope";
      const found = problems(c);
      for (const path of [
        "tenantId",
        "vaults[0].softDeleteRetentionInDays",
        "vaults[0].purgeProtection",
        "vaults[0].network.privateEndpoint",
        "vaults[1].name",
        "vaults[1].tier",
      ]) {
        expect(
          found.some((p) => p.startsWith(`${path}: `)),
          path,
        ).to.equal(true);
      }
    });

    it("never echoes a config value in an error message", () => {
      const canary = "CANARY-7f3a-not-a-real-value";
      const c = clone(base("dev"));
      c["keyvault-estate:tenantId"] = canary;
      vaultOf(c).tier = canary;
      let message = "";
      try {
        resolveConfig(c);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.match(/tenantId/);
      expect(message).not.to.include("CANARY-7f3a");
    });
  });
});
