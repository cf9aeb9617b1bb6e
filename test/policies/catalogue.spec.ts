import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildCatalogue, renderMarkdown } from "../../policies/catalogue";
import {
  effectiveLevel,
  parsePolicyConfig,
  schemaErrors,
} from "../../policies/lib/configValidation";
import { ENVIRONMENTS, loadPolicyConfig } from "../../policies/lib/environments";
import { policies } from "../../policies/pack";
import { TOKENS } from "../../policies/lib/tokens";
import { main, README, withPolicyTable } from "../../tools/docs/policiesCatalogue";

const REFERENCE_POLICIES = path.resolve(
  __dirname,
  "..",
  "..",
  "policies",
  "reference",
  "azure-policy",
);
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const PREFIXES = [
  "keyvault-vault-",
  "keyvault-key-",
  "keyvault-secret-",
  "keyvault-managed-hsm-",
  "storage-account-",
  "operationalinsights-workspace-",
  "authorization-role-assignment-",
  "monitor-diagnostics-",
];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Storage built-ins are outside the vendored Key Vault snapshot (policies/reference/azure-policy). */
const STORAGE_BUILT_INS = new Set([
  "404c3081-a854-4457-ae30-26a93ef643f9",
  "fe83a0eb-a853-422d-aac2-1bffd182c5d0",
  "4fa4b6c0-31ca-4c0d-b10d-24b96f62a751",
  "8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54",
  "4733ea7b-a883-42fe-8cac-97454c2a9e4a",
]);
const RANK = { disabled: -1, advisory: 0, remediate: 1, mandatory: 1 } as const;

describe("policy catalogue", () => {
  it("gives every policy a unique kebab-case name prefixed by the resource it governs", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const name of names) {
      expect(name).to.match(KEBAB);
      expect(
        PREFIXES.some((prefix) => name.startsWith(prefix)),
        name,
      ).to.equal(true);
    }
  });

  it("gives every policy a description, severity, remediation steps and a default level", () => {
    for (const p of policies) {
      expect(p.description.length, p.name).to.be.greaterThan(10);
      expect(p.remediationSteps.length, p.name).to.be.greaterThan(10);
      expect(["low", "medium", "high", "critical"], p.name).to.include(p.severity);
      expect(["advisory", "mandatory"], p.name).to.include(p.enforcementLevel);
    }
  });

  it("declares external controls for every policy except those marked as our own", () => {
    for (const { name, controls } of policies) {
      const ids = [
        ...controls.azurePolicy,
        ...controls.checkov,
        ...controls.trivy,
        ...controls.cis,
      ];
      expect(ids.length === 0, `${name}: own policies have no ids, others have some`).to.equal(
        controls.ownPolicy,
      );
      controls.checkov.forEach((id) => expect(id).to.match(/^CKV2?_AZURE_\d+$/));
      controls.trivy.forEach((id) => expect(id).to.match(/^AZU-\d{4}$/));
      controls.cis.forEach((id) => expect(id).to.match(/^\d+(\.\d+)+$/));
      controls.azurePolicy.forEach((id) => expect(id).to.match(GUID));
    }
  });

  it("uses only Azure Policy GUIDs found in the vendored reference definitions (or the listed storage built-ins)", () => {
    const known = new Set(
      fs
        .readdirSync(REFERENCE_POLICIES)
        .filter((f) => f.endsWith(".json"))
        .map(
          (f) =>
            (
              JSON.parse(fs.readFileSync(path.join(REFERENCE_POLICIES, f), "utf8")) as {
                name: string;
              }
            ).name,
        ),
    );
    for (const policy of policies) {
      for (const guid of policy.controls.azurePolicy) {
        const expected = policy.name.startsWith("storage-") ? STORAGE_BUILT_INS : known;
        expect(expected.has(guid), `${policy.name}: ${guid}`).to.equal(true);
      }
    }
  });

  it("gives every config setting a default that its own schema accepts", () => {
    for (const p of policies) {
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        if (typeof schema === "boolean") continue;
        expect(schema.default, `${p.name}.${key}`).to.not.equal(undefined);
        expect(schemaErrors(schema, schema.default, `${p.name}.${key}`)).to.deep.equal([]);
        expect(key).to.not.equal("enforcementLevel");
      }
    }
  });

  for (const env of ENVIRONMENTS) {
    it(`the ${env} policy config names only existing policies with valid settings, and every policy`, () => {
      const config = parsePolicyConfig(loadPolicyConfig(env), policies);
      expect([...config.keys()].sort()).to.deep.equal(policies.map((p) => p.name).sort());
    });
  }

  it("keeps dev advisory (never disabled), staging between dev and prod, prod mandatory for high and critical", () => {
    const [dev, staging, prod] = ENVIRONMENTS.map((env) =>
      parsePolicyConfig(loadPolicyConfig(env), policies),
    );
    for (const p of policies) {
      const levels = [dev, staging, prod].map((c) => effectiveLevel(p, c));
      expect(levels[0], p.name).to.equal("advisory");
      expect(RANK[levels[1]], p.name).to.be.within(RANK[levels[0]], RANK[levels[2]]);
      if (p.severity === "high" || p.severity === "critical")
        expect(levels[2], p.name).to.equal("mandatory");
    }
  });

  it("lists every policy once with its levels and controls for the JSON catalogue", () => {
    const entries = buildCatalogue();
    expect(entries.map((e) => e.name)).to.deep.equal(policies.map((p) => p.name));
    const purge = entries.find((e) => e.name === "keyvault-vault-purge-protection");
    expect(purge).to.deep.equal({
      name: "keyvault-vault-purge-protection",
      description: "Key vaults have purge protection enabled (absent means off).",
      severity: "high",
      levels: { dev: "advisory", staging: "mandatory", prod: "mandatory" },
      controls: {
        azurePolicy: ["0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"],
        checkov: ["CKV_AZURE_110", "CKV_AZURE_42"],
        trivy: ["AZU-0016"],
        cis: ["8.5"],
      },
    });
  });

  it("renders one Markdown table row per policy, marking our own rules", () => {
    const markdown = renderMarkdown(buildCatalogue());
    const rows = markdown.trim().split("\n");
    expect(rows).to.have.length(policies.length + 2);
    expect(markdown).to.contain("| `keyvault-vault-serialized-writes` |");
    expect(rows.find((r) => r.includes("serialized-writes"))).to.match(/own rule \|$/);
  });

  describe("CLI", () => {
    let dir: string;
    let stderr: string;
    const write = process.stderr.write.bind(process.stderr);
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "policies-"));
      stderr = "";
      process.stderr.write = (chunk: string | Uint8Array) => {
        stderr += chunk.toString();
        return true;
      };
    });
    afterEach(() => {
      process.stderr.write = write;
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("writes the JSON catalogue and the Markdown table to files", () => {
      const json = path.join(dir, "policies.json");
      const md = path.join(dir, "policies.md");
      expect(main(["--json", json, "--markdown", md])).to.equal(0);
      expect(JSON.parse(fs.readFileSync(json, "utf8"))).to.deep.equal(
        JSON.parse(JSON.stringify(buildCatalogue())),
      );
      expect(fs.readFileSync(md, "utf8")).to.equal(renderMarkdown(buildCatalogue()));
    });

    for (const argv of [[], ["--json"], ["--bogus"], ["--json", "--markdown"]]) {
      it(`exits 2 with a usage message on ${JSON.stringify(argv)}`, () => {
        expect(main(argv)).to.equal(2);
        expect(stderr).to.contain("usage: npm run policies");
      });
    }
  });

  it("uses the type tokens of the real azure-native classes", async () => {
    const [keyvault, authorization, monitor, network, storage, operationalinsights] =
      await Promise.all([
        import("@pulumi/azure-native/keyvault"),
        import("@pulumi/azure-native/authorization"),
        import("@pulumi/azure-native/monitor"),
        import("@pulumi/azure-native/network"),
        import("@pulumi/azure-native/storage"),
        import("@pulumi/azure-native/operationalinsights"),
      ]);
    const classes: [string, { isInstance(obj: unknown): boolean }][] = [
      [TOKENS.vault, keyvault.Vault],
      [TOKENS.key, keyvault.Key],
      [TOKENS.secret, keyvault.Secret],
      [TOKENS.managedHsm, keyvault.ManagedHsm],
      [TOKENS.roleAssignment, authorization.RoleAssignment],
      [TOKENS.lock, authorization.ManagementLockByScope],
      [TOKENS.diagnosticSetting, monitor.DiagnosticSetting],
      [TOKENS.privateEndpoint, network.PrivateEndpoint],
      [TOKENS.storageAccount, storage.StorageAccount],
      [TOKENS.workspace, operationalinsights.Workspace],
    ];
    for (const [token, resourceClass] of classes) {
      expect(resourceClass.isInstance({ __pulumiType: token }), token).to.equal(true);
    }
    expect(keyvault.Vault.isInstance({ __pulumiType: TOKENS.key })).to.equal(false);
  });
});

describe("README policy table", () => {
  it("is the table generated from the catalogue (regenerate with npm run policies -- --readme)", () => {
    const readme = fs.readFileSync(README, "utf8");
    expect(withPolicyTable(readme, renderMarkdown(buildCatalogue()))).to.equal(readme);
  });
});
