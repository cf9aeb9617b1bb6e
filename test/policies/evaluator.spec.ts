import { expect } from "chai";
import { ENVIRONMENTS, loadPolicyConfig } from "../../policies/lib/environments";
import { controls, type EstatePolicy } from "../../policies/lib/policy";
import { TOKENS } from "../../policies/lib/tokens";
import { stackResources, evaluatePolicies } from "../../tools/plan/policyEval";
import { estate, resourcesOf, vaultArgs } from "./fixtures";
import { NOW, planned } from "./helpers";

const PURGE = "keyvault-vault-purge-protection";

function unprotectedVault() {
  const args = vaultArgs();
  args.properties.enablePurgeProtection = false;
  return planned(TOKENS.vault, "payments", { ...args });
}

function purgeFindings(config: Record<string, unknown>) {
  return evaluatePolicies([unprotectedVault()], config, { now: NOW }).filter(
    (v) => v.policy === PURGE,
  );
}

function stubPolicy(overrides: Partial<EstatePolicy> & Pick<EstatePolicy, "name">): EstatePolicy {
  return {
    description: "a test policy",
    severity: "low",
    remediationSteps: "none needed",
    enforcementLevel: "advisory",
    controls: controls({ checkov: ["CKV_AZURE_1"] }),
    validateStack: () => undefined,
    ...overrides,
  } as EstatePolicy;
}

describe("offline policy evaluator", () => {
  it("reports a violation with the policy's default level and flattened control ids", () => {
    expect(purgeFindings({})).to.deep.equal([
      {
        policy: PURGE,
        enforcementLevel: "mandatory",
        urn: "urn:pulumi:test::keyvault-estate::azure-native:keyvault:Vault::payments",
        message: "Purge protection is off (properties.enablePurgeProtection is false).",
        controls: [
          "AzurePolicy:0b60c0b2-2dc2-4e1c-b5c9-abbed971de53",
          "CKV_AZURE_110",
          "CKV_AZURE_42",
          "AZU-0016",
          "CIS 8.5",
        ],
      },
    ]);
  });

  it("applies the enforcement level from the policy config, in object and string form", () => {
    expect(
      purgeFindings({ [PURGE]: { enforcementLevel: "advisory" } })[0].enforcementLevel,
    ).to.equal("advisory");
    expect(purgeFindings({ [PURGE]: "advisory" })[0].enforcementLevel).to.equal("advisory");
  });

  it("skips a disabled policy and reports a remediate policy as mandatory, as the analyzer does", () => {
    expect(purgeFindings({ [PURGE]: "disabled" })).to.deep.equal([]);
    expect(purgeFindings({ [PURGE]: "remediate" })[0].enforcementLevel).to.equal("mandatory");
  });

  it("passes the policy's thresholds from the config", () => {
    const vault = planned(TOKENS.vault, "v", {
      ...vaultArgs(),
      properties: { ...vaultArgs().properties, softDeleteRetentionInDays: 30 },
    });
    const run = (config: Record<string, unknown>) =>
      evaluatePolicies([vault], config).filter((v) => v.policy === "keyvault-vault-soft-delete");
    expect(run({})).to.deep.equal([]);
    expect(run({ "keyvault-vault-soft-delete": { minimumRetentionDays: 60 } })).to.have.length(1);
  });

  it("rejects a config naming an unknown policy, naming it", () => {
    expect(() => evaluatePolicies([], { "keyvault-vault-nonexistent": "mandatory" })).to.throw(
      /unknown policy 'keyvault-vault-nonexistent'/,
    );
  });

  it("rejects bad thresholds, unknown settings and bad levels, naming each", () => {
    const config = {
      "keyvault-vault-soft-delete": { minimumRetentionDays: 3 },
      "keyvault-key-rsa-minimum-size": { minimumRsaKeySize: 1024, maxSize: 1 },
      [PURGE]: { enforcementLevel: "blocking" },
    };
    expect(() => evaluatePolicies([], config))
      .to.throw(Error)
      .with.property("message")
      .that.contains("keyvault-vault-soft-delete.minimumRetentionDays must be >= 7")
      .and.contains(
        "keyvault-key-rsa-minimum-size.minimumRsaKeySize must be one of 2048, 3072, 4096",
      )
      .and.contains("keyvault-key-rsa-minimum-size.maxSize is not a setting of this policy")
      .and.contains(`${PURGE}.enforcementLevel must be one of`);
  });

  it("sorts findings by policy, URN and message and repeats them identically", () => {
    const e = estate();
    const args = vaultArgs();
    args.properties.enablePurgeProtection = false;
    args.properties.publicNetworkAccess = "Enabled";
    e.vault = planned(TOKENS.vault, "payments", { ...args });
    const first = evaluatePolicies(resourcesOf(e).reverse(), {}, { now: NOW });
    const keys = first.map((v) => `${v.policy}\u0000${v.urn ?? ""}\u0000${v.message}`);
    expect(keys).to.deep.equal([...keys].sort());
    expect(first.map((v) => v.policy)).to.include.members([
      PURGE,
      "keyvault-vault-public-network-disabled",
    ]);
    expect(evaluatePolicies(resourcesOf(e), {}, { now: NOW })).to.deep.equal(first);
  });

  it("each committed environment config passes the compliant estate with no finding", () => {
    for (const env of ENVIRONMENTS) {
      expect(
        evaluatePolicies(resourcesOf(estate()), loadPolicyConfig(env), { now: NOW }),
        env,
      ).to.deep.equal([]);
    }
  });

  it("builds stack resources with parent, dependency and property-dependency objects, without providers", async () => {
    const keyvault = await import("@pulumi/azure-native/keyvault");
    const provider = planned("pulumi:providers:azure-native", "default", {});
    const e = estate();
    const built = stackResources([provider, ...resourcesOf(e)]);
    expect(built.map((r) => r.urn)).to.not.include(provider.urn);
    const secret = built.find((r) => r.urn === e.secret.urn);
    const key = built.find((r) => r.urn === e.key.urn);
    const vault = built.find((r) => r.urn === e.vault.urn);
    expect(secret?.dependencies).to.include(key).and.include(vault);
    expect(secret?.propertyDependencies.vaultName).to.deep.equal([vault]);
    expect(secret?.isType(keyvault.Secret)).to.equal(true);
    expect(secret?.isType(keyvault.Key)).to.equal(false);
    expect(secret?.asType(keyvault.Secret)).to.deep.equal(e.secret.inputs);
  });

  it("turns an unknown value into an advisory 'can't run' finding and honours notApplicable", () => {
    const unknown = Object.assign(
      new Error("string value at .scope can't be known during preview"),
      {
        unknownTypeSentinel: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      },
    );
    const pack = [
      stubPolicy({
        name: "test-unknown",
        enforcementLevel: "mandatory",
        validateStack: () => {
          throw unknown;
        },
      }),
      stubPolicy({
        name: "test-not-applicable",
        validateStack: (args) => args.notApplicable("nothing to check"),
      }),
    ];
    expect(evaluatePolicies([], {}, { policies: pack })).to.deep.equal([
      {
        policy: "test-unknown",
        enforcementLevel: "advisory",
        message:
          "can't run policy 'test-unknown' during preview: string value at .scope can't be known during preview",
        controls: ["CKV_AZURE_1"],
      },
    ]);
  });

  it("fails loudly, naming the policy, when a policy throws", () => {
    const pack = [
      stubPolicy({
        name: "test-broken",
        validateStack: () => {
          throw new Error("boom");
        },
      }),
    ];
    expect(() => evaluatePolicies([], {}, { policies: pack })).to.throw(
      /policy 'test-broken': boom/,
    );
  });
});
