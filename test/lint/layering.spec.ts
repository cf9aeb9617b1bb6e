import { expect } from "chai";
import { ESLint } from "eslint";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The layering (docs/architecture.md, "Rooms") is ESLint's to enforce; these cases show the rules
 * fail on a bad import and pass a good one, so a change to eslint.config.mjs that stopped checking
 * would fail here. Each probe is linted as if it sat at `file`; nothing is written to disk.
 */
describe("the layering rules", function () {
  this.timeout(60_000);
  // Type-aware parsing needs the file in the TypeScript project; the layering rules do not.
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false, project: null } },
    },
    ruleFilter: ({ ruleId }) =>
      ruleId.startsWith("import-x/") || ruleId.startsWith("no-restricted-"),
  });

  async function layeringErrors(file: string, source: string): Promise<string[]> {
    const [result] = await eslint.lintText(source, { filePath: `${ROOT}/${file}` });
    // Only the layering rules run (ruleFilter); a message without a rule is a parse error.
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
  }

  const bad: [string, string, string][] = [
    [
      "the review importing the plan",
      "tools/review/probe.ts",
      'import { planStack } from "../plan/cli";',
    ],
    [
      "the contract importing the review",
      "tools/contract/probe.ts",
      'import { comparePlans } from "../review/compare";',
    ],
    [
      "the what-if importing the plan",
      "tools/azure-policy/probe.ts",
      'import { runProgram } from "../plan/engine";',
    ],
    [
      "the plan importing a deploy tool",
      "tools/plan/probe.ts",
      'import { lockedDeletes } from "../deploy/lockedDeletes";',
    ],
    [
      "a component importing the schema",
      "infra/components/probe.ts",
      'import { resolveConfig } from "../model/config";',
    ],
    [
      "a component importing a baseline",
      "infra/components/probe.ts",
      'import { BASELINES } from "../../stacks";',
    ],
    [
      "the model importing a component",
      "infra/model/probe.ts",
      'import { Estate } from "../components/estate";',
    ],
    [
      "an Azure fact importing the model",
      "infra/azure/probe.ts",
      'import { resolveEstate } from "../model/estate";',
    ],
    [
      "the pack importing the program",
      "policies/vault/probe.ts",
      'import { main } from "../../infra/main";',
    ],
    [
      "the pack importing a tool",
      "policies/vault/probe.ts",
      'import { planStack } from "../../tools/plan/cli";',
    ],
    ["the program importing a test", "infra/probe.ts", 'import { ROOT } from "../test/helpers";'],
  ];
  for (const [what, file, source] of bad) {
    it(`refuses ${what}`, async () => {
      const errors = await layeringErrors(file, `${source}\nexport const probe = 1;\n`);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/^import-x\/no-restricted-paths: /);
    });
  }

  it("refuses an import loop", async () => {
    // tools/review/compare.ts imports tools/review/risks.ts, so risks importing compare closes a loop.
    const errors = await layeringErrors(
      "tools/review/risks.ts",
      'import { comparePlans } from "./compare";\nexport const probe = comparePlans;\n',
    );
    expect(errors.some((e) => e.startsWith("import-x/no-cycle"))).to.equal(true);
  });

  const entryOnly: [string, string, string][] = [
    ["a component reading the clock", "infra/components/probe.ts", "export const t = new Date(0);"],
    ["the model reading the clock", "infra/model/probe.ts", "export const t = Date.now();"],
    [
      "the model reading the environment",
      "infra/model/probe.ts",
      "export const e = process.env.X;",
    ],
    [
      "an Azure fact reading config",
      "infra/azure/probe.ts",
      "export const c = new pulumi.Config();",
    ],
    [
      "a component validating with zod",
      "infra/components/probe.ts",
      'import { z } from "zod";\nexport const s = z.string();',
    ],
  ];
  for (const [what, file, source] of entryOnly) {
    it(`refuses ${what}`, async () => {
      const errors = await layeringErrors(file, `${source}\n`);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/^no-restricted-(syntax|imports): /);
    });
  }

  it("lets the entry read the clock, the environment and config", async () => {
    const source = "export const t = new Date();\nexport const e = process.env.X;\n";
    expect(await layeringErrors("infra/main.ts", source)).to.deep.equal([]);
  });

  const good: [string, string, string][] = [
    [
      "the review importing the contract",
      "tools/review/probe.ts",
      'import type { PlanReport } from "../contract/plan";',
    ],
    [
      "the plan importing the review",
      "tools/plan/probe.ts",
      'import { comparePlans } from "../review/compare";',
    ],
    [
      "a component importing the resolved types",
      "infra/components/probe.ts",
      'import type { ResolvedVault } from "../model/types";',
    ],
    [
      "the model importing a baseline",
      "infra/model/probe.ts",
      'import { BASELINES } from "../../stacks";',
    ],
  ];
  for (const [what, file, source] of good) {
    it(`allows ${what}`, async () => {
      expect(await layeringErrors(file, `${source}\nexport const probe = 1;\n`)).to.deep.equal([]);
    });
  }
});
