import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { AzurePolicyInputError, parseDocument } from "../../tools/azure-policy/load";
import { evaluateExport } from "../../tools/azure-policy/whatIf";
import { projectResources } from "../../tools/plan/armProjection";
import { cli, EXIT } from "../../tools/plan/cli";
import { ROOT, tempDir, TEST_DAY } from "../helpers";
import { compliantEstate, estateResources, exportOf, NOW } from "./fixtures";

const EXAMPLE = path.join(ROOT, "examples/azure-policy");
const day = TEST_DAY.toISOString().slice(0, 10);

async function plan(
  stack: string,
  ...paths: string[]
): Promise<{ code: number; out: string; err: string; json: Record<string, unknown> }> {
  const dir = tempDir();
  const jsonFile = path.join(dir, "plan.json");
  let out = "";
  let err = "";
  const code = await cli(
    [
      "--stack",
      stack,
      "--now",
      day,
      "--json",
      jsonFile,
      ...paths.flatMap((p) => ["--azure-policy", p]),
    ],
    (s) => (out += s),
    (s) => (err += s),
  );
  const json = fs.existsSync(jsonFile)
    ? (JSON.parse(fs.readFileSync(jsonFile, "utf8")) as Record<string, unknown>)
    : {};
  return { code, out, err, json };
}

interface ApJson {
  findings: { displayName: string; enforcement: string; assignment: string; resource: string }[];
  summary: { mandatory: number; advisory: number; unsupported: number; definitions: number };
}

describe("Azure Policy what-if: the plan under the example export", function () {
  this.timeout(120_000);

  it("plans the compliant prod stack with exit 0 under the deny baseline", async () => {
    const r = await plan("prod", EXAMPLE);
    const ap = r.json.azurePolicy as ApJson;
    expect(r.err).to.equal("");
    expect(r.code).to.equal(EXIT.ok);
    expect(ap.summary).to.deep.equal({
      definitions: 13,
      mandatory: 0,
      advisory: 0,
      unsupported: 0,
    });
    expect(r.out).to.contain(
      "Azure Policy what-if (13 definitions from 3 files): 0 would deny, 0 advisory, 0 not evaluable",
    );
  });

  it("names each definition that would deny the relaxed dev stack, and exits 1", async () => {
    const r = await plan("dev", EXAMPLE);
    const ap = r.json.azurePolicy as ApJson;
    expect(r.code).to.equal(EXIT.mandatoryViolation);
    expect(
      ap.findings.filter((f) => f.enforcement === "mandatory").map((f) => f.displayName),
    ).to.deep.equal([
      "Azure Key Vault should disable public network access",
      "Azure Key Vault should have firewall enabled or public network access disabled",
      "Key vaults should have deletion protection enabled",
    ]);
    expect(
      ap.findings.filter((f) => f.enforcement === "advisory").map((f) => f.displayName),
    ).to.deep.equal(["Keys should be backed by a hardware security module (HSM)"]);
    for (const name of [
      "disable public network access",
      "firewall enabled",
      "deletion protection",
    ]) {
      expect(r.out).to.match(new RegExp(`\\[mandatory\\] Deny: [^\\n]*${name}`));
    }
  });

  it("only advises when the deny assignment is in DoNotEnforce", async () => {
    const dir = tempDir();
    for (const f of fs.readdirSync(EXAMPLE))
      fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
    const assignments = JSON.parse(
      fs.readFileSync(path.join(dir, "assignments.json"), "utf8"),
    ) as Record<string, unknown>[];
    for (const a of assignments) a.enforcementMode = "DoNotEnforce";
    fs.writeFileSync(path.join(dir, "assignments.json"), JSON.stringify(assignments));
    const r = await plan("dev", dir);
    const ap = r.json.azurePolicy as ApJson;
    expect(r.code).to.equal(EXIT.ok);
    expect(ap.summary.mandatory).to.equal(0);
    expect(ap.summary.advisory).to.equal(4);
  });

  it("exits 2 naming the file and what is wrong in a malformed export", async () => {
    const dir = tempDir();
    const bad = path.join(dir, "broken.json");
    fs.writeFileSync(bad, '{"policyDefinitionId": 7, "name": "x"}');
    const r = await plan("dev", bad);
    expect(r.code).to.equal(EXIT.invalid);
    expect(r.err).to.equal(
      `error: ${bad}: assignment x: policyDefinitionId: Invalid input: expected string, received number\n`,
    );
    fs.writeFileSync(bad, "{ not json");
    const r2 = await plan("dev", bad);
    expect(r2.code).to.equal(EXIT.invalid);
    expect(r2.err).to.match(
      new RegExp(`^error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not valid JSON`),
    );
    expect(r2.err).not.to.contain("    at ");
  });

  it("exits 2 when an assignment names a definition neither exported nor vendored", async () => {
    const dir = tempDir();
    const file = path.join(dir, "a.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: "a",
        policyDefinitionId:
          "/providers/Microsoft.Authorization/policyDefinitions/00000000-0000-0000-0000-00000000dead",
      }),
    );
    const r = await plan("dev", file);
    expect(r.code).to.equal(EXIT.invalid);
    expect(r.err).to.contain(
      `${file}: assignment a names /providers/Microsoft.Authorization/policyDefinitions/00000000-0000-0000-0000-00000000dead, which is neither in the export nor one of the vendored built-in definitions`,
    );
  });
});

describe("Azure Policy what-if: fuzzed policy files never crash", () => {
  const resources = estateResources(compliantEstate());
  const leaf = fc
    .record({
      field: fc.constantFrom(
        "type",
        "name",
        "location",
        "tags",
        "tags['owner']",
        "Microsoft.KeyVault/vaults/networkAcls.ipRules[*].value",
        "Microsoft.KeyVault/vaults/enableSoftDelete",
        "Microsoft.KeyVault.Data/vaults/keys/keySize",
        "[concat('na', 'me')]",
        "[bogus(",
        "nope/alias",
      ),
      op: fc.constantFrom(
        "equals",
        "notEquals",
        "like",
        "match",
        "contains",
        "in",
        "notIn",
        "containsKey",
        "less",
        "greaterOrEquals",
        "exists",
        "weird",
      ),
      value: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.constantFrom(
          "[utcNow()]",
          "[addDays(utcNow(), 'x')]",
          "[parameters('missing')]",
          "[length(field('tags'))]",
          "[[literal",
        ),
      ),
    })
    .map(({ field, op, value }) => ({ field, [op]: value }));
  const condition = fc.letrec<{ c: unknown }>((tie) => ({
    c: fc.oneof(
      { depthSize: "small" },
      leaf,
      fc.record({ allOf: fc.array(tie("c"), { maxLength: 3 }) }),
      fc.record({ anyOf: fc.array(tie("c"), { maxLength: 3 }) }),
      fc.record({ not: tie("c") }),
      fc.record({
        count: fc.record({
          field: fc.constantFrom("Microsoft.KeyVault/vaults/networkAcls.ipRules[*]", "x"),
          where: tie("c"),
        }),
        greater: fc.integer(),
      }),
      fc.anything(),
    ),
  })).c;

  it("evaluates random rules to findings or unsupported, never an exception", () => {
    fc.assert(
      fc.property(
        condition,
        fc.constantFrom("Deny", "Audit", "Modify", "AuditIfNotExists", "[parameters('e')]", "x"),
        (rule, effect) => {
          const doc = {
            name: "fuzz",
            mode: "All",
            parameters: { e: { type: "String", defaultValue: "Deny" } },
            policyRule: {
              if: rule,
              then: {
                effect,
                details: { type: "Microsoft.Insights/diagnosticSettings", operations: [] },
              },
            },
          };
          let exp;
          try {
            exp = exportOf(doc);
          } catch (e) {
            expect(e).to.be.instanceOf(AzurePolicyInputError);
            return;
          }
          const report = evaluateExport(exp, projectResources(resources, NOW), { now: NOW });
          expect(
            report.findings.length + report.unsupported.length + report.evaluated.length,
          ).to.be.greaterThan(0);
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });

  it("parses random documents into policy objects or an input error naming the file", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        try {
          parseDocument(doc, "fuzz.json");
        } catch (e) {
          expect(e).to.be.instanceOf(AzurePolicyInputError);
          expect((e as Error).message.startsWith("fuzz.json")).to.equal(true);
        }
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});
