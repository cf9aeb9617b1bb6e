import { expect } from "chai";
import { catalogueRole } from "../infra/azure/roles";
import prodPolicyConfig from "../policies/config/prod.json";
import { BASELINES } from "../stacks";
import { evaluatePolicies } from "../tools/plan/policyEval";
import { configProblems, resolveConfig, type StackConfigDoc } from "./helpers";
import { roleAssignmentArgs, SUB, vaultArgs, VAULT_ID } from "./policies/fixtures";
import { NOW, planned } from "./policies/helpers";

/**
 * Every per-environment threshold once (issue 19): `policies/config/<env>.json` is the one home of a
 * limit the pack checks, and the baseline (`stacks/`), the model (config validation) and the pack
 * all follow it. Each case patches the loaded config in memory (the very object every layer
 * imports, as the engine reads the file), then shows all three change their verdict, and restores
 * it. The stack is a fixture here, never a committed sample stack.
 */

const SOFT_DELETE = "keyvault-vault-soft-delete";
const PRIVILEGED_ACCESS = "authorization-role-assignment-privileged-access";
const NEW_BREAK_GLASS = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
const PROD_SUB = "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f"; // a subscription prod's pack config lists

type Entry = Record<string, unknown>;
const config = prodPolicyConfig as unknown as Record<string, Entry>;

/** Sets `policy.key` of the loaded prod config for the duration of one test. */
function patchProd(policy: string, key: string, value: unknown): void {
  const entry = config[policy];
  const before = entry[key];
  entry[key] = value;
  restore.push(() => (entry[key] = before));
}
const restore: (() => void)[] = [];

/** A minimal valid prod estate: one premium vault behind a private endpoint, no grants. */
function prodStack(vault: Record<string, unknown> = {}): StackConfigDoc {
  const net = `/subscriptions/${PROD_SUB}/resourceGroups/rg-network/providers/Microsoft.Network`;
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": "prod",
    "keyvault-estate:resourceGroup": "rg-kv-thresholds",
    "keyvault-estate:diagnostics": {
      logAnalytics: { retentionInDays: 365 },
      storage: { retentionInDays: 365 },
    },
    "keyvault-estate:insights": {
      receivers: { email: [{ name: "oncall", address: "oncall@example.com" }] },
    },
    "keyvault-estate:vaults": [
      {
        name: "thresholds",
        tier: "premium",
        network: {
          publicNetworkAccess: "Disabled",
          defaultAction: "Deny",
          privateEndpoint: {
            subnetId: `${net}/virtualNetworks/vnet/subnets/snet-pe`,
            privateDnsZoneId: `/subscriptions/${PROD_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`,
          },
        },
        ...vault,
      },
    ],
  };
}

/** The mandatory findings of one policy over the resources, under the loaded prod config. */
function blocking(policy: string, resources: Parameters<typeof evaluatePolicies>[0]): string[] {
  return evaluatePolicies(resources, config, { now: NOW })
    .filter((v) => v.policy === policy && v.enforcementLevel === "mandatory")
    .map((v) => v.message);
}

describe("every per-environment threshold once (policies/config/<env>.json)", () => {
  afterEach(() =>
    restore
      .splice(0)
      .reverse()
      .forEach((undo) => undo()),
  );

  it("the fixture stack is valid as it is", () => {
    expect(configProblems(prodStack())).to.deep.equal([]);
  });

  describe("the prod soft-delete floor", () => {
    const sixtyDays = planned("azure-native:keyvault:Vault", "kv", {
      ...vaultArgs(),
      properties: { ...vaultArgs().properties, softDeleteRetentionInDays: 60 },
    });
    const stack = prodStack({ softDeleteRetentionInDays: 60 });

    it("as committed (90 days): the baseline, the model and the pack refuse 60 days", () => {
      expect(BASELINES.prod.vault.minSoftDeleteRetentionInDays).to.equal(
        config[SOFT_DELETE].minimumRetentionDays,
      );
      expect(configProblems(stack)).to.deep.equal([
        `vaults[0].softDeleteRetentionInDays: must be at least ${String(config[SOFT_DELETE].minimumRetentionDays)} in prod`,
      ]);
      expect(blocking(SOFT_DELETE, [sixtyDays])).to.have.length(1);
    });

    it("lowered to 60 in prod.json alone: all three accept 60 days", () => {
      patchProd(SOFT_DELETE, "minimumRetentionDays", 60);
      expect(BASELINES.prod.vault.minSoftDeleteRetentionInDays).to.equal(60);
      expect(configProblems(stack)).to.deep.equal([]);
      const vault = resolveConfig(stack).vaults[0] as unknown as Record<string, unknown>;
      expect(JSON.stringify(vault)).to.contain('"softDeleteRetentionInDays":60');
      expect(blocking(SOFT_DELETE, [sixtyDays])).to.deep.equal([]);
    });

    it("raised to 90 from a lowered floor: all three refuse 60 days again", () => {
      patchProd(SOFT_DELETE, "minimumRetentionDays", 30);
      expect(configProblems(stack)).to.deep.equal([]);
      patchProd(SOFT_DELETE, "minimumRetentionDays", 90);
      expect(BASELINES.prod.vault.minSoftDeleteRetentionInDays).to.equal(90);
      expect(configProblems(stack)).to.have.length(1);
      expect(blocking(SOFT_DELETE, [sixtyDays])).to.have.length(1);
    });
  });

  describe("a new break-glass principal", () => {
    const admin = catalogueRole("Key Vault Administrator");
    const grant = {
      principalId: NEW_BREAK_GLASS,
      principalType: "Group",
      role: admin.name,
      scope: "vault",
    };
    const assignment = planned("azure-native:authorization:RoleAssignment", "ra", {
      ...roleAssignmentArgs(),
      scope: VAULT_ID,
      principalId: NEW_BREAK_GLASS,
      roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${admin.id}`,
    });
    const allowList = () => config[PRIVILEGED_ACCESS].allowedPrincipalIds as string[];

    it("before: the baseline does not list it, the model and the pack refuse its grant", () => {
      expect(BASELINES.prod.access.breakGlassPrincipals).to.deep.equal(allowList());
      expect(BASELINES.prod.access.breakGlassPrincipals).not.to.include(NEW_BREAK_GLASS);
      const problems = configProblems(prodStack({ access: [grant] }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^vaults\[0\]\.access\[0\]\.role: "Key Vault Administrator"/);
      expect(blocking(PRIVILEGED_ACCESS, [assignment])).to.have.length(1);
    });

    it("before: listing it in the stack's breakGlassPrincipals does not help, and is refused", () => {
      const stack = prodStack({ access: [grant] });
      stack["keyvault-estate:breakGlassPrincipals"] = [NEW_BREAK_GLASS];
      const problems = configProblems(stack);
      expect(problems).to.have.length(2);
      expect(problems[0]).to.match(/^breakGlassPrincipals\[0\]: /);
    });

    it("one line in prod.json: the baseline lists it, the model and the pack accept its grant", () => {
      patchProd(PRIVILEGED_ACCESS, "allowedPrincipalIds", [...allowList(), NEW_BREAK_GLASS]);
      expect(BASELINES.prod.access.breakGlassPrincipals).to.include(NEW_BREAK_GLASS);
      // No stack change: the stack need not (but may) name it.
      const stack = prodStack({ access: [grant] });
      expect(configProblems(stack)).to.deep.equal([]);
      expect(resolveConfig(stack).breakGlassPrincipals).to.include(NEW_BREAK_GLASS);
      stack["keyvault-estate:breakGlassPrincipals"] = [NEW_BREAK_GLASS];
      expect(configProblems(stack)).to.deep.equal([]);
      expect(blocking(PRIVILEGED_ACCESS, [assignment])).to.deep.equal([]);
    });

    it("even then, Owner stays refused to it by the model and the pack", () => {
      patchProd(PRIVILEGED_ACCESS, "allowedPrincipalIds", [...allowList(), NEW_BREAK_GLASS]);
      const owner = catalogueRole("Owner");
      expect(
        configProblems(prodStack({ access: [{ ...grant, role: owner.name }] })),
      ).to.have.length(1);
      const ownerAssignment = planned("azure-native:authorization:RoleAssignment", "ra", {
        ...roleAssignmentArgs(),
        principalId: NEW_BREAK_GLASS,
        roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${owner.id}`,
      });
      expect(blocking(PRIVILEGED_ACCESS, [ownerAssignment])).to.have.length(1);
    });
  });

  describe("afterwards", () => {
    it("the loaded config is as committed again", () => {
      expect(config[SOFT_DELETE].minimumRetentionDays).to.equal(90);
      expect(BASELINES.prod.vault.minSoftDeleteRetentionInDays).to.equal(90);
      expect(BASELINES.prod.access.breakGlassPrincipals).not.to.include(NEW_BREAK_GLASS);
    });
  });
});
