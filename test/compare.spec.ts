import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { comparePlans } from "../tools/review/compare";
import { EXIT, planStack } from "../tools/plan/cli";
import { renderJson, renderMarkdown } from "../tools/plan/report";
import type { PlanReport } from "../tools/contract/plan";
import { policies } from "../policies/pack";
import { DAY2_EXAMPLES, day2Outputs, marker, withDay2Outputs } from "../tools/docs/day2";
import {
  clone,
  committedConfig,
  committedPlan,
  ROOT,
  tempDir,
  writeStackFile,
  runCli,
} from "./helpers";

/** The change review on the committed prod stack, through the CLI and in the README. */

type Vaults = { name: string; access: { scope: string }[] }[];

describe("change review of the committed prod stack", () => {
  let prod: PlanReport;
  let baseFile: string;

  before(async () => {
    prod = await committedPlan("prod");
    baseFile = path.join(tempDir(), "prod.json");
    fs.writeFileSync(baseFile, renderJson(prod));
  });

  it("compares plans of the same config made on different days as no change", async () => {
    const later = await planStack({
      stack: "prod",
      root: ROOT,
      env: {},
      now: new Date("2026-09-14T00:00:00Z"),
    });
    const c = comparePlans(prod, later);
    expect(c.changes).to.deep.equal([]);
    expect(c.access).to.deep.equal({ granted: [], revoked: [] });
    expect(c.violations).to.deep.equal({ new: [], fixed: [] });
  });

  it("adds the comparison to the JSON and exits 0 on a no-op", async () => {
    const json = path.join(tempDir(), "next.json");
    const { code, out } = await runCli([
      "--stack",
      "prod",
      "--now",
      "2026-07-01",
      "--compare",
      baseFile,
      "--json",
      json,
    ]);
    expect(code).to.equal(EXIT.ok);
    expect(out).to.include("What changes against the base plan: no changes");
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport;
    expect(report.comparison?.changes).to.deep.equal([]);
    expect(report.comparison?.summary.risks).to.deep.equal({ mandatory: 0, advisory: 0 });
  });

  it("revoking access under the vault's lock: advisory, naming the deploy's reviewed unlock step", async () => {
    const c = clone(committedConfig("prod"));
    const vaults = c["keyvault-estate:vaults"] as Vaults;
    vaults[0].access = vaults[0].access.filter((a) => a.scope !== "secret/db-password");
    const md = path.join(tempDir(), "review.md");
    const { code, out } = await runCli([
      "--stack",
      "prod",
      "--config",
      writeStackFile(c),
      "--now",
      "2026-06-01",
      "--compare",
      baseFile,
      "--markdown",
      md,
    ]);
    expect(code).to.equal(EXIT.ok);
    expect(out).to.match(/! locked-scope \(advisory\): Revoking this role assignment/);
    const page = fs.readFileSync(md, "utf8");
    // The page leads with what blocks (here: nothing), then what changes, then access in words.
    const order = [
      "**Nothing blocks the deploy**",
      "## What changes",
      "## Access",
      "## Policy findings",
    ].map((h) => page.indexOf(h));
    expect(
      order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1])),
      page,
    ).to.equal(true);
    expect(page).to.include("**Access revoked**");
    expect(page).to.include("payments-api reads its database password");
  });

  for (const flag of ["--json", "--markdown"]) {
    it(`exits 2 and leaves the base untouched when ${flag} names the --compare file`, async () => {
      const before = fs.readFileSync(baseFile, "utf8");
      const dir = path.dirname(baseFile);
      // The same file through another spelling of its path.
      const alias = path.join(dir, ".", "..", path.basename(dir), path.basename(baseFile));
      const { code, err, out } = await runCli([
        "--stack",
        "prod",
        "--compare",
        baseFile,
        flag,
        alias,
      ]);
      expect(code).to.equal(EXIT.invalid);
      expect(out).to.equal("");
      expect(err).to.include(`${flag} would overwrite the base plan`);
      expect(fs.readFileSync(baseFile, "utf8")).to.equal(before);
    });
  }

  for (const [what, content, message] of [
    [
      "JSON that is not a plan report",
      '{"hello": "world"}',
      'is not a plan report (it has no "project" string)',
    ],
    ["a file that is not JSON", "not json", "cannot read a JSON plan report"],
  ] as const) {
    it(`exits 2 with a clear message on a base that is ${what}`, async () => {
      const junk = path.join(tempDir(), "junk.json");
      fs.writeFileSync(junk, content);
      const { code, err } = await runCli(["--stack", "prod", "--compare", junk]);
      expect(code).to.equal(EXIT.invalid);
      expect(err).to.include(message);
      expect(err).not.to.match(/\n\s+at /);
    });
  }

  it("resolves relative file arguments where the user typed the command (INIT_CWD)", async () => {
    const dir = tempDir();
    fs.copyFileSync(baseFile, path.join(dir, "base.json"));
    const saved = process.env.INIT_CWD;
    process.env.INIT_CWD = dir;
    try {
      const { code } = await runCli([
        "--stack",
        "prod",
        "--now",
        "2026-06-01",
        "--compare",
        "base.json",
        "--markdown",
        "review.md",
      ]);
      expect(code).to.equal(EXIT.ok);
      expect(fs.readFileSync(path.join(dir, "review.md"), "utf8")).to.include("## What changes");
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
  });

  it("renders the review page: nothing blocks, access in words, the diagram, counts folded", async () => {
    const page = renderMarkdown({ ...prod, comparison: comparePlans(prod, prod) });
    expect(page).to.include("**Nothing blocks the deploy**");
    expect(page).to.include("`pulumi up` would change nothing.");
    expect(page).to.include(
      "- **payments**: ServicePrincipal `1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b`, *payments-api reads its database password*, is **Key Vault Secrets User** on secret `db-password`.",
    );
    expect(page).to.include("```mermaid\nflowchart LR");
    expect(page).to.include(
      `<details>\n<summary>${prod.summary.resources} resources, 2 vaults: counts by type`,
    );
  });

  it("gives every mandatory policy finding its fix in What blocks", () => {
    const vault = prod.resources.find((r) => r.type === "azure-native:keyvault:Vault")!;
    const page = renderMarkdown({
      ...prod,
      policyViolations: [
        {
          policy: "keyvault-vault-purge-protection",
          enforcementLevel: "mandatory",
          urn: vault.urn,
          message: "Purge protection is off.",
          controls: [],
        },
      ],
    });
    const fix = policies.find(
      (p) => p.name === "keyvault-vault-purge-protection",
    )!.remediationSteps;
    const blocks = page.slice(page.indexOf("## What blocks"), page.indexOf("## Access"));
    expect(blocks).to.include(
      `- \`keyvault-vault-purge-protection\` on \`${vault.name}\`: Purge protection is off. **Fix:** ${fix}`,
    );
  });

  describe("README Day 2", () => {
    it("shows, for each Day-2 change, exactly what the review prints", async function () {
      this.timeout(180_000);
      const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
      for (const e of DAY2_EXAMPLES) expect(readme, e.id).to.include(marker(e.id).begin);
      const outputs = await day2Outputs(ROOT);
      expect(withDay2Outputs(readme, outputs)).to.equal(readme);
    });
  });
});

describe("a base plan written before the plan wrote the engine's URNs", () => {
  /** A URN as the mock monitor wrote it: the parent's own type only. */
  const mockForm = (urn: string) => {
    const parts = urn.split("::");
    parts[2] = parts[2].split("$").slice(-2).join("$");
    return parts.join("::");
  };
  const inMockForm = (v: unknown): unknown =>
    typeof v === "string" && v.startsWith("urn:pulumi:")
      ? mockForm(v)
      : Array.isArray(v)
        ? v.map(inMockForm)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inMockForm(x)]))
          : v;

  for (const stack of ["dev", "staging", "prod"] as const) {
    it(`${stack}: compares with today's plan as no change, and no rename`, async () => {
      const today = await committedPlan(stack);
      const former = inMockForm(today) as PlanReport;
      // The base really is in the former form (a stack with nested components has such URNs).
      expect(former.resources.some((r) => !today.resources.some((t) => t.urn === r.urn))).to.equal(
        true,
      );
      const c = comparePlans(former, today);
      expect(c.changes).to.deep.equal([]);
      expect(c.violations).to.deep.equal({ new: [], fixed: [] });
      expect(c.access).to.deep.equal({ granted: [], revoked: [] });
    });
  }
});
