import { expect } from "chai";
import fc from "fast-check";
import * as random from "@pulumi/random";
import { STORAGE_NAME, VAULT_NAME } from "../infra/azure/names";
import { resolveEstate } from "../infra/model/estate";
import {
  maxLogicalLength,
  storageAccountName,
  SUFFIX_LENGTH,
  vaultName,
} from "../infra/model/names";
import { LOGICAL_NAME } from "../infra/model/validation";
import { BASELINES, ENVIRONMENTS } from "../stacks";
import {
  committedConfig,
  configProblems,
  planConfig,
  resolveConfig,
  runComponents,
  TEST_DAY,
} from "./helpers";

const lower = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz".split(""));
const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789".split(""));
const suffix = fc.string({ unit: alnum, minLength: SUFFIX_LENGTH, maxLength: SUFFIX_LENGTH });

/** Logical names as the schema defines them: a letter, then letters/digits with single hyphens. */
const logical = fc
  .tuple(lower, fc.array(fc.tuple(fc.boolean(), alnum), { maxLength: 20 }))
  .map(([first, rest]) => first + rest.map(([hyphen, c]) => (hyphen ? `-${c}` : c)).join(""));

/** Any short string over the characters people type into names. */
const anyName = fc.string({
  unit: fc.constantFrom(..."abcXYZ019-_. ".split("")),
  minLength: 0,
  maxLength: 30,
});

/** The committed stack's break-glass principal, which its policy config allow-lists. */
function admin(env: string): string {
  const listed = committedConfig(env)["keyvault-estate:breakGlassPrincipals"] as
    string[] | undefined;
  return listed?.[0] ?? "4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0";
}

function configWithVault(env: string, name: string, tier: string) {
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": env,
    // A pool's initial administrator is break-glass (and on the environment's policy allow-list).
    "keyvault-estate:breakGlassPrincipals": JSON.stringify([admin(env)]),
    "keyvault-estate:vaults": JSON.stringify([
      {
        name,
        tier,
        ...(tier === "managedHsm" ? { initialAdminObjectIds: [admin(env)] } : {}),
        ...(env === "prod"
          ? {
              network: {
                privateEndpoint: {
                  subnetId:
                    "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
                  // Each store kind resolves through its own private DNS zone.
                  privateDnsZoneId: `/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/n/providers/Microsoft.Network/privateDnsZones/privatelink.${tier === "managedHsm" ? "managedhsm" : "vaultcore"}.azure.net`,
                },
              },
            }
          : {}),
      },
    ]),
  };
}

describe("physical names", () => {
  it("every logical name that fits gives a vault name within Azure's rules, in every environment", () => {
    fc.assert(
      fc.property(logical, suffix, fc.constantFrom(...ENVIRONMENTS), (name, sfx, env) => {
        const short = BASELINES[env].shortName;
        fc.pre(name.length <= maxLogicalLength("vault", short));
        const physical = vaultName("vault", name, short, sfx);
        expect(physical).to.match(VAULT_NAME);
        expect(physical.length).to.be.at.most(24);
      }),
    );
  });

  it("the config accepts a vault name exactly when its physical name is valid", () => {
    fc.assert(
      fc.property(
        fc.oneof(logical, anyName),
        fc.constantFrom(...ENVIRONMENTS),
        fc.constantFrom("standard", "premium", "managedHsm"),
        (name, env, tier) => {
          const kind = tier === "managedHsm" ? "managedHsm" : "vault";
          const physical = vaultName(kind, name, BASELINES[env].shortName, "a1b2c");
          const expected = LOGICAL_NAME.test(name) && VAULT_NAME.test(physical);
          let accepted = true;
          try {
            resolveEstate({
              config: configWithVault(env, name, tier),
              secretKeys: [],
              now: TEST_DAY,
            });
          } catch {
            accepted = false;
          }
          expect(accepted, `${env}/${tier}/${JSON.stringify(name)}`).to.equal(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the longest allowed names use all 24 characters and no more", () => {
    for (const env of ENVIRONMENTS) {
      const short = BASELINES[env].shortName;
      for (const kind of ["vault", "managedHsm"] as const) {
        const name = "a".repeat(maxLogicalLength(kind, short));
        expect(vaultName(kind, name, short, "z".repeat(SUFFIX_LENGTH))).to.have.length(24);
      }
    }
  });

  it("archive account names are 3-24 lowercase letters and digits", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENVIRONMENTS), suffix, suffix, (env, a, b) => {
        const name = storageAccountName(
          BASELINES[env].shortName,
          `${a}${b}`.slice(0, SUFFIX_LENGTH + 1),
        );
        expect(name).to.match(STORAGE_NAME);
      }),
    );
  });

  it("names are a pure function of their inputs", () => {
    expect(vaultName("vault", "payments", "prd", "x7k2q")).to.equal("kv-payments-prd-x7k2q");
    expect(vaultName("managedHsm", "root", "prd", "x7k2q")).to.equal("hsm-root-prd-x7k2q");
    expect(storageAccountName("prd", "ab12cd")).to.equal("stkvauditprdab12cd");
  });
});

/** A dev stack whose names collided when parts were joined with "-": a + b-c and a-b + c. */
function collidingDev(): Record<string, unknown> {
  const secret = (name: string) => ({ name, source: { env: `S_${name.replace(/-/g, "_")}` } });
  const key = (name: string) => ({ name, type: "RSA" });
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": "dev",
    "keyvault-estate:vaults": [
      { name: "a", tier: "standard", secrets: [secret("b-c")], keys: [key("keys-c")] },
      { name: "a-b", tier: "standard", secrets: [secret("c")] },
      { name: "a-keys", tier: "standard", keys: [key("c")] },
    ],
  };
}

describe("Pulumi names", () => {
  it("joins child names with '/', so vault a + secret b-c and vault a-b + secret c stay apart", async () => {
    const report = await planConfig(collidingDev());
    const secrets = report.resources.filter((r) => r.type === "azure-native:keyvault:Secret");
    expect(secrets.map((r) => r.name).sort()).to.deep.equal(["a-b/secrets/c", "a/secrets/b-c"]);
    const keys = report.resources.filter((r) => r.type === "azure-native:keyvault:Key");
    expect(keys.map((r) => r.name).sort()).to.deep.equal(["a-keys/keys/c", "a/keys/keys-c"]);
    const urns = report.resources.map((r) => r.urn);
    expect(new Set(urns).size).to.equal(urns.length);
    // Their former names collided, so neither keeps it as an alias (no stack could have held both).
    for (const r of [...secrets, ...keys]) expect(r.aliases, r.name).to.deep.equal([]);
  });

  it("keeps the former name as an alias where it was unambiguous", () => {
    const v = resolveConfig(collidingDev()).vaults;
    expect(v[0].secrets[0].resource).to.deep.equal({ name: "a/secrets/b-c" });
    const c = collidingDev();
    (c["keyvault-estate:vaults"] as unknown[]).splice(1, 2);
    expect(resolveConfig(c).vaults[0].secrets[0].resource).to.deep.equal({
      name: "a/secrets/b-c",
      formerly: "a-b-c",
    });
  });

  it("the offline engine refuses two resources with one URN, as the engine does", async () => {
    let error: unknown;
    try {
      await runComponents(() => {
        new random.RandomString("twice", { length: 4 });
        new random.RandomString("twice", { length: 4 });
      });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/two resources share the URN .*RandomString::twice/);
  });
});

describe("physicalName", () => {
  const withPhysical = (names: (string | undefined)[]) => ({
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": "dev",
    "keyvault-estate:vaults": names.map((physicalName, i) => ({
      name: i === 0 ? "root-of-trust-keys" : `v${i}`,
      tier: "standard",
      ...(physicalName !== undefined ? { physicalName } : {}),
    })),
  });

  it("lets a vault keep a name its logical name would not fit, and creates no suffix for it", async () => {
    const estate = resolveConfig(withPhysical(["kv-root-of-trust-prd-001"]));
    expect(estate.vaults[0].physicalName).to.deep.equal({ fixed: "kv-root-of-trust-prd-001" });
    const report = await planConfig(withPhysical(["kv-root-of-trust-prd-001"]));
    const vault = report.resources.find((r) => r.type === "azure-native:keyvault:Vault");
    expect(vault?.inputs.vaultName).to.equal("kv-root-of-trust-prd-001");
    expect(
      report.resources.some(
        (r) =>
          r.type === "random:index/randomString:RandomString" &&
          r.name.startsWith("root-of-trust-keys/"),
      ),
    ).to.equal(false);
  });

  it("refuses a long logical name without physicalName, naming the way out", () => {
    expect(configProblems(withPhysical([undefined]))).to.deep.equal([
      "vaults[0].name: must be at most 11 characters so the generated physical name fits Azure's 24; or set physicalName",
    ]);
  });

  it("refuses a physical name outside Azure's rule, and one claimed twice", () => {
    expect(configProblems(withPhysical(["1kv", "kv-shared", "KV-Shared"]))).to.deep.equal([
      "vaults[0].physicalName: must be 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit (Azure's vault and Managed HSM name rule)",
      'vaults[2].physicalName: duplicate physical name "KV-Shared" (also at vaults[1].physicalName)',
    ]);
  });
});
