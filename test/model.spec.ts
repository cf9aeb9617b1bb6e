import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { estateProgram, runAtOnce } from "../infra/program";
import { offlineSecretValues, planProgram, runProgram } from "../tools/plan/engine";
import { readStackFile } from "../tools/plan/stackFile";
import {
  clone,
  committedConfig,
  committedPlan,
  configProblems,
  planConfig,
  resolveCommitted,
  resolveConfig,
  ROOT,
  TEST_DAY,
} from "./helpers";

/** The resolved model (infra/model) and what the layering promises (docs/architecture.md, "Resolve once, build dumb"). */

const STACKS = ["dev", "staging", "prod"] as const;

describe("the resolved estate model", () => {
  it("reports every problem of a config in one pass, across the schema and cross-object rules", () => {
    const c = clone(committedConfig("dev"));
    (c["keyvault-estate:vaults"] as unknown[]).push({
      name: "hsm",
      tier: "managedHsm",
      initialAdminObjectIds: ["4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"],
      softDeleteRetentionInDays: 3,
      secrets: [{ name: "s", source: { env: "S" } }],
    });
    expect(configProblems(c)).to.deep.equal([
      "vaults[1].softDeleteRetentionInDays: must be 7..90",
      "vaults[1].secrets: a Managed HSM holds keys only; put secrets in a standard or premium vault",
    ]);
  });

  it("is a pure function of (config, now): equal inputs, equal models, at any hour of the day", () => {
    for (const stack of STACKS) {
      const a = resolveCommitted(stack, new Date("2026-06-01T00:00:00Z"));
      const b = resolveCommitted(stack, new Date("2026-06-01T23:59:59Z"));
      expect(b, stack).to.deep.equal(a);
    }
  });

  it("is immutable", () => {
    const estate = resolveCommitted("prod");
    expect(Object.isFrozen(estate)).to.equal(true);
    expect(Object.isFrozen(estate.vaults[0].keys[0].rotation)).to.equal(true);
    expect(() => {
      (estate.vaults[0] as { name: string }).name = "changed";
    }).to.throw(TypeError);
  });

  it("fixes every date from `now`: the creation day's midnight, UTC", () => {
    const estate = resolveCommitted("prod", new Date("2026-06-01T17:00:00Z"));
    expect(estate.now).to.deep.equal(TEST_DAY);
    const key = estate.vaults[0].keys[0];
    expect(key.expires).to.equal(TEST_DAY.getTime() / 1000 + key.expiresInDays * 86_400);
  });
});

describe("the layering", () => {
  const sources = (dir: string) =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .map((f) => ({
        file: path.join(dir, f),
        text: fs.readFileSync(path.join(ROOT, dir, f), "utf8"),
      }));

  // Imports, the clock, the environment and pulumi.Config: ESLint's layering rules
  // (eslint.config.mjs), tested in test/lint/layering.spec.ts.

  it("reads nothing outside the repository", () => {
    for (const dir of ["infra", "tools", "test", "policies", "stacks"]) {
      for (const { file, text } of sources(dir).filter((f) => f.file !== "test/model.spec.ts")) {
        expect(text, file).not.to.match(
          /["'`]\.\.["'`],\s*["'`]\.\.["'`],\s*["'`]\.\.["'`]|\.\.\/\.\.\/\.\.\/shared|"shared", "azure-policy"/,
        );
      }
    }
  });
});

describe("the committed stacks after names were joined with '/'", () => {
  const sha = (v: unknown) => createHash("sha256").update(canonical(v)).digest("hex");
  for (const stack of STACKS) {
    it(`${stack}: every resource of the former plan is there, by URN or by alias, with the same inputs`, async () => {
      const before = JSON.parse(
        fs.readFileSync(path.join(ROOT, "test", "fixtures", "v1-plans", `${stack}.json`), "utf8"),
      ).resources as Record<string, string>;
      const report = await committedPlan(stack);
      // The former plans recorded the mock monitor's URNs, which name only the parent's own type;
      // the plan now writes the engine's (the parent's whole chain), so compare in the former form.
      const former = (urn: string) => {
        const parts = urn.split("::");
        parts[2] = parts[2].split("$").slice(-2).join("$");
        return parts.join("::");
      };
      const byUrn = new Map(report.resources.map((r) => [former(r.urn), r]));
      const byAlias = new Map<string, (typeof report.resources)[number]>();
      for (const r of report.resources) {
        for (const a of r.aliases.map(former)) {
          expect(byAlias.has(a), `two resources alias ${a}`).to.equal(false);
          byAlias.set(a, r);
        }
      }
      const renamed: string[] = [];
      for (const [urn, inputs] of Object.entries(before)) {
        const now = byUrn.get(urn) ?? byAlias.get(urn);
        expect(now, `${urn} is neither planned nor aliased`).to.not.equal(undefined);
        expect(sha(now!.inputs), `inputs of ${urn}`).to.equal(inputs);
        if (former(now!.urn) !== urn) renamed.push(now!.name);
      }
      // (New resources are fine: a rename without an alias fails the loop above, by its old URN.)
      expect(renamed.length).to.be.greaterThan(0);
    });

    it(`${stack}: nothing but the estate sits at the stack root`, async () => {
      const report = await committedPlan(stack);
      const root = report.resources.find((r) => r.type === "pulumi:pulumi:Stack")!.urn;
      expect(report.resources.filter((r) => r.parent === root).map((r) => r.type)).to.deep.equal([
        "keyvault-estate:estate:Estate",
      ]);
    });
  }
});

/** JSON with sorted keys, as the fixture's digests were taken. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

describe("createMode: recover", () => {
  const withMode = (createMode: unknown) => {
    const c = clone(committedConfig("dev"));
    (c["keyvault-estate:vaults"] as Record<string, unknown>[])[0].createMode = createMode;
    return c;
  };

  it("recovers the soft-deleted vault of that name instead of creating one", async () => {
    expect(resolveConfig(withMode("recover")).vaults[0].recover).to.equal(true);
    expect(resolveConfig(withMode("default")).vaults[0].recover).to.equal(false);
    const report = await planConfig(withMode("recover"), { stack: "dev" });
    const vault = report.resources.find((r) => r.type === "azure-native:keyvault:Vault")!;
    expect((vault.inputs.properties as Record<string, unknown>).createMode).to.equal("recover");
  });

  it("refuses any other mode, naming the field", () => {
    expect(configProblems(withMode("restore"))).to.deep.equal([
      'vaults[0].createMode: must be "default" or "recover"',
    ]);
  });
});

describe("building the estate vault by vault (the offline plan) or at once (a deployment)", () => {
  it("registers the same resources with the same inputs and options either way", async () => {
    const file = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
    const vaults = resolveCommitted("prod").vaults.map((v) => v.name);
    const vaultOf = (name: string) =>
      vaults.findIndex((v) => name === v || name.startsWith(`${v}/`));
    const run = async (program: () => unknown) => {
      const order: number[] = [];
      const result = await runProgram("prod", file, program, {
        preview: true,
        observe: (r) => void (vaultOf(r.name) >= 0 && order.push(vaultOf(r.name))),
      });
      return { ...result, order };
    };
    const atOnce = await run(() =>
      runAtOnce(
        estateProgram({
          config: file.flat,
          secretKeys: file.secretKeys,
          now: TEST_DAY,
          secretValues: offlineSecretValues,
        }),
      ),
    );
    const byVault = await run(planProgram(file, TEST_DAY));
    expect(vaults.length).to.be.greaterThan(1);
    // Each vault's registrations are all answered before the next vault's first one.
    expect(byVault.order).to.deep.equal([...byVault.order].sort((a, b) => a - b));
    expect(new Set(byVault.order).size).to.equal(vaults.length);
    expect(JSON.stringify(byVault.resources)).to.equal(JSON.stringify(atOnce.resources));
    expect(byVault.outputs).to.deep.equal(atOnce.outputs);
  });
});
