import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ipRangeContains } from "../../tools/azure-policy/expressions";
import {
  assignment,
  BUILT_IN,
  compliantEstate,
  definition,
  estateResources,
  RG,
  VAULT_ID,
  whatIf,
} from "./fixtures";
import { ROOT } from "../helpers";

const VAULT = { field: "type", equals: "Microsoft.KeyVault/vaults" };
const resources = () => estateResources(compliantEstate());

/** Whether a custom Audit definition with this extra condition flags the fixture's vault. */
function flagsVault(cond: unknown, parameters?: Record<string, unknown>): boolean | string {
  const d = definition(
    "t",
    { if: { allOf: [VAULT, cond] }, then: { effect: "audit" } },
    parameters ? { parameters } : {},
  );
  const report = whatIf(resources(), d);
  if (report.unsupported.length > 0) return `unsupported: ${report.unsupported[0].reason}`;
  return report.findings.length === 1;
}

describe("Azure Policy what-if: the policy language", () => {
  const cases: [string, unknown, boolean][] = [
    ["equals is case-insensitive", { field: "location", equals: "WestEurope" }, true],
    [
      "equals compares a boolean with its text",
      { field: "Microsoft.KeyVault/vaults/enableSoftDelete", equals: "true" },
      true,
    ],
    [
      "notEquals",
      { field: "Microsoft.KeyVault/vaults/publicNetworkAccess", notEquals: "Disabled" },
      false,
    ],
    ["like with a wildcard", { field: "name", like: "kv-*" }, true],
    ["notLike", { field: "name", notLike: "kv-*" }, false],
    ["match: # digit, ? letter, . any", { field: "name", match: "??-t..t" }, true],
    ["match is case-sensitive", { field: "name", match: "KV-test" }, false],
    ["matchInsensitively", { field: "name", matchInsensitively: "KV-TEST" }, true],
    ["notMatch", { field: "name", notMatch: "kv-####" }, true],
    ["contains on a string", { field: "id", contains: "/VAULTS/" }, true],
    ["notContains", { field: "id", notContains: "managedHSMs" }, true],
    ["in", { field: "location", in: ["northeurope", "westeurope"] }, true],
    ["notIn", { field: "location", notIn: ["northeurope", "westeurope"] }, false],
    ["containsKey on tags", { field: "tags", containsKey: "Cost-Center" }, true],
    ["notContainsKey", { field: "tags", notContainsKey: "owner" }, false],
    [
      "less / greater on integers",
      { field: "Microsoft.KeyVault/vaults/softDeleteRetentionInDays", less: 91 },
      true,
    ],
    [
      "greaterOrEquals compares a numeric string",
      { field: "Microsoft.KeyVault/vaults/softDeleteRetentionInDays", greaterOrEquals: "90" },
      true,
    ],
    [
      "lessOrEquals",
      { field: "Microsoft.KeyVault/vaults/softDeleteRetentionInDays", lessOrEquals: 89 },
      false,
    ],
    [
      "exists true",
      { field: "Microsoft.KeyVault/vaults/networkAcls.defaultAction", exists: true },
      true,
    ],
    [
      "exists false on an absent property",
      { field: "Microsoft.KeyVault/vaults/createMode", exists: "false" },
      true,
    ],
    [
      "tags['name'] and tags.name",
      {
        allOf: [
          { field: "tags['owner']", equals: "platform" },
          { field: "tags.owner", equals: "platform" },
        ],
      },
      true,
    ],
    [
      "anyOf",
      {
        anyOf: [
          { field: "name", equals: "x" },
          { field: "name", equals: "kv-test" },
        ],
      },
      true,
    ],
    ["not", { not: { field: "name", equals: "kv-test" } }, false],
    [
      "[*] outside count holds for every member (vacuously for none)",
      { field: "Microsoft.KeyVault/vaults/networkAcls.ipRules[*].value", equals: "1.2.3.4" },
      true,
    ],
    [
      "count of an empty array",
      { count: { field: "Microsoft.KeyVault/vaults/networkAcls.ipRules[*]" }, equals: 0 },
      true,
    ],
    [
      "value count with where and current()",
      {
        count: {
          value: ["a", "kv-test", "b"],
          name: "n",
          where: { value: "[current('n')]", equals: "[field('name')]" },
        },
        equals: 1,
      },
      true,
    ],
    [
      "field of another type's alias is absent",
      { field: "Microsoft.Storage/storageAccounts/minimumTlsVersion", exists: false },
      true,
    ],
    [
      "identity.type of a resource without identity",
      { field: "identity.type", exists: false },
      true,
    ],
    ["fullName", { field: "fullName", equals: "kv-test" }, true],
  ];
  for (const [what, cond, expected] of cases) {
    it(`${what}`, () => expect(flagsVault(cond)).to.equal(expected));
  }

  const fns: [string, string, unknown][] = [
    ["concat", "[concat('kv', '-', 'test')]", "kv-test"],
    ["if and equals", "[if(equals(field('name'), 'kv-test'), 'yes', 'no')]", "yes"],
    ["and / or / not", "[and(or(true(), false()), not(false()))]", true],
    ["empty", "[empty(field('Microsoft.KeyVault/vaults/networkAcls.ipRules'))]", true],
    [
      "length of [*] field",
      "[length(field('Microsoft.KeyVault/vaults/networkAcls.virtualNetworkRules[*]'))]",
      0,
    ],
    ["toLower", "[toLower('KV-Test')]", "kv-test"],
    ["split, first, last", "[concat(first(split('a/b/c', '/')), last(split('a/b/c', '/')))]", "ac"],
    ["utcNow is the plan's day", "[utcNow()]", "2026-06-01T00:00:00.000Z"],
    ["addDays", "[addDays('2026-06-01T00:00:00Z', 30)]", "2026-07-01T00:00:00.000Z"],
    [
      "requestContext().apiVersion is the SDK's API version for vaults",
      "[requestContext().apiVersion]",
      "2024-11-01",
    ],
    ["ipRangeContains", "[ipRangeContains('10.0.0.0/8', '10.1.2.0/24')]", true],
    ["padLeft", "[padLeft('7', 3, '0')]", "007"],
    ["parameters", "[parameters('p')]", "x"],
  ];
  for (const [what, expr, expected] of fns) {
    it(`function ${what}`, () => {
      expect(
        flagsVault({ value: expr, equals: expected }, { p: { type: "String", defaultValue: "x" } }),
      ).to.equal(true);
      expect(
        flagsVault(
          { value: expr, notEquals: expected },
          { p: { type: "String", defaultValue: "x" } },
        ),
      ).to.equal(false);
    });
  }

  it("ipRangeContains handles IPv4 and IPv6 ranges and refuses mixed families", () => {
    expect(ipRangeContains("203.0.113.0/24", "203.0.113.7")).to.equal(true);
    expect(ipRangeContains("203.0.113.0/24", "203.0.112.0/23")).to.equal(false);
    expect(ipRangeContains("2001:db8::/32", "2001:db8:1::/48")).to.equal(true);
    expect(() => ipRangeContains("10.0.0.0/8", "2001:db8::1")).to.throw(/different families/);
  });

  it("reports an alias missing from the alias map as unsupported, never as compliant", () => {
    expect(flagsVault({ field: "Microsoft.KeyVault/vaults/noSuchProperty", equals: "x" })).to.equal(
      "unsupported: the alias Microsoft.KeyVault/vaults/noSuchProperty is not in the alias map (policies/reference/azure-policy-aliases)",
    );
  });

  it("reports an unsupported template function as unsupported", () => {
    expect(flagsVault({ value: "[reference('x')]", equals: "y" })).to.equal(
      "unsupported: the template function reference() is not supported by the offline evaluator",
    );
  });

  it("reports a condition reading a secret's value as unsupported and never prints the value", () => {
    const f = compliantEstate();
    (f.secret.properties as Record<string, unknown>).value = "[secret]";
    const d = definition("sv", {
      if: {
        allOf: [
          { field: "type", equals: "Microsoft.KeyVault/vaults/secrets" },
          { field: "Microsoft.KeyVault/vaults/secrets/value", equals: "CANARY-not-a-secret" },
        ],
      },
      then: { effect: "deny" },
    });
    const report = whatIf(estateResources(f), d);
    expect(report.findings).to.deep.equal([]);
    expect(report.unsupported.map((u) => u.reason)).to.deep.equal([
      "the value is a secret value, which the offline plan never reads",
    ]);
  });

  it("a definition with no supported mode sees nothing, and an unsupported effect is reported", () => {
    const report = whatIf(resources(), definition("m", { if: VAULT, then: { effect: "mutate" } }));
    expect(report.unsupported.map((u) => u.reason)).to.deep.equal([
      "the effect mutate is not supported by the offline evaluator",
    ]);
  });

  it("Modify says what Azure would change, and nothing when the value is already set", () => {
    const modify = (value: string) =>
      definition("mod", {
        if: VAULT,
        then: {
          effect: "modify",
          details: {
            roleDefinitionIds: [],
            operations: [{ operation: "addOrReplace", field: "tags['owner']", value }],
          },
        },
      });
    const r = whatIf(resources(), modify("security"));
    expect(r.findings.map((f) => [f.effect, f.enforcement, f.changes])).to.deep.equal([
      [
        "modify",
        "advisory",
        [
          'Azure would set tags[\'owner\'] to "security" (now "platform") on deployment; the next `pulumi up` sees the difference as drift unless the program sets it',
        ],
      ],
    ]);
    expect(whatIf(resources(), modify("platform")).findings).to.deep.equal([]);
  });

  it("Append and DeployIfNotExists say what Azure would add or deploy", () => {
    const append = definition("app", {
      if: VAULT,
      then: {
        effect: "append",
        details: [{ field: "Microsoft.KeyVault/vaults/networkAcls.bypass", value: "None" }],
      },
    });
    expect(whatIf(resources(), append).findings[0].changes).to.deep.equal([
      'Azure would set Microsoft.KeyVault/vaults/networkAcls.bypass to "None" (now "AzureServices") on deployment; the next `pulumi up` sees the difference as drift unless the program sets it',
    ]);
    const dine = definition("dine", {
      if: VAULT,
      then: {
        effect: "deployIfNotExists",
        details: {
          type: "Microsoft.Authorization/locks",
          roleDefinitionIds: [],
          deployment: {
            properties: {
              mode: "incremental",
              template: { resources: [{ type: "Microsoft.Authorization/locks" }] },
            },
          },
        },
      },
    });
    const r = whatIf(resources(), dine);
    expect(r.findings.map((f) => f.changes)).to.deep.equal([
      ["Azure would deploy Microsoft.Authorization/locks on creation (policy remediation)"],
    ]);
    expect(r.findings[0].condition).to.match(
      /no Microsoft\.Authorization\/locks in this plan satisfies the existence condition$/,
    );
  });

  it("AuditIfNotExists reads field() of the evaluated resource inside the existence condition", () => {
    const aine = (name: string) =>
      definition("aine", {
        if: VAULT,
        then: {
          effect: "auditIfNotExists",
          details: {
            type: "Microsoft.Insights/diagnosticSettings",
            existenceCondition: { value: "[field('name')]", equals: name },
          },
        },
      });
    expect(whatIf(resources(), aine("kv-test")).findings).to.deep.equal([]);
    expect(whatIf(resources(), aine("other")).findings.map((f) => f.resource)).to.deep.equal([
      "Microsoft.KeyVault/vaults kv-test",
    ]);
  });

  it("judges Deny on the request but audit on the deployed vault (private endpoint connections)", () => {
    const pe = (effect: string) =>
      definition(`pe-${effect}`, {
        if: {
          allOf: [
            VAULT,
            {
              count: { field: "Microsoft.KeyVault/vaults/privateEndpointConnections[*]" },
              less: 1,
            },
          ],
        },
        then: { effect },
      });
    expect(whatIf(resources(), pe("audit")).findings).to.deep.equal([]);
    expect(whatIf(resources(), pe("deny")).findings.map((f) => f.enforcement)).to.deep.equal([
      "mandatory",
    ]);
  });
});

describe("Azure Policy what-if: initiatives and assignments", () => {
  const initiative = {
    id: "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policySetDefinitions/kv",
    name: "kv",
    properties: {
      displayName: "KV",
      parameters: {
        effect: { type: "String", defaultValue: "Audit" },
        size: { type: "Integer", defaultValue: 2048 },
      },
      policyDefinitions: [
        {
          policyDefinitionReferenceId: "rsa",
          policyDefinitionId: BUILT_IN("82067dbb-e53b-4e06-b631-546d197452d9"),
          parameters: {
            effect: { value: "[parameters('effect')]" },
            minimumRSAKeySize: { value: "[parameters('size')]" },
          },
        },
      ],
    },
  };

  it("passes an assignment's parameters through the initiative to its members", () => {
    const a = assignment(initiative.id, { effect: "Deny", size: 4096 });
    const r = whatIf(resources(), initiative, a);
    expect(r.evaluated.map((e) => [e.referenceId, e.effect, e.parameters])).to.deep.equal([
      ["rsa", "Deny", { minimumRSAKeySize: 4096, effect: "Deny" }],
    ]);
    expect(r.findings.map((f) => [f.referenceId, f.enforcement, f.resource])).to.deep.equal([
      ["rsa", "mandatory", "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk"],
    ]);
  });

  it("evaluates an initiative no assignment names with its defaults", () => {
    const r = whatIf(resources(), initiative);
    expect(
      r.evaluated.map((e) => [e.assignment, e.effect, e.parameters.minimumRSAKeySize]),
    ).to.deep.equal([["(not assigned)", "Audit", 2048]]);
    expect(r.findings).to.deep.equal([]);
  });

  it("an assignment in DoNotEnforce only advises", () => {
    const a = assignment(
      initiative.id,
      { effect: "Deny", size: 4096 },
      { enforcementMode: "DoNotEnforce" },
    );
    const r = whatIf(resources(), initiative, a);
    expect(r.findings.map((f) => [f.effect, f.enforcementMode, f.enforcement])).to.deep.equal([
      ["Deny", "DoNotEnforce", "advisory"],
    ]);
    expect(r.summary.mandatory).to.equal(0);
  });

  it("an effect override on the assignment wins for the selected member", () => {
    const a = assignment(
      initiative.id,
      { effect: "Deny", size: 4096 },
      {
        overrides: [
          {
            kind: "policyEffect",
            value: "Audit",
            selectors: [{ kind: "policyDefinitionReferenceId", in: ["rsa"] }],
          },
        ],
      },
    );
    expect(whatIf(resources(), initiative, a).findings.map((f) => f.enforcement)).to.deep.equal([
      "advisory",
    ]);
  });

  it("honours and reports a notScope naming the estate's resource group", () => {
    const a = assignment(
      initiative.id,
      { effect: "Deny", size: 4096 },
      {
        notScopes: [
          "/subscriptions/9b2e6a4c-0000-4000-8000-000000000001/resourceGroups/RG-KV-TEST",
        ],
      },
    );
    const r = whatIf(resources(), initiative, a);
    expect(r.findings).to.deep.equal([]);
    expect(r.scopes.map((s) => [s.outcome, s.reason])).to.deep.equal([
      ["excluded", "notScopes: the whole estate is exempt from this assignment"],
    ]);
  });

  it("reports a notScope naming a subscription as undecidable and still evaluates", () => {
    const a = assignment(
      initiative.id,
      { effect: "Deny", size: 4096 },
      { notScopes: ["/subscriptions/9b2e6a4c-0000-4000-8000-000000000001"] },
    );
    const r = whatIf(resources(), initiative, a);
    expect(r.findings).to.have.length(1);
    expect(r.scopes.map((s) => s.outcome)).to.deep.equal(["cannot tell"]);
  });

  it("skips an assignment scoped to another resource group, and says so", () => {
    const a = assignment(
      initiative.id,
      { effect: "Deny", size: 4096 },
      { scope: `${RG.replace("rg-kv-test", "rg-other")}` },
    );
    const r = whatIf(resources(), initiative, a);
    expect(r.findings).to.deep.equal([]);
    expect(r.scopes.map((s) => s.outcome)).to.deep.equal(["not applicable"]);
  });

  it("reports a definition whose required parameter has no default, rather than passing it", () => {
    const file = path.join(ROOT, "policies/reference/azure-policy/Keys_ValidityPeriod.json");
    const r = whatIf(resources(), JSON.parse(fs.readFileSync(file, "utf8")));
    expect(r.unsupported.map((u) => u.reason)).to.deep.equal([
      "parameter maximumValidityInDays has no default and no assignment sets it",
    ]);
  });

  it("keeps finding keys stable: definitionId, assignment and urn", () => {
    const a = assignment(initiative.id, { effect: "Deny", size: 4096 });
    const [f] = whatIf(resources(), initiative, a).findings;
    expect([f.definitionId, f.assignment, f.urn]).to.deep.equal([
      BUILT_IN("82067dbb-e53b-4e06-b631-546d197452d9"),
      "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyAssignments/a1",
      "urn:pulumi:test::keyvault-estate::azure-native:keyvault:Key::key",
    ]);
    expect(VAULT_ID).to.contain("kv-test");
  });
});
