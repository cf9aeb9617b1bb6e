import type * as keyvault from "@pulumi/azure-native/keyvault";
import type { Unwrap } from "@pulumi/pulumi";
import { expect } from "chai";
import { TOKENS } from "../../policies/lib/tokens";
import { secretArgs } from "./fixtures";
import { inDays, messages, planned } from "./helpers";

type SecretInputs = Unwrap<keyvault.SecretArgs>;

function secretMessages(policy: string, change: (s: SecretInputs) => void, config = {}): string[] {
  const args = secretArgs();
  change(args);
  return messages(policy, [planned(TOKENS.secret, "payments-db-password", { ...args })], config);
}

describe("secret policies", () => {
  for (const policy of [
    "keyvault-secret-expiry-set",
    "keyvault-secret-max-validity",
    "keyvault-secret-content-type",
  ]) {
    it(`${policy} passes the compliant secret fixture`, () => {
      expect(secretMessages(policy, () => undefined)).to.deep.equal([]);
    });
    it(`${policy} does not apply to a key`, () => {
      expect(
        messages(policy, [planned(TOKENS.key, "k", { vaultName: "kv", properties: {} })]),
      ).to.deep.equal([]);
    });
  }

  it("keyvault-secret-expiry-set flags a secret without attributes.expires", () => {
    expect(
      secretMessages("keyvault-secret-expiry-set", (s) => delete s.properties.attributes?.expires),
    ).to.have.length(1);
  });
  it("keyvault-secret-expiry-set flags a secret without any attributes", () => {
    expect(
      secretMessages("keyvault-secret-expiry-set", (s) => delete s.properties.attributes),
    ).to.have.length(1);
  });
  it("keyvault-secret-max-validity flags a secret expiring after the configured maximum", () => {
    const found = secretMessages(
      "keyvault-secret-max-validity",
      (s) => (s.properties.attributes = { expires: inDays(120) }),
      { "keyvault-secret-max-validity": { maximumValidityDays: 90 } },
    );
    expect(found).to.have.length(1);
  });
  it("keyvault-secret-max-validity flags a secret without expiry", () => {
    expect(
      secretMessages("keyvault-secret-max-validity", (s) => delete s.properties.attributes),
    ).to.have.length(1);
  });
  it("keyvault-secret-content-type flags a secret without a content type", () => {
    expect(
      secretMessages("keyvault-secret-content-type", (s) => delete s.properties.contentType),
    ).to.have.length(1);
  });
  it("keyvault-secret-content-type flags an empty content type", () => {
    expect(
      secretMessages("keyvault-secret-content-type", (s) => (s.properties.contentType = " ")),
    ).to.have.length(1);
  });
});
