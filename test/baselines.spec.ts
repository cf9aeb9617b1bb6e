import { expect } from "chai";
import { loadPolicyConfig } from "../policies/lib/environments";
import { BASELINES, ENVIRONMENTS } from "../stacks";

type Thresholds = Record<string, Record<string, unknown>>;

/**
 * A baseline must never allow what its environment's policy config refuses: config validation is
 * the first line, the policy pack the second, and a value the first accepts but the second rejects
 * is a trap for whoever writes the stack.
 */
describe("baselines agree with their environment's policy thresholds", () => {
  for (const env of ENVIRONMENTS) {
    const b = BASELINES[env];
    const policy = loadPolicyConfig(env) as Thresholds;
    const threshold = (name: string, key: string) => {
      const value = policy[name]?.[key];
      expect(value, `${name}.${key} in policies/config/${env}.json`).to.be.a("number");
      return value as number;
    };

    it(`${env}: the smallest soft-delete retention the baseline allows passes the policy`, () => {
      expect(b.vault.minSoftDeleteRetentionInDays).to.be.at.least(
        threshold("keyvault-vault-soft-delete", "minimumRetentionDays"),
      );
    });

    it(`${env}: the default soft-delete and log retentions are at least the floors the pack sets`, () => {
      expect(b.vault.softDeleteRetentionInDays).to.be.at.least(
        b.vault.minSoftDeleteRetentionInDays,
      );
      expect(b.diagnostics.logRetentionInDays).to.be.at.least(b.diagnostics.minLogRetentionInDays);
    });

    it(`${env}: the shortest log retention the baseline allows passes the policy`, () => {
      expect(b.diagnostics.minLogRetentionInDays).to.be.at.least(
        threshold("operationalinsights-workspace-retention", "minimumRetentionDays"),
      );
    });

    it(`${env}: the longest key and secret lifetimes the baseline allows pass the policies`, () => {
      expect(b.keys.maxExpiresInDays).to.be.at.most(
        threshold("keyvault-key-max-validity", "maximumValidityDays"),
      );
      expect(b.secrets.maxExpiresInDays).to.be.at.most(
        threshold("keyvault-secret-max-validity", "maximumValidityDays"),
      );
    });

    it(`${env}: the smallest RSA key the baseline allows passes the policy`, () => {
      expect(b.keys.minRsaSize).to.be.at.least(
        threshold("keyvault-key-rsa-minimum-size", "minimumRsaKeySize"),
      );
    });
  }
});
