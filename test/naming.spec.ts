import { expect } from "chai";
import fc from "fast-check";
import { parseStackConfig } from "../infra/config";
import {
  maxLogicalLength,
  STORAGE_NAME,
  storageAccountName,
  SUFFIX_LENGTH,
  VAULT_NAME,
  vaultName,
} from "../infra/naming";
import { LOGICAL_NAME } from "../infra/validation";
import { BASELINES, ENVIRONMENTS } from "../stacks";

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

function configWithVault(env: string, name: string, tier: string) {
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": env,
    "keyvault-estate:vaults": JSON.stringify([
      {
        name,
        tier,
        ...(tier === "managedHsm"
          ? { initialAdminObjectIds: ["4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"] }
          : {}),
        ...(env === "prod"
          ? {
              network: {
                privateEndpoint: {
                  subnetId:
                    "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
                  privateDnsZoneId:
                    "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/n/providers/Microsoft.Network/privateDnsZones/z",
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
            parseStackConfig(configWithVault(env, name, tier));
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
