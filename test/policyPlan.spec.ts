import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { loadPolicyConfig } from "../policies/lib/environments";
import { cli, EXIT } from "../tools/plan/cli";
import { PlannedResource } from "../tools/contract/plan";
import { evaluatePolicies } from "../tools/plan/policyEval";
import {
  clone,
  committedConfig,
  committedPlan,
  committedRun,
  configProblems,
  StackConfigDoc,
  TEST_DAY,
  writeStackFile,
} from "./helpers";

/** Runs the CLI in-process on a stack file made from `config`; returns the exit code and output. */
async function planExit(config: StackConfigDoc, stack = "prod") {
  let out = "";
  let err = "";
  const code = await cli(
    ["--stack", stack, "--config", writeStackFile(config)],
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

type Vault = Record<string, unknown> & {
  network: Record<string, unknown>;
  keys: Record<string, unknown>[];
  secrets: Record<string, unknown>[];
  access: Record<string, unknown>[];
};

function vaults(c: StackConfigDoc): Vault[] {
  return c["keyvault-estate:vaults"] as Vault[];
}

describe("policy pack in the offline plan", () => {
  for (const stack of ["dev", "staging", "prod"]) {
    it(`plans the committed ${stack} stack with no mandatory violation (exit 0)`, async () => {
      const report = await committedPlan(stack as "dev" | "staging" | "prod");
      expect(
        report.policyViolations.filter((v) => v.enforcementLevel === "mandatory"),
      ).to.deep.equal([]);
    });

    it(`keeps ${stack}'s break-glass principals within its pack allow-list (the one list)`, () => {
      const env = committedConfig(stack)["keyvault-estate:environment"] as "dev";
      const policyConfig = loadPolicyConfig(env) as Record<
        string,
        { allowedPrincipalIds: string[] }
      >;
      const allowed =
        policyConfig["authorization-role-assignment-privileged-access"].allowedPrincipalIds;
      const breakGlass = (committedConfig(stack)["keyvault-estate:breakGlassPrincipals"] ??
        []) as string[];
      expect(allowed).to.include.members(breakGlass);
    });
  }

  it("lets dev relax what dev allows, exiting 0 with advisory findings and their control ids", async () => {
    const report = await committedPlan("dev");
    expect(report.summary.policyViolations.mandatory).to.equal(0);
    const byPolicy = new Map(report.policyViolations.map((v) => [v.policy, v]));
    // The committed dev stack turns purge protection off, opens public access to an office
    // range, and uses a software key; each is reported, advisory, with its controls.
    const expected: [string, string][] = [
      ["keyvault-vault-purge-protection", "AzurePolicy:0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"],
      [
        "keyvault-vault-public-network-disabled",
        "AzurePolicy:405c5871-3e91-4644-8a63-58e19d68ff5b",
      ],
      ["keyvault-key-hsm-backed", "AzurePolicy:587c79fe-dd04-4a5e-9d0b-f89598c7261b"],
    ];
    for (const [policy, control] of expected) {
      const v = byPolicy.get(policy);
      expect(v, policy).to.not.equal(undefined);
      expect(v!.enforcementLevel).to.equal("advisory");
      expect(v!.controls).to.include(control);
      expect(v!.urn).to.match(/^urn:pulumi:dev::keyvault-estate::/);
    }
  });

  it("exits 1 on a mandatory violation and names the policy and its controls", async () => {
    const c = clone(committedConfig("prod"));
    vaults(c)[0].enabledForDeployment = true;
    const { code, out } = await planExit(c);
    expect(code).to.equal(EXIT.mandatoryViolation);
    expect(out).to.match(/\[mandatory\] keyvault-vault-enabled-for-flags: /);
  });

  describe("a prod stack that weakens a guarded property never plans with exit 0", () => {
    // Two independent layers, each checked on its own: the model refuses the config (exit 2),
    // and, should a weak resource reach a plan anyway (another program, a hand edit), the pack's
    // prod config flags it as mandatory (exit 1). The policy layer is fed the weak resource
    // directly, so config validation cannot hide a policy that does not fire.
    const PAYMENTS = "azure-native:keyvault:Vault::payments";
    type Weakening = {
      what: string;
      config: (c: StackConfigDoc) => void;
      /** The config path the model names; none where only the pack guards it. */
      path?: string;
      /** How the weak resource would look, and the policy that must stop it; none for config-only rules. */
      resource?: (rs: PlannedResource[]) => PlannedResource[];
      policy?: string;
    };
    const props = (r: PlannedResource) => r.inputs.properties as Record<string, unknown>;
    const acls = (r: PlannedResource) => props(r).networkAcls as Record<string, unknown>;
    const edit =
      (suffix: string, change: (r: PlannedResource) => void) => (rs: PlannedResource[]) => {
        const hit = rs.filter((r) => r.urn.endsWith(suffix));
        expect(hit, suffix).to.have.length(1);
        change(hit[0]);
        return rs;
      };
    const drop = (type: string) => (rs: PlannedResource[]) =>
      rs.filter((r) => !(r.type === type && r.name.startsWith("payments/")));
    const attrs = (r: PlannedResource) => props(r).attributes as Record<string, number>;
    const grant = (roleId: string) => (rs: PlannedResource[]) => {
      const template = rs.find(
        (r) =>
          r.type === "azure-native:authorization:RoleAssignment" &&
          r.name.startsWith("payments/access/vault/"),
      )!;
      const principalId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
      return [
        ...rs,
        {
          ...template,
          urn: `${template.urn}-weak`,
          name: `${template.name}-weak`,
          inputs: {
            ...template.inputs,
            principalId,
            roleDefinitionId: String(template.inputs.roleDefinitionId).replace(/[^/]+$/, roleId),
          },
        },
      ];
    };
    const DAY = 86_400;
    const weakenings: Weakening[] = [
      {
        what: "purge protection off",
        config: (c) => (vaults(c)[0].purgeProtection = false),
        path: "vaults[0].purgeProtection",
        resource: edit(PAYMENTS, (r) => delete props(r).enablePurgeProtection),
        policy: "keyvault-vault-purge-protection",
      },
      {
        what: "a 30-day soft delete",
        config: (c) => (vaults(c)[0].softDeleteRetentionInDays = 30),
        path: "vaults[0].softDeleteRetentionInDays",
        resource: edit(PAYMENTS, (r) => (props(r).softDeleteRetentionInDays = 30)),
        policy: "keyvault-vault-soft-delete",
      },
      {
        what: "no lock",
        config: (c) => (vaults(c)[0].lock = "none"),
        path: "vaults[0].lock",
        resource: drop("azure-native:authorization:ManagementLockByScope"),
        policy: "keyvault-vault-management-lock",
      },
      {
        what: "public network access",
        config: (c) => (vaults(c)[0].network.publicNetworkAccess = "Enabled"),
        path: "vaults[0].network.publicNetworkAccess",
        resource: edit(PAYMENTS, (r) => (props(r).publicNetworkAccess = "Enabled")),
        policy: "keyvault-vault-public-network-disabled",
      },
      {
        what: "network default Allow",
        config: (c) => (vaults(c)[0].network.defaultAction = "Allow"),
        path: "vaults[0].network.defaultAction",
        resource: edit(PAYMENTS, (r) => (acls(r).defaultAction = "Allow")),
        policy: "keyvault-vault-firewall",
      },
      {
        what: "no private endpoint",
        config: (c) => delete vaults(c)[0].network.privateEndpoint,
        path: "vaults[0].network.privateEndpoint",
        resource: (rs) =>
          drop("azure-native:network:PrivateDnsZoneGroup")(
            drop("azure-native:network:PrivateEndpoint")(rs),
          ),
        policy: "keyvault-vault-private-endpoint",
      },
      {
        what: "an enabledFor* flag",
        config: (c) => (vaults(c)[0].enabledForTemplateDeployment = true),
        resource: edit(PAYMENTS, (r) => (props(r).enabledForTemplateDeployment = true)),
        policy: "keyvault-vault-enabled-for-flags",
      },
      {
        what: "a software key",
        config: (c) => (vaults(c)[0].keys[0].protection = "software"),
        path: "vaults[0].keys[0].protection",
        resource: edit("Key::payments/keys/cmk-payments-db", (r) => (props(r).kty = "RSA")),
        policy: "keyvault-key-hsm-backed",
      },
      {
        what: "a 2048-bit RSA key",
        config: (c) => (vaults(c)[0].keys[0].size = 2048),
        path: "vaults[0].keys[0].size",
        resource: edit("Key::payments/keys/cmk-payments-db", (r) => (props(r).keySize = 2048)),
        policy: "keyvault-key-rsa-minimum-size",
      },
      {
        what: "a key valid for 1000 days",
        config: (c) => (vaults(c)[0].keys[0].expiresInDays = 1000),
        path: "vaults[0].keys[0].expiresInDays",
        resource: edit(
          "Key::payments/keys/cmk-payments-db",
          (r) => (attrs(r).expires = TEST_DAY.getTime() / 1000 + 1000 * DAY),
        ),
        policy: "keyvault-key-max-validity",
      },
      {
        what: "a P-256K curve",
        config: (c) => (vaults(c)[0].keys[1].curve = "P-256K"),
        resource: edit(
          "Key::payments/keys/receipt-signing",
          (r) => (props(r).curveName = "P-256K"),
        ),
        policy: "keyvault-key-ec-allowed-curves",
      },
      {
        what: "a secret valid for 400 days",
        config: (c) => (vaults(c)[0].secrets[0].expiresInDays = 400),
        path: "vaults[0].secrets[0].expiresInDays",
        resource: edit(
          "Secret::payments/secrets/db-password",
          (r) => (attrs(r).expires = TEST_DAY.getTime() / 1000 + 400 * DAY),
        ),
        policy: "keyvault-secret-max-validity",
      },
      {
        what: "an empty content type",
        config: (c) => (vaults(c)[0].secrets[0].contentType = ""),
        path: "vaults[0].secrets[0].contentType",
        resource: edit("Secret::payments/secrets/db-password", (r) => (props(r).contentType = "")),
        policy: "keyvault-secret-content-type",
      },
      {
        // A policy cannot see where a value came from: only the model guards this.
        what: "a generated secret",
        config: (c) => (vaults(c)[0].secrets[0].source = { generate: { length: 32 } }),
        path: "vaults[0].secrets[0].source.generate",
      },
      {
        what: "Owner on a vault for a non-break-glass principal",
        config: (c) =>
          vaults(c)[0].access.push({
            principalId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            principalType: "User",
            role: "Owner",
            scope: "vault",
          }),
        path: "vaults[0].access[4].role",
        resource: grant("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
        policy: "authorization-role-assignment-privileged-access",
      },
      {
        what: "Key Vault Administrator for a non-break-glass principal",
        config: (c) =>
          vaults(c)[1].access.push({
            principalId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            principalType: "Group",
            role: "Key Vault Administrator",
            scope: "vault",
          }),
        path: "vaults[1].access[2].role",
        resource: grant("00482a5a-887f-4fb3-b363-3b7fe8e74483"),
        policy: "authorization-role-assignment-privileged-access",
      },
      {
        what: "a Log Analytics retention of 90 days",
        config: (c) =>
          (c["keyvault-estate:diagnostics"] = { logAnalytics: { retentionInDays: 90 } }),
        path: "diagnostics.logAnalytics.retentionInDays",
        resource: edit(
          "Workspace::estate/sinks/workspace",
          (r) => ((r.inputs as Record<string, unknown>).retentionInDays = 90),
        ),
        policy: "operationalinsights-workspace-retention",
      },
    ];
    let resources: readonly PlannedResource[];
    before(async () => {
      resources = (await committedRun("prod")).resources;
    });
    for (const w of weakenings) {
      it(
        w.path
          ? `stops ${w.what}: the model names ${w.path}`
          : `lets the model accept ${w.what}, leaving it to the pack`,
        () => {
          const c = clone(committedConfig("prod"));
          w.config(c);
          const found = configProblems(c);
          if (w.path === undefined) expect(found).to.deep.equal([]);
          else
            expect(
              found.some((p) => p.startsWith(`${w.path}: `)),
              found.join("\n"),
            ).to.equal(true);
        },
      );
      if (w.resource && w.policy) {
        const { resource, policy } = w;
        it(`stops ${w.what}: ${policy} is mandatory in prod`, () => {
          const weak = resource(clone(resources) as PlannedResource[]);
          const violations = evaluatePolicies(weak, loadPolicyConfig("prod"), { now: TEST_DAY });
          expect(
            violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy),
          ).to.include(policy);
          // The same resources unweakened pass that policy.
          const clean = evaluatePolicies(
            clone(resources) as PlannedResource[],
            loadPolicyConfig("prod"),
            { now: TEST_DAY },
          );
          expect(clean.map((v) => v.policy)).not.to.include(policy);
        });
      }
    }
  });

  it("writes each violation into the JSON report with policy, level, urn, message and controls", async () => {
    const c = clone(committedConfig("prod"));
    vaults(c)[0].enabledForDeployment = true;
    const file = path.join(path.dirname(writeStackFile(c)), "out.json");
    const code = await cli(
      ["--stack", "prod", "--config", writeStackFile(c), "--json", file],
      () => undefined,
      () => undefined,
    );
    expect(code).to.equal(EXIT.mandatoryViolation);
    const report = JSON.parse(fs.readFileSync(file, "utf8"));
    const v = report.policyViolations.find(
      (x: { policy: string }) => x.policy === "keyvault-vault-enabled-for-flags",
    );
    expect(Object.keys(v).sort()).to.deep.equal(
      ["controls", "enforcementLevel", "message", "policy", "urn"].sort(),
    );
    expect(v.enforcementLevel).to.equal("mandatory");
    expect(v.urn).to.match(/azure-native:keyvault:Vault::payments$/);
  });
});
