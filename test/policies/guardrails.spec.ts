import { expect } from "chai";
import { TOKENS } from "../../policies/lib/tokens";
import {
  APP_PRINCIPAL,
  BREAK_GLASS,
  diagnosticSettingArgs,
  keyArgs,
  managedHsmArgs,
  privateEndpointArgs,
  roleAssignmentArgs,
  SUB,
  vaultArgs,
  VAULT_ID,
} from "./fixtures";
import { findings, messages, planned } from "./helpers";

/** The second-round guardrail policies, each fed the resource it judges. */

const roleId = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
const KV_CONTRIBUTOR = "f25e0fa2-a7c8-4377-a976-54943a77a395";
const DATA_ACCESS_ADMIN = "8b54135c-b56d-4d72-a534-26097cfdc8d8";
const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const CUSTOM = "0b5d1a2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const OTHER_SUB = "99999999-9999-4999-8999-999999999999";
const AUTHORITY = "https://sharedweu.weu.attest.azure.net";

/** A base64url release policy trusting `authority`, with claim conditions unless `bare`. */
function releasePolicy(authority: string, bare = false): string {
  const entry = bare
    ? { authority }
    : { authority, allOf: [{ claim: "x-ms-attestation-type", equals: "sevsnpvm" }] };
  return Buffer.from(JSON.stringify({ version: "1.0.0", anyOf: [entry] })).toString("base64url");
}

describe("guardrail policies", () => {
  describe("authorization-role-assignment-privileged-access", () => {
    const policy = "authorization-role-assignment-privileged-access";
    const prod = {
      [policy]: {
        restrictedClasses: ["grantAccess", "administer"],
        restrictedClassesAtVaultScope: ["writeData"],
        allowedPrincipalIds: [BREAK_GLASS],
        refuseUnlistedCustomRoles: true,
        allowedCustomRoleIds: [],
      },
    };
    const grant = (role: string, principalId = APP_PRINCIPAL, scope = VAULT_ID) =>
      planned(TOKENS.roleAssignment, "ra", {
        ...roleAssignmentArgs(),
        scope,
        principalId,
        roleDefinitionId: roleId(role),
      });

    it("flags Secrets Officer at vault scope for a principal not on the allow-list", () => {
      expect(messages(policy, [grant(SECRETS_OFFICER)], prod)).to.deep.equal([
        `Role assignment 'ra': Key Vault Secrets Officer (writes data, at vault scope) is granted to ${APP_PRINCIPAL}, which is not on the break-glass allow-list (allowedPrincipalIds).`,
      ]);
    });

    it("allows Secrets Officer on one secret (a rotation function's grant)", () => {
      const one = grant(SECRETS_OFFICER, APP_PRINCIPAL, `${VAULT_ID}/secrets/db-password`);
      expect(messages(policy, [one], prod)).to.deep.equal([]);
    });

    it("flags Key Vault Contributor and Data Access Administrator at any scope", () => {
      const at = `${VAULT_ID}/secrets/db-password`;
      expect(
        messages(
          policy,
          [grant(KV_CONTRIBUTOR), grant(DATA_ACCESS_ADMIN, APP_PRINCIPAL, at)],
          prod,
        ),
      ).to.have.length(2);
    });

    it("accepts a restricted role for an allow-listed break-glass principal", () => {
      expect(
        messages(policy, [grant(DATA_ACCESS_ADMIN, BREAK_GLASS.toUpperCase())], prod),
      ).to.deep.equal([]);
    });

    it("passes read roles at vault scope", () => {
      expect(messages(policy, [grant(SECRETS_USER)], prod)).to.deep.equal([]);
    });

    it("flags a custom role unless it is listed or custom roles are not refused", () => {
      expect(messages(policy, [grant(CUSTOM)], prod)).to.deep.equal([
        `Role assignment 'ra': Role ${CUSTOM} granted to ${APP_PRINCIPAL} is not in the catalogue and not a reviewed custom role (allowedCustomRoleIds).`,
      ]);
      const listed = { [policy]: { ...prod[policy], allowedCustomRoleIds: [CUSTOM] } };
      expect(messages(policy, [grant(CUSTOM)], listed)).to.deep.equal([]);
      const lenient = { [policy]: { ...prod[policy], refuseUnlistedCustomRoles: false } };
      expect(messages(policy, [grant(CUSTOM)], lenient)).to.deep.equal([]);
    });

    it("flags a Managed HSM initial administrator not on the allow-list, naming it", () => {
      const args = managedHsmArgs();
      const pool = planned(TOKENS.managedHsm, "pool", {
        ...args,
        properties: { ...args.properties, initialAdminObjectIds: [BREAK_GLASS, APP_PRINCIPAL] },
      });
      expect(messages(policy, [pool], prod)).to.deep.equal([
        `Managed HSM 'pool': Managed HSM initial administrator ${APP_PRINCIPAL} (full administration of the pool) is not on the break-glass allow-list (allowedPrincipalIds).`,
      ]);
    });

    it("is mandatory by default and runs at the level the config sets", () => {
      const found = findings(policy, [grant(KV_CONTRIBUTOR)], {
        [policy]: { ...prod[policy], enforcementLevel: "advisory" },
      });
      expect(found.map((f) => f.enforcementLevel)).to.deep.equal(["advisory"]);
      expect(findings(policy, [grant(KV_CONTRIBUTOR)], prod)[0].enforcementLevel).to.equal(
        "mandatory",
      );
    });
  });

  describe("keyvault-key-exportable", () => {
    const policy = "keyvault-key-exportable";
    const exportable = (data: string | undefined) => {
      const args = keyArgs();
      return planned(TOKENS.key, "payments/keys/cmk-release", {
        ...args,
        properties: {
          ...args.properties,
          attributes: { ...args.properties?.attributes, exportable: true },
          ...(data ? { releasePolicy: { data } } : {}),
        },
      });
    };
    const allowed = {
      [policy]: {
        allowedKeys: ["payments/keys/cmk-release"],
        allowedAttestationAuthorities: [`${AUTHORITY}/`],
      },
    };

    it("does not apply to a key that is not exportable", () => {
      expect(messages(policy, [planned(TOKENS.key, "k", keyArgs())])).to.deep.equal([]);
    });

    it("flags an exportable key that is not allow-listed and names its authorities", () => {
      expect(messages(policy, [exportable(releasePolicy(AUTHORITY))])).to.deep.equal([
        `Key payments/keys/cmk-release is exportable (its private key can leave the HSM): the key is not allow-listed (allowedKeys); its release policy trusts attestation authority not allow-listed (allowedAttestationAuthorities): ${AUTHORITY}. Its release policy trusts: ${AUTHORITY}.`,
      ]);
    });

    it("accepts an allow-listed key whose authorities are allow-listed", () => {
      expect(messages(policy, [exportable(releasePolicy(AUTHORITY))], allowed)).to.deep.equal([]);
    });

    it("flags a release policy that trusts any environment of an authority, or another authority", () => {
      expect(messages(policy, [exportable(releasePolicy(AUTHORITY, true))], allowed)[0]).to.match(
        /states no claim conditions: it would release the key to any environment that authority attests/,
      );
      expect(
        messages(policy, [exportable(releasePolicy("https://evil.example"))], allowed)[0],
      ).to.contain("not allow-listed (allowedAttestationAuthorities): https://evil.example");
      expect(messages(policy, [exportable(undefined)], allowed)[0]).to.contain(
        "it has no release policy",
      );
    });
  });

  describe("keyvault-vault-ip-rule-breadth", () => {
    const policy = "keyvault-vault-ip-rule-breadth";
    const config = { [policy]: { minimumPrefixLength: 24, maximumTotalAddresses: 1024 } };
    const vault = (rules: string[]) => {
      const args = vaultArgs();
      const acls = args.properties.networkAcls;
      return planned(TOKENS.vault, "v", {
        ...args,
        properties: {
          ...args.properties,
          networkAcls: { ...acls, ipRules: rules.map((value) => ({ value })) },
        },
      });
    };

    it("flags a rule broader than the smallest prefix allowed", () => {
      expect(messages(policy, [vault(["198.51.0.0/16"])], config)).to.deep.equal([
        "IP rule '198.51.0.0/16' opens 65536 addresses; the broadest rule allowed is a /24.",
        "The 1 IP rules open 65536 addresses together; at most 1024 are allowed.",
      ]);
    });

    it("flags many narrow rules that together open the internet", () => {
      const rules = Array.from(
        { length: 300 },
        (_, i) => `${11 + Math.floor(i / 200)}.${i % 200}.0.0/24`,
      );
      expect(messages(policy, [vault(rules)], config)).to.deep.equal([
        "The 300 IP rules open 76800 addresses together; at most 1024 are allowed.",
      ]);
    });

    it("counts overlapping rules once and passes a few narrow ones", () => {
      const rules = ["203.0.113.0/24", "203.0.113.7", "198.51.100.0/24", "192.0.2.0/24"];
      expect(messages(policy, [vault(rules)], config)).to.deep.equal([]);
    });

    it("judges a Managed HSM's rules too", () => {
      const args = managedHsmArgs();
      const pool = planned(TOKENS.managedHsm, "pool", {
        ...args,
        properties: {
          ...args.properties,
          networkAcls: { defaultAction: "Deny", ipRules: [{ value: "10.0.0.0/8" }] },
        },
      });
      expect(messages(policy, [pool], config)).to.have.length(2);
    });
  });

  describe("keyvault-vault-references-allowed-subscriptions", () => {
    const policy = "keyvault-vault-references-allowed-subscriptions";
    const HOME = SUB.split("/")[2];
    const config = { [policy]: { allowedSubscriptionIds: [HOME] } };
    const elsewhere = (type: string) =>
      `/subscriptions/${OTHER_SUB}/resourceGroups/rg-x/providers/${type}`;

    it("flags an audit-log destination or Event Hub in another subscription", () => {
      const setting = planned(TOKENS.diagnosticSetting, "s", {
        ...diagnosticSettingArgs(),
        workspaceId: elsewhere("Microsoft.OperationalInsights/workspaces/w"),
        eventHubAuthorizationRuleId: elsewhere(
          "Microsoft.EventHub/namespaces/n/authorizationRules/r",
        ),
      });
      expect(messages(policy, [setting], config)).to.deep.equal([
        `'s': Its Event Hubs namespace is in subscription ${OTHER_SUB}, which is not a reviewed subscription of the estate (allowedSubscriptionIds).`,
        `'s': Its Log Analytics workspace is in subscription ${OTHER_SUB}, which is not a reviewed subscription of the estate (allowedSubscriptionIds).`,
      ]);
    });

    it("skips a destination the stack creates itself (a property dependency)", () => {
      const workspace = planned(TOKENS.workspace, "w", { resourceGroupName: "rg" });
      const setting = planned(
        TOKENS.diagnosticSetting,
        "s",
        {
          ...diagnosticSettingArgs(),
          workspaceId: elsewhere("Microsoft.OperationalInsights/workspaces/w"),
          storageAccountId: undefined,
        },
        { propertyDependencies: { workspaceId: [workspace] } },
      );
      expect(messages(policy, [workspace, setting], config)).to.deep.equal([]);
    });

    it("flags a private endpoint subnet in another subscription and passes a listed one", () => {
      const endpoint = (sub: string) =>
        planned(TOKENS.privateEndpoint, "pe", {
          ...privateEndpointArgs(),
          subnet: {
            id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`,
          },
        });
      expect(messages(policy, [endpoint(OTHER_SUB)], config)).to.have.length(1);
      expect(messages(policy, [endpoint(HOME)], config)).to.deep.equal([]);
    });
  });
});
