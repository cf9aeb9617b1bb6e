import * as path from "path";
import { expect } from "chai";
import fc from "fast-check";
import { KeySpecInput, resolveKeySpec, RSA_SIZES } from "../infra/model/keys";
import { BASELINES } from "../stacks";
import { cli, EXIT } from "../tools/plan/cli";
import { clone, committedConfig, configProblems, ROOT, StackConfigDoc } from "./helpers";

type Vault = { name: string; tier: string; keys?: unknown[] } & Record<string, unknown>;

/**
 * The committed prod stack with vault `v`'s keys replaced by `keys` (and its tier by `tier`), and
 * without its role assignments, some of which name the committed keys.
 */
function prodWith(keys: unknown[], tier = "premium", v = 0): StackConfigDoc {
  const config = clone(committedConfig("prod"));
  const vaults = config["keyvault-estate:vaults"] as Vault[];
  vaults[v].keys = keys;
  vaults[v].tier = tier;
  delete vaults[v].access;
  return config;
}

function withEnvironment(config: StackConfigDoc, env: "dev" | "staging" | "prod") {
  config["keyvault-estate:environment"] = env;
  // Break-glass principals are the environment's (its pack allow-list): prod's are not staging's.
  delete config["keyvault-estate:breakGlassPrincipals"];
  return config;
}

/** The single problem the config has, asserting there is exactly one. */
function onlyProblem(config: StackConfigDoc): string {
  const problems = configProblems(config);
  expect(problems, problems.join("\n")).to.have.length(1);
  return problems[0];
}

describe("key specs (infra/keySpec.ts)", () => {
  const prod = BASELINES.prod;

  it("accepts the committed stacks' keys", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      expect(configProblems(committedConfig(stack)), stack).to.deep.equal([]);
    }
  });

  describe("defaults", () => {
    it("makes an RSA key in a premium vault an RSA-HSM key of 3072 bits that wraps and unwraps", () => {
      expect(resolveKeySpec({ name: "k", type: "RSA" }, "premium", prod)).to.deep.equal({
        name: "k",
        type: "RSA",
        protection: "hsm",
        kty: "RSA-HSM",
        size: 3072,
        ops: ["wrapKey", "unwrapKey"],
        expiresInDays: 730,
        rotation: { rotateBeforeExpiryDays: 60, notifyBeforeExpiryDays: 30 },
      });
    });

    it("makes an EC key in a standard vault a software P-256 key that signs and verifies", () => {
      expect(resolveKeySpec({ name: "k", type: "EC" }, "standard", BASELINES.dev)).to.deep.equal({
        name: "k",
        type: "EC",
        protection: "software",
        kty: "EC",
        curve: "P-256",
        ops: ["sign", "verify"],
        expiresInDays: 365,
        rotation: { rotateBeforeExpiryDays: 30, notifyBeforeExpiryDays: 14 },
      });
    });

    it("keeps a rotate-after-creation trigger instead of the baseline's before-expiry one", () => {
      const spec: KeySpecInput = {
        name: "k",
        type: "RSA",
        rotation: { rotateAfterCreateDays: 300 },
      };
      expect(resolveKeySpec(spec, "premium", prod).rotation).to.deep.equal({
        rotateAfterCreateDays: 300,
        notifyBeforeExpiryDays: 30,
      });
    });

    it("sets exportable and a release policy only when the spec asks for them", () => {
      const plain = resolveKeySpec({ name: "k", type: "RSA" }, "premium", prod);
      expect(plain).not.to.have.property("exportable");
      expect(plain).not.to.have.property("releasePolicy");
      const skr = resolveKeySpec(
        { name: "k", type: "RSA", exportable: true, releasePolicy: { data: "e30" } },
        "premium",
        prod,
      );
      expect(skr.exportable).to.equal(true);
      expect(skr.releasePolicy).to.deep.equal({ data: "e30" });
    });
  });

  describe("tiers and protection", () => {
    it("accepts software keys in a standard vault", () => {
      const config = withEnvironment(prodWith([{ name: "k", type: "RSA" }], "standard"), "prod");
      expect(configProblems(config)).to.deep.equal([]);
    });

    it("flags an HSM key in a standard vault, naming the key", () => {
      expect(
        onlyProblem(prodWith([{ name: "k", type: "RSA", protection: "hsm" }], "standard")),
      ).to.equal(
        'vaults[0].keys[0].protection: a standard vault holds software-protected keys only; use tier "premium" for HSM-protected keys',
      );
    });

    it("flags a software key in a premium vault in prod, but not in staging or dev", () => {
      const keys = [{ name: "k", type: "EC", protection: "software" }];
      expect(onlyProblem(prodWith(keys))).to.equal(
        'vaults[0].keys[0].protection: software-protected keys are not allowed in prod; use "hsm"',
      );
      expect(configProblems(withEnvironment(prodWith(keys), "staging"))).to.deep.equal([]);
      expect(configProblems(withEnvironment(prodWith(keys), "dev"))).to.deep.equal([]);
    });

    it("flags keys on a Managed HSM and points at the activation runbook", () => {
      const config = prodWith([{ name: "k", type: "RSA" }], "managedHsm", 1);
      const vaults = config["keyvault-estate:vaults"] as Vault[];
      vaults[1].name = "pool";
      vaults[1].initialAdminObjectIds = ["4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"];
      // A pool resolves through its own private DNS zone, not the vaults' (vaultcore).
      vaults[1] = JSON.parse(
        JSON.stringify(vaults[1]).replace(
          /privatelink\.vaultcore\.azure\.net/g,
          "privatelink.managedhsm.azure.net",
        ),
      );
      delete vaults[1].secrets;
      delete vaults[1].access;
      expect(onlyProblem(config)).to.equal(
        'vaults[1].keys: keys in a Managed HSM are data-plane objects that ARM cannot create, and the pool holds none until it is activated; remove this list and create them after activation (README, "Managed HSM activation runbook")',
      );
    });
  });

  describe("sizes and curves", () => {
    it("flags an RSA key of 1024 bits", () => {
      expect(onlyProblem(prodWith([{ name: "k", type: "RSA", size: 1024 }]))).to.equal(
        "vaults[0].keys[0].size: RSA-HSM keys must be 2048, 3072 or 4096 bits",
      );
    });

    it("flags an RSA key below the baseline's minimum (2048 in prod) but allows it in dev", () => {
      const keys = [{ name: "k", type: "RSA", size: 2048 }];
      expect(onlyProblem(prodWith(keys))).to.equal(
        "vaults[0].keys[0].size: must be at least 3072 bits in prod",
      );
      expect(configProblems(withEnvironment(prodWith(keys), "dev"))).to.deep.equal([]);
    });

    it("flags an unknown curve", () => {
      expect(onlyProblem(prodWith([{ name: "k", type: "EC", curve: "P-999" }]))).to.equal(
        "vaults[0].keys[0].curve: EC-HSM keys must use curve P-256, P-384 or P-521 (or P-256K, secp256k1, if named explicitly)",
      );
    });

    it("accepts P-256K only when a spec names it", () => {
      expect(configProblems(prodWith([{ name: "k", type: "EC", curve: "P-256K" }]))).to.deep.equal(
        [],
      );
      expect(resolveKeySpec({ name: "k", type: "EC" }, "premium", prod).curve).to.equal("P-256");
    });

    it("flags a curve on an RSA key", () => {
      expect(onlyProblem(prodWith([{ name: "k", type: "RSA", curve: "P-384" }]))).to.equal(
        "vaults[0].keys[0].curve: applies to EC keys only (an RSA key's strength is its size)",
      );
    });

    it("flags a size on an EC key", () => {
      expect(onlyProblem(prodWith([{ name: "k", type: "EC", size: 3072 }]))).to.equal(
        "vaults[0].keys[0].size: applies to RSA keys only (an EC key's strength is its curve)",
      );
    });

    it("rejects every RSA size that is not 2048, 3072 or 4096, at the size's path", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -8192, max: 16384 }).filter((n) => !RSA_SIZES.includes(n as 2048)),
          (size) => {
            expect(onlyProblem(prodWith([{ name: "k", type: "RSA", size }]))).to.equal(
              "vaults[0].keys[0].size: RSA-HSM keys must be 2048, 3072 or 4096 bits",
            );
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe("operations", () => {
    it("flags encryption operations on an EC key", () => {
      expect(onlyProblem(prodWith([{ name: "k", type: "EC", ops: ["sign", "wrapKey"] }]))).to.match(
        /^vaults\[0\]\.keys\[0\]\.ops\[1\]: "wrapKey" is not possible with an EC key/,
      );
    });

    it("flags a key that both encrypts and signs", () => {
      expect(
        onlyProblem(prodWith([{ name: "k", type: "RSA", ops: ["wrapKey", "unwrapKey", "sign"] }])),
      ).to.match(/^vaults\[0\]\.keys\[0\]\.ops: a key either encrypts .* or signs .*, not both/);
    });

    it("flags an empty list, a duplicate, and import", () => {
      expect(onlyProblem(prodWith([{ name: "k", type: "RSA", ops: [] }]))).to.equal(
        "vaults[0].keys[0].ops: must list at least one operation",
      );
      expect(
        onlyProblem(prodWith([{ name: "k", type: "RSA", ops: ["wrapKey", "wrapKey"] }])),
      ).to.equal('vaults[0].keys[0].ops[1]: duplicate operation "wrapKey"');
      expect(onlyProblem(prodWith([{ name: "k", type: "RSA", ops: ["import"] }]))).to.match(
        /^vaults\[0\]\.keys\[0\]\.ops\[0\]: "import" is not an operation/,
      );
    });
  });

  describe("expiry and rotation", () => {
    const rsa = (extra: Record<string, unknown>) => [{ name: "k", type: "RSA", ...extra }];

    it("flags a rotation at or after expiry (after creation)", () => {
      const keys = rsa({ expiresInDays: 365, rotation: { rotateAfterCreateDays: 365 } });
      expect(onlyProblem(prodWith(keys))).to.equal(
        "vaults[0].keys[0].rotation.rotateAfterCreateDays: rotates at or after the key expires: must be less than expiresInDays (365), by at least 7 days",
      );
      const later = rsa({ expiresInDays: 365, rotation: { rotateAfterCreateDays: 400 } });
      expect(onlyProblem(prodWith(later))).to.match(
        /^vaults\[0\]\.keys\[0\]\.rotation\.rotateAfterCreateDays: rotates at or after/,
      );
    });

    it("flags a rotation within 7 days of expiry", () => {
      const keys = rsa({ expiresInDays: 365, rotation: { rotateAfterCreateDays: 360 } });
      expect(onlyProblem(prodWith(keys))).to.equal(
        "vaults[0].keys[0].rotation.rotateAfterCreateDays: must be at most 358: Azure rotates no later than 7 days before expiry",
      );
    });

    it("flags a before-expiry rotation that would fire at or before creation", () => {
      const keys = rsa({ expiresInDays: 365, rotation: { rotateBeforeExpiryDays: 365 } });
      expect(onlyProblem(prodWith(keys))).to.equal(
        "vaults[0].keys[0].rotation.rotateBeforeExpiryDays: is 365, so the key would rotate at or before its creation: must be less than expiresInDays (365)",
      );
    });

    it("says when the offending rotation value is the baseline's default", () => {
      expect(onlyProblem(prodWith(rsa({ expiresInDays: 60 })))).to.equal(
        "vaults[0].keys[0].rotation.rotateBeforeExpiryDays: is 60 (the prod default), so the key would rotate at or before its creation: must be less than expiresInDays (60)",
      );
    });

    it("flags a notification that comes too late (under 7 days before expiry)", () => {
      const keys = rsa({ rotation: { rotateBeforeExpiryDays: 60, notifyBeforeExpiryDays: 3 } });
      expect(onlyProblem(prodWith(keys))).to.equal(
        "vaults[0].keys[0].rotation.notifyBeforeExpiryDays: notifies too late: must be at least 7 days before expiry",
      );
    });

    it("flags a notification that would fire before the scheduled rotation", () => {
      const keys = rsa({ rotation: { rotateBeforeExpiryDays: 60, notifyBeforeExpiryDays: 60 } });
      expect(onlyProblem(prodWith(keys))).to.equal(
        "vaults[0].keys[0].rotation.notifyBeforeExpiryDays: must be fewer than 60 days, so the near-expiry notification fires only after the scheduled rotation (day 670) has failed",
      );
    });

    it("flags both rotation triggers at once", () => {
      const keys = rsa({ rotation: { rotateBeforeExpiryDays: 60, rotateAfterCreateDays: 300 } });
      expect(onlyProblem(prodWith(keys))).to.equal(
        "vaults[0].keys[0].rotation: set rotateBeforeExpiryDays or rotateAfterCreateDays, not both",
      );
    });

    it("flags an expiry beyond the baseline's maximum or under Azure's 28 days", () => {
      expect(onlyProblem(prodWith(rsa({ expiresInDays: 731 })))).to.equal(
        "vaults[0].keys[0].expiresInDays: must be at most 730 days in prod",
      );
      expect(onlyProblem(prodWith(rsa({ expiresInDays: 20 })))).to.equal(
        "vaults[0].keys[0].expiresInDays: must be at least 28 days (Azure's minimum expiry time of a rotation policy)",
      );
    });

    it("accepts every rotation Azure accepts (property)", () => {
      const valid = fc
        .integer({ min: 28, max: 730 })
        .chain((e) =>
          fc.integer({ min: 7, max: e - 7 }).chain((before) =>
            fc.record({
              e: fc.constant(e),
              before: fc.constant(before),
              notify: fc.integer({ min: 7, max: Math.max(7, before - 1) }),
            }),
          ),
        )
        .filter(({ before, notify }) => notify < before);
      fc.assert(
        fc.property(valid, ({ e, before, notify }) => {
          const keys = rsa({
            expiresInDays: e,
            rotation: { rotateBeforeExpiryDays: before, notifyBeforeExpiryDays: notify },
          });
          expect(configProblems(prodWith(keys))).to.deep.equal([]);
        }),
        { numRuns: 40 },
      );
    });
  });

  describe("secure key release", () => {
    it("flags exportable without a release policy, and a release policy without exportable", () => {
      expect(onlyProblem(prodWith([{ name: "k", type: "RSA", exportable: true }]))).to.equal(
        "vaults[0].keys[0].releasePolicy: is required when exportable is true (Azure releases keys only under a policy)",
      );
      expect(
        onlyProblem(prodWith([{ name: "k", type: "RSA", releasePolicy: { data: "e30" } }])),
      ).to.equal("vaults[0].keys[0].exportable: must be true when a releasePolicy is set");
    });

    it("flags an exportable software key", () => {
      const keys = [
        {
          name: "k",
          type: "RSA",
          protection: "software",
          exportable: true,
          releasePolicy: { data: "e30" },
        },
      ];
      expect(configProblems(withEnvironment(prodWith(keys), "staging"))).to.deep.equal([
        "vaults[0].keys[0].exportable: only HSM-protected keys can be exportable (secure key release)",
      ]);
    });
  });

  it("reports every key problem of every vault at once", () => {
    const config = prodWith([{ name: "a", type: "RSA", size: 1024 }]);
    const vaults = config["keyvault-estate:vaults"] as Vault[];
    vaults[1].keys = [
      { name: "ok", type: "RSA" },
      { name: "b", type: "EC", curve: "P-999", size: 256 },
    ];
    delete vaults[1].access;
    vaults[1].softDeleteRetentionInDays = 30; // an unrelated vault problem is reported too
    expect(configProblems(config)).to.have.members([
      "vaults[0].keys[0].size: RSA-HSM keys must be 2048, 3072 or 4096 bits",
      "vaults[1].softDeleteRetentionInDays: must be at least 90 in prod",
      "vaults[1].keys[1].size: applies to RSA keys only (an EC key's strength is its curve)",
      "vaults[1].keys[1].curve: EC-HSM keys must use curve P-256, P-384 or P-521 (or P-256K, secp256k1, if named explicitly)",
    ]);
  });

  it("makes the plan exit 2 naming each invalid key's path, without a stack trace", async () => {
    let out = "";
    let err = "";
    const code = await cli(
      ["--stack", "test", "--config", path.join(ROOT, "test/fixtures/keys-invalid.yaml")],
      (s) => (out += s),
      (s) => (err += s),
    );
    expect(code).to.equal(EXIT.invalid);
    expect(out).to.equal("");
    for (const p of [
      "vaults[0].keys[0].protection",
      "vaults[1].keys[0].size: RSA-HSM keys must be 2048, 3072 or 4096 bits",
      "vaults[1].keys[1].curve",
      "vaults[1].keys[2].curve",
      "vaults[1].keys[3].size",
      "vaults[1].keys[4].rotation.rotateAfterCreateDays",
      "vaults[1].keys[5].rotation.notifyBeforeExpiryDays",
      "vaults[2].keys",
    ]) {
      expect(err).to.include(`  - ${p}`);
    }
    expect(err).to.match(/invalid stack config \(8 problems\)/);
    expect(err).not.to.match(/\n\s+at /);
  });
});
