import type * as keyvault from "@pulumi/azure-native/keyvault";
import type { Unwrap } from "@pulumi/pulumi";
import { expect } from "chai";
import { TOKENS } from "../../policies/lib/tokens";
import { vaultArgs } from "./fixtures";
import { messages, planned } from "./helpers";

type VaultInputs = Unwrap<keyvault.VaultArgs>;

function vaultMessages(policy: string, change: (v: VaultInputs) => void, config = {}): string[] {
  const args = vaultArgs();
  change(args);
  return messages(policy, [planned(TOKENS.vault, "payments", { ...args })], config);
}

const unchanged = () => undefined;

describe("vault policies", () => {
  const policies = [
    "keyvault-vault-soft-delete",
    "keyvault-vault-purge-protection",
    "keyvault-vault-rbac-authorization",
    "keyvault-vault-public-network-disabled",
    "keyvault-vault-firewall",
    "keyvault-vault-enabled-for-flags",
  ];
  for (const policy of policies) {
    it(`${policy} passes the compliant vault fixture`, () => {
      expect(vaultMessages(policy, unchanged)).to.deep.equal([]);
    });
    it(`${policy} does not apply to a storage account`, () => {
      expect(
        messages(policy, [planned(TOKENS.storageAccount, "audit", { kind: "StorageV2" })]),
      ).to.deep.equal([]);
    });
  }

  describe("keyvault-vault-soft-delete", () => {
    const policy = "keyvault-vault-soft-delete";
    it("flags a vault with soft delete disabled", () => {
      expect(vaultMessages(policy, (v) => (v.properties.enableSoftDelete = false))).to.have.length(
        1,
      );
    });
    it("flags a retention below the configured minimum", () => {
      const found = vaultMessages(policy, (v) => (v.properties.softDeleteRetentionInDays = 30), {
        [policy]: { minimumRetentionDays: 90 },
      });
      expect(found).to.deep.equal([
        "Soft-delete retention is 30 days; it must be between 90 and 90.",
      ]);
    });
    it("flags a retention above Azure's maximum of 90 days", () => {
      expect(
        vaultMessages(policy, (v) => (v.properties.softDeleteRetentionInDays = 120)),
      ).to.have.length(1);
    });
    it("judges absent soft-delete settings as Azure's defaults (on, 90 days)", () => {
      const found = vaultMessages(
        policy,
        (v) => {
          delete v.properties.enableSoftDelete;
          delete v.properties.softDeleteRetentionInDays;
        },
        { [policy]: { minimumRetentionDays: 90 } },
      );
      expect(found).to.deep.equal([]);
    });
  });

  describe("keyvault-vault-purge-protection", () => {
    const policy = "keyvault-vault-purge-protection";
    it("flags a vault with purge protection false", () => {
      expect(
        vaultMessages(policy, (v) => (v.properties.enablePurgeProtection = false)),
      ).to.deep.equal(["Purge protection is off (properties.enablePurgeProtection is false)."]);
    });
    it("flags a vault with purge protection left unset", () => {
      expect(vaultMessages(policy, (v) => delete v.properties.enablePurgeProtection)[0]).to.match(
        /not set/,
      );
    });
  });

  describe("keyvault-vault-rbac-authorization", () => {
    const policy = "keyvault-vault-rbac-authorization";
    it("flags a vault using access policies (RBAC flag false)", () => {
      expect(
        vaultMessages(policy, (v) => (v.properties.enableRbacAuthorization = false)),
      ).to.have.length(1);
    });
    it("flags a vault with the RBAC flag absent (false on API 2024-11-01)", () => {
      expect(
        vaultMessages(policy, (v) => delete v.properties.enableRbacAuthorization),
      ).to.have.length(1);
    });
    it("flags a vault that declares access policies", () => {
      const found = vaultMessages(policy, (v) => {
        v.properties.accessPolicies = [
          { tenantId: "t", objectId: "o", permissions: { secrets: ["get"] } },
        ];
      });
      expect(found).to.deep.equal([
        "The vault declares 1 access policies; use role assignments instead.",
      ]);
    });
  });

  describe("keyvault-vault-public-network-disabled", () => {
    const policy = "keyvault-vault-public-network-disabled";
    it("flags public network access Enabled", () => {
      expect(
        vaultMessages(policy, (v) => (v.properties.publicNetworkAccess = "Enabled")),
      ).to.have.length(1);
    });
    it("flags public network access left unset (Enabled by default)", () => {
      expect(vaultMessages(policy, (v) => delete v.properties.publicNetworkAccess)).to.have.length(
        1,
      );
    });
    it("accepts the SDK's lower-case 'disabled'", () => {
      expect(
        vaultMessages(policy, (v) => (v.properties.publicNetworkAccess = "disabled")),
      ).to.deep.equal([]);
    });
  });

  describe("keyvault-vault-firewall", () => {
    const policy = "keyvault-vault-firewall";
    const withRules =
      (...rules: string[]) =>
      (v: VaultInputs) => {
        v.properties.networkAcls = {
          defaultAction: "Deny",
          ipRules: rules.map((value) => ({ value })),
        };
      };
    it("flags a default action of Allow", () => {
      expect(
        vaultMessages(policy, (v) => (v.properties.networkAcls = { defaultAction: "Allow" })),
      ).to.have.length(1);
    });
    it("flags absent network rules (Allow by default)", () => {
      expect(vaultMessages(policy, (v) => delete v.properties.networkAcls)[0]).to.match(
        /absent means Allow/,
      );
    });
    it("flags any IP rule when the environment allows none", () => {
      const found = vaultMessages(policy, withRules("203.0.113.0/24"), {
        [policy]: { allowIpRules: false },
      });
      expect(found).to.deep.equal([
        "IP rules are not allowed in this environment: 203.0.113.0/24.",
      ]);
    });
    it("flags an IP rule outside the allowed ranges", () => {
      const config = { [policy]: { allowedIpRanges: ["203.0.113.0/24"] } };
      expect(vaultMessages(policy, withRules("203.0.113.8/29"), config)).to.deep.equal([]);
      expect(vaultMessages(policy, withRules("198.51.100.1"), config)).to.have.length(1);
    });
    it("flags an IP rule overlapping a forbidden range", () => {
      const config = { [policy]: { forbiddenIpRanges: ["10.0.0.0/8"] } };
      expect(vaultMessages(policy, withRules("0.0.0.0/0"), config)).to.have.length(1);
      expect(vaultMessages(policy, withRules("203.0.113.0/24"), config)).to.deep.equal([]);
    });
    it("flags a malformed IP rule", () => {
      expect(vaultMessages(policy, withRules("not-an-ip"))).to.have.length(1);
    });
  });

  describe("keyvault-vault-enabled-for-flags", () => {
    const policy = "keyvault-vault-enabled-for-flags";
    it("flags each enabledFor flag that is on and not allow-listed", () => {
      const found = vaultMessages(policy, (v) => {
        v.properties.enabledForDeployment = true;
        v.properties.enabledForTemplateDeployment = true;
      });
      expect(found).to.have.length(2);
    });
    it("accepts an allow-listed flag", () => {
      const found = vaultMessages(policy, (v) => (v.properties.enabledForDiskEncryption = true), {
        [policy]: { allowed: ["enabledForDiskEncryption"] },
      });
      expect(found).to.deep.equal([]);
    });
    it("judges absent flags as Azure's default (off)", () => {
      const found = vaultMessages(policy, (v) => {
        delete v.properties.enabledForDeployment;
        delete v.properties.enabledForDiskEncryption;
        delete v.properties.enabledForTemplateDeployment;
      });
      expect(found).to.deep.equal([]);
    });
  });
});
