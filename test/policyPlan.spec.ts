import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { loadPolicyConfig } from "../policies/lib/environments";
import { cli, EXIT, planStack } from "../tools/plan";
import { clone, committedConfig, StackConfigDoc, writeStackFile } from "./helpers";

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
      const report = await planStack({ stack, env: {} });
      expect(
        report.policyViolations.filter((v) => v.enforcementLevel === "mandatory"),
      ).to.deep.equal([]);
    });

    it(`keeps ${stack}'s Key Vault Administrator allow-list equal to its break-glass principals`, () => {
      const env = committedConfig(stack)["keyvault-estate:environment"] as "dev";
      const policyConfig = loadPolicyConfig(env) as Record<
        string,
        { allowedPrincipalIds: string[] }
      >;
      const allowed =
        policyConfig["authorization-role-assignment-key-vault-administrator-allow-list"]
          .allowedPrincipalIds;
      const breakGlass = (committedConfig(stack)["keyvault-estate:breakGlassPrincipals"] ??
        []) as string[];
      expect([...allowed].sort()).to.deep.equal([...breakGlass].sort());
    });
  }

  it("lets dev relax what dev allows, exiting 0 with advisory findings and their control ids", async () => {
    const report = await planStack({ stack: "dev", env: {} });
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
    const { code } = await planExit(committedConfig("dev"), "dev");
    expect(code).to.equal(EXIT.ok);
  });

  it("exits 1 on a mandatory violation and names the policy and its controls", async () => {
    const c = clone(committedConfig("prod"));
    vaults(c)[0].enabledForDeployment = true;
    const { code, out } = await planExit(c);
    expect(code).to.equal(EXIT.mandatoryViolation);
    expect(out).to.match(/\[mandatory\] keyvault-vault-enabled-for-flags: /);
  });

  describe("a prod stack that weakens a guarded property never plans with exit 0", () => {
    const weakenings: [string, (c: StackConfigDoc) => void][] = [
      ["purge protection off", (c) => (vaults(c)[0].purgeProtection = false)],
      ["a 30-day soft delete", (c) => (vaults(c)[0].softDeleteRetentionInDays = 30)],
      ["no lock", (c) => (vaults(c)[0].lock = "none")],
      ["public network access", (c) => (vaults(c)[0].network.publicNetworkAccess = "Enabled")],
      ["network default Allow", (c) => (vaults(c)[0].network.defaultAction = "Allow")],
      ["an IP rule", (c) => (vaults(c)[0].network.ipRules = ["203.0.113.0/24"])],
      ["no private endpoint", (c) => delete vaults(c)[0].network.privateEndpoint],
      ["an enabledFor* flag", (c) => (vaults(c)[1].enabledForTemplateDeployment = true)],
      ["a software key", (c) => (vaults(c)[0].keys[0].protection = "software")],
      ["a 2048-bit RSA key", (c) => (vaults(c)[0].keys[0].size = 2048)],
      ["a key valid for 1000 days", (c) => (vaults(c)[0].keys[0].expiresInDays = 1000)],
      ["a P-256K curve", (c) => (vaults(c)[0].keys[1].curve = "P-256K")],
      ["a secret valid for 400 days", (c) => (vaults(c)[0].secrets[0].expiresInDays = 400)],
      ["an empty content type", (c) => (vaults(c)[0].secrets[0].contentType = "")],
      [
        "a generated secret",
        (c) => (vaults(c)[0].secrets[0].source = { generate: { length: 32 } }),
      ],
      [
        "Owner on a vault for a non-break-glass principal",
        (c) =>
          vaults(c)[0].access.push({
            principalId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            principalType: "User",
            role: "Owner",
            scope: "vault",
          }),
      ],
      [
        "Key Vault Administrator for a non-break-glass principal",
        (c) =>
          vaults(c)[1].access.push({
            principalId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            principalType: "Group",
            role: "Key Vault Administrator",
            scope: "vault",
          }),
      ],
      [
        "a Log Analytics retention of 90 days",
        (c) => (c["keyvault-estate:diagnostics"] = { logAnalytics: { retentionInDays: 90 } }),
      ],
    ];
    for (const [what, weaken] of weakenings) {
      it(`stops ${what}`, async () => {
        const c = clone(committedConfig("prod"));
        weaken(c);
        const { code, out, err } = await planExit(c);
        expect([EXIT.invalid, EXIT.mandatoryViolation], `${out}${err}`).to.include(code);
      });
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
