import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { expect } from "chai";
import fc from "fast-check";
import { keyProperties, VaultKeys } from "../infra/components/keys";
import { WriteChain } from "../infra/components/writeChain";
import { KeySpec, kty, ROTATION_LIMITS, RSA_SIZES } from "../infra/model/keys";
import { keyResourceName } from "../infra/model/names";
import { expiryAfterDays, startOfUtcDay } from "../infra/model/time";
import type { ResolvedKey } from "../infra/model/types";
import { cli, EXIT } from "../tools/plan/cli";
import { PlannedResource } from "../tools/contract/plan";
import type { PlanReport } from "../tools/contract/plan";
import {
  committedPlan,
  input,
  ofType,
  resolveCommitted,
  runComponents,
  tempDir,
  TEST_DAY,
} from "./helpers";

const DAY = 86_400;
const KEY = "azure-native:keyvault:Key";
/** A fixed creation instant, late in its UTC day, for keys whose expiry the tests compute. */
const NOW = new Date("2026-03-15T17:45:12Z");
const CREATED = Date.UTC(2026, 2, 15) / 1000;
/** The day committed stacks are planned on in tests (`TEST_DAY`), in epoch seconds. */
const PLANNED = TEST_DAY.getTime() / 1000;
const KEY_EXPIRY_PATH = "properties.attributes.expires";

function rotationPolicy(expiry: number, rotateBefore: number, notify: number) {
  return {
    attributes: { expiryTime: `P${expiry}D` },
    lifetimeActions: [
      { action: { type: "rotate" }, trigger: { timeBeforeExpiry: `P${rotateBefore}D` } },
      { action: { type: "notify" }, trigger: { timeBeforeExpiry: `P${notify}D` } },
    ],
  };
}

/** A key spec resolved as the model would on `now`'s day, in vault `apps`. */
function resolved(spec: KeySpec, now: Date, vault = "apps"): ResolvedKey {
  return {
    ...spec,
    resource: keyResourceName(vault, spec.name),
    path: `vaults[0].keys[0]`,
    expires: expiryAfterDays(now, spec.expiresInDays),
    enabled: true,
    tags: {},
  };
}

const target = (vaultName: string) => ({
  vaultName,
  resourceGroupName: "rg-kv-dev",
  writes: new WriteChain(),
});

/** Builds a `VaultKeys` for `specs` under the offline engine; returns the keys it registered. */
async function registerKeys(specs: KeySpec[], now: Date): Promise<PlannedResource[]> {
  const resources = await runComponents(
    () =>
      new VaultKeys("apps/keys", {
        vault: target("kv-apps-dev-abcde"),
        keys: specs.map((k) => resolved(k, now)),
      }),
  );
  return resources.filter((r) => r.type === KEY);
}

/** `inputs` without the dotted `paths`. */
function without(inputs: Readonly<Record<string, unknown>>, paths: readonly string[]) {
  const copy = JSON.parse(JSON.stringify(inputs)) as Record<string, unknown>;
  for (const p of paths) {
    const parts = p.split(".");
    const parent = parts
      .slice(0, -1)
      .reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, copy);
    delete parent[parts[parts.length - 1]];
  }
  return copy;
}

const cmk: KeySpec = {
  name: "cmk",
  type: "RSA",
  protection: "hsm",
  kty: "RSA-HSM",
  size: 3072,
  ops: ["wrapKey", "unwrapKey"],
  expiresInDays: 730,
  rotation: { rotateBeforeExpiryDays: 60, notifyBeforeExpiryDays: 30 },
};
const signing: KeySpec = {
  name: "signing",
  type: "EC",
  protection: "hsm",
  kty: "EC-HSM",
  curve: "P-384",
  ops: ["sign", "verify"],
  expiresInDays: 365,
  rotation: { rotateAfterCreateDays: 300, notifyBeforeExpiryDays: 30 },
};

describe("keys (infra/components/keys.ts)", () => {
  describe("the committed prod stack", () => {
    let report: PlanReport;
    before(async () => {
      report = await committedPlan("prod");
    });

    it("plans RSA-HSM and EC-HSM keys with expiry and a rotate-and-notify policy", () => {
      const keys = ofType(report, KEY);
      expect(keys.map((k) => k.name)).to.deep.equal([
        "payments/keys/cmk-payments-db",
        "payments/keys/receipt-signing",
        "platform/keys/cmk-storage",
      ]);
      const [paymentsVault, platformVault] = ofType(report, "azure-native:keyvault:Vault").map(
        (v) => input(v, "vaultName"),
      );
      const tags = {
        "cost-center": "cc-1042",
        "data-classification": "confidential",
        environment: "prod",
        "managed-by": "keyvault-estate",
        owner: "platform-team",
      };
      const common = { resourceGroupName: "rg-kv-prod", tags };
      expect(keys[0].inputs).to.deep.equal({
        ...common,
        keyName: "cmk-payments-db",
        vaultName: paymentsVault,
        properties: {
          kty: "RSA-HSM",
          keySize: 3072,
          keyOps: ["wrapKey", "unwrapKey"],
          // exportable: false is the provider's default for any attributes block.
          attributes: { enabled: true, expires: PLANNED + 730 * DAY, exportable: false },
          rotationPolicy: rotationPolicy(730, 60, 30),
        },
      });
      expect(keys[1].inputs).to.deep.equal({
        ...common,
        keyName: "receipt-signing",
        vaultName: paymentsVault,
        properties: {
          kty: "EC-HSM",
          curveName: "P-384",
          keyOps: ["sign", "verify"],
          attributes: { enabled: true, expires: PLANNED + 365 * DAY, exportable: false },
          rotationPolicy: rotationPolicy(365, 60, 30),
        },
      });
      expect(keys[2].inputs).to.deep.equal({
        ...common,
        keyName: "cmk-storage",
        vaultName: platformVault,
        properties: {
          kty: "RSA-HSM",
          keySize: 4096,
          keyOps: ["wrapKey", "unwrapKey"],
          attributes: { enabled: true, expires: PLANNED + 730 * DAY, exportable: false },
          rotationPolicy: rotationPolicy(730, 60, 30),
        },
      });
    });

    it("exports each vault's versionless key URIs", () => {
      const vaults = report.outputs.vaults as Record<string, { name: string; keys: unknown }>;
      const kv = (v: string) => `https://${vaults[v].name}.vault.azure.net/keys`;
      expect(vaults.payments.keys).to.deep.equal({
        "cmk-payments-db": `${kv("payments")}/cmk-payments-db`,
        "receipt-signing": `${kv("payments")}/receipt-signing`,
      });
      expect(vaults.platform.keys).to.deep.equal({
        "cmk-storage": `${kv("platform")}/cmk-storage`,
      });
    });
  });

  it("plans a software RSA key in the committed dev stack's standard vault", async () => {
    const report = await committedPlan("dev");
    const [key] = ofType(report, KEY);
    expect(input(key, "properties.kty")).to.equal("RSA");
    expect(input(key, "properties.keySize")).to.equal(3072);
    expect(input(key, "properties.rotationPolicy")).to.deep.equal(rotationPolicy(365, 30, 14));
  });

  it("chains each key on the one before it in its vault, and keeps vaults independent", async () => {
    const [payments, platform] = resolveCommitted("prod").vaults;
    const third = {
      ...payments.keys[0],
      name: "third",
      resource: keyResourceName("payments", "third"),
    };
    const keys = (
      await runComponents(() => {
        new VaultKeys("payments/keys", {
          vault: target("kv-payments"),
          keys: [...payments.keys, third],
        });
        new VaultKeys("platform/keys", { vault: target("kv-platform"), keys: platform.keys });
      })
    ).filter((r) => r.type === KEY);
    const urn = (name: string) => keys.find((k) => k.name === name)!.urn;
    const keyDeps = (name: string) => keys.find((k) => k.name === name)!.dependsOn;
    expect(keyDeps("payments/keys/cmk-payments-db")).to.deep.equal([]);
    expect(keyDeps("payments/keys/receipt-signing")).to.deep.equal([
      urn("payments/keys/cmk-payments-db"),
    ]);
    expect(keyDeps("payments/keys/third")).to.deep.equal([urn("payments/keys/receipt-signing")]);
    expect(keyDeps("platform/keys/cmk-storage")).to.deep.equal([]);
  });

  it("declares each key's former name as an alias and leaves it in the vault when removed", async () => {
    const [key] = await registerKeys([cmk], NOW);
    expect(key.aliases).to.deep.equal([
      "urn:pulumi:test::keyvault-estate::keyvault-estate:keys:KeyVaultKeys$azure-native:keyvault:Key::apps-keys-cmk",
    ]);
    expect(key.retainOnDelete).to.equal(true);
  });

  it("registers each key with ignoreChanges on everything ARM sets at creation only", async () => {
    const keys = await registerKeys([cmk, signing], NOW);
    expect(keys.map((k) => k.ignoreChanges)).to.deep.equal([
      ["properties", "tags"],
      ["properties", "tags"],
    ]);
  });

  it("gives the engine identical key inputs on two runs a day apart", async () => {
    const first = await registerKeys([cmk, signing], NOW);
    const nextDay = await registerKeys([cmk, signing], new Date(NOW.getTime() + DAY * 1000));
    // What moves with the clock is exactly what the engine ignores on an existing key …
    expect(nextDay.map((k) => input(k, KEY_EXPIRY_PATH))).to.deep.equal(
      first.map((k) => (input(k, KEY_EXPIRY_PATH) as number) + DAY),
    );
    // … so what it compares with state is identical.
    const effective = (rs: PlannedResource[]) => rs.map((r) => without(r.inputs, r.ignoreChanges));
    expect(effective(nextDay)).to.deep.equal(effective(first));
    expect(first[0].inputs).to.have.nested.property("properties.rotationPolicy");
  });

  it("gives identical key inputs, expiry included, at any time of one UTC day", async () => {
    const morning = await registerKeys([cmk], new Date("2026-03-15T00:00:00Z"));
    const night = await registerKeys([cmk], new Date("2026-03-15T23:59:59.999Z"));
    expect(night.map((k) => k.inputs)).to.deep.equal(morning.map((k) => k.inputs));
    expect(input(morning[0], KEY_EXPIRY_PATH)).to.equal(CREATED + 730 * DAY);
  });

  it("resolves one config to the same model at any hour of one UTC day", () => {
    const morning = resolveCommitted("prod", new Date("2026-03-15T01:00:00Z"));
    const night = resolveCommitted("prod", new Date("2026-03-15T22:00:00Z"));
    expect(night).to.deep.equal(morning);
    expect(morning.vaults[0].keys[0].expires).to.equal(CREATED + 730 * DAY);
  });

  it("takes the plan's creation day from --now, and refuses a date that does not exist", async () => {
    const json = path.join(tempDir(), "plan.json");
    const quiet = () => undefined;
    expect(await cli(["--stack", "prod", "--now", "2026-03-15", "--json", json], quiet)).to.equal(
      EXIT.ok,
    );
    const [first] = (JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport).resources.filter(
      (r) => r.type === KEY,
    );
    expect(input(first, KEY_EXPIRY_PATH)).to.equal(CREATED + 730 * DAY);
    let err = "";
    const code = await cli(["--stack", "prod", "--now", "2026-02-30"], quiet, (e) => (err += e));
    expect(code).to.equal(EXIT.invalid);
    expect(err).to.match(/^error: --now must be a date \(YYYY-MM-DD\)/);
  });

  describe("keyProperties", () => {
    it("maps a rotate-after-creation spec to a timeAfterCreate trigger", () => {
      expect(keyProperties(resolved(signing, NOW))).to.deep.equal({
        kty: "EC-HSM",
        curveName: "P-384",
        keyOps: ["sign", "verify"],
        attributes: { enabled: true, expires: CREATED + 365 * DAY },
        rotationPolicy: {
          attributes: { expiryTime: "P365D" },
          lifetimeActions: [
            { action: { type: "rotate" }, trigger: { timeAfterCreate: "P300D" } },
            { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
          ],
        },
      });
    });

    it("passes exportable and a release policy through only when the spec has them", () => {
      const skr: KeySpec = {
        ...cmk,
        exportable: true,
        releasePolicy: { contentType: "application/json; charset=utf-8", data: "e30" },
      };
      const props = keyProperties(resolved(skr, NOW));
      expect(props.attributes).to.deep.equal({
        enabled: true,
        expires: CREATED + 730 * DAY,
        exportable: true,
      });
      expect(props.releasePolicy).to.deep.equal(skr.releasePolicy);
      expect(keyProperties(resolved(cmk, NOW))).not.to.have.property("releasePolicy");
    });

    it("maps any valid RSA spec to a valid Key (property)", () => {
      const { minDaysBeforeExpiry, minExpiryDays } = ROTATION_LIMITS;
      const spec = fc
        .record({
          protection: fc.constantFrom("hsm" as const, "software" as const),
          size: fc.constantFrom(...RSA_SIZES),
          expiresInDays: fc.integer({ min: minExpiryDays, max: 730 }),
          ops: fc.subarray(["encrypt", "decrypt", "wrapKey", "unwrapKey"], { minLength: 1 }),
          day: fc.date({
            min: new Date("2000-01-01"),
            max: new Date("2100-01-01"),
            noInvalidDate: true,
          }),
        })
        .chain((s) =>
          fc.record({
            s: fc.constant(s),
            before: fc.integer({ min: minDaysBeforeExpiry, max: s.expiresInDays - 7 }),
            notify: fc.integer({ min: minDaysBeforeExpiry, max: s.expiresInDays - 1 }),
          }),
        );
      fc.assert(
        fc.property(spec, ({ s, before, notify }) => {
          const key: KeySpec = {
            name: "k",
            type: "RSA",
            protection: s.protection,
            kty: kty("RSA", s.protection),
            size: s.size,
            ops: s.ops,
            expiresInDays: s.expiresInDays,
            rotation: { rotateBeforeExpiryDays: before, notifyBeforeExpiryDays: notify },
          };
          const p = keyProperties(resolved(key, s.day));
          expect(p.kty).to.equal(s.protection === "hsm" ? "RSA-HSM" : "RSA");
          expect(p.keySize).to.equal(s.size);
          expect(p).not.to.have.property("curveName");
          expect(p.keyOps).to.deep.equal(s.ops);
          const expires = (p.attributes as { expires: number }).expires;
          // Midnight UTC of the creation day plus the lifetime: never in the past, never longer.
          expect(expires % DAY).to.equal(0);
          expect(expires - startOfUtcDay(s.day).getTime() / 1000).to.equal(s.expiresInDays * DAY);
          expect(
            isDeepStrictEqual(p.rotationPolicy, rotationPolicy(s.expiresInDays, before, notify)),
          ).to.equal(true);
        }),
        { numRuns: 200 },
      );
    });
  });
});
