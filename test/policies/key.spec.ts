import type * as keyvault from "@pulumi/azure-native/keyvault";
import type { Unwrap } from "@pulumi/pulumi";
import { expect } from "chai";
import { TOKENS } from "../../policies/lib/tokens";
import { keyArgs } from "./fixtures";
import { inDays, messages, planned } from "./helpers";

type KeyInputs = Unwrap<keyvault.KeyArgs>;

function keyMessages(policy: string, change: (k: KeyInputs) => void, config = {}): string[] {
  const args = keyArgs();
  change(args);
  return messages(policy, [planned(TOKENS.key, "payments-cmk", { ...args })], config);
}

const ecKey = (k: KeyInputs) => {
  k.properties.kty = "EC-HSM";
  delete k.properties.keySize;
  k.properties.curveName = "P-384";
};

describe("key policies", () => {
  const policies = [
    "keyvault-key-expiry-set",
    "keyvault-key-max-validity",
    "keyvault-key-hsm-backed",
    "keyvault-key-allowed-types",
    "keyvault-key-rsa-minimum-size",
    "keyvault-key-ec-allowed-curves",
    "keyvault-key-rotation-policy",
  ];
  for (const policy of policies) {
    it(`${policy} passes the compliant key fixture`, () => {
      expect(keyMessages(policy, () => undefined)).to.deep.equal([]);
    });
    it(`${policy} does not apply to a secret`, () => {
      expect(
        messages(policy, [planned(TOKENS.secret, "s", { vaultName: "kv", properties: {} })]),
      ).to.deep.equal([]);
    });
  }

  it("keyvault-key-expiry-set flags a key without attributes.expires", () => {
    expect(
      keyMessages("keyvault-key-expiry-set", (k) => delete k.properties.attributes?.expires),
    ).to.have.length(1);
  });
  it("keyvault-key-expiry-set flags a key without any attributes", () => {
    expect(
      keyMessages("keyvault-key-expiry-set", (k) => delete k.properties.attributes),
    ).to.have.length(1);
  });

  describe("keyvault-key-max-validity", () => {
    const policy = "keyvault-key-max-validity";
    it("flags a key expiring after the configured maximum", () => {
      const found = keyMessages(
        policy,
        (k) => (k.properties.attributes = { expires: inDays(400) }),
        {
          [policy]: { maximumValidityDays: 365 },
        },
      );
      expect(found).to.deep.equal([
        "It expires 2027-02-05T00:00:00.000Z, 400 days from now; the maximum validity is 365 days.",
      ]);
    });
    it("flags a key without expiry (unlimited validity)", () => {
      expect(keyMessages(policy, (k) => delete k.properties.attributes)).to.have.length(1);
    });
  });

  describe("keyvault-key-hsm-backed", () => {
    it("flags a software-protected RSA key", () => {
      expect(
        keyMessages("keyvault-key-hsm-backed", (k) => (k.properties.kty = "RSA")),
      ).to.have.length(1);
    });
    it("flags a key whose type is unset", () => {
      expect(keyMessages("keyvault-key-hsm-backed", (k) => delete k.properties.kty)[0]).to.match(
        /unset/,
      );
    });
    it("accepts an EC-HSM key", () => {
      expect(keyMessages("keyvault-key-hsm-backed", ecKey)).to.deep.equal([]);
    });
  });

  describe("keyvault-key-allowed-types", () => {
    const policy = "keyvault-key-allowed-types";
    it("flags a key type outside the allowed list", () => {
      const config = { [policy]: { allowedKeyTypes: ["RSA-HSM", "EC-HSM"] } };
      expect(keyMessages(policy, (k) => (k.properties.kty = "EC"), config)).to.have.length(1);
    });
    it("flags a key whose type is unset", () => {
      expect(keyMessages(policy, (k) => delete k.properties.kty)).to.have.length(1);
    });
  });

  describe("keyvault-key-rsa-minimum-size", () => {
    const policy = "keyvault-key-rsa-minimum-size";
    const config = { [policy]: { minimumRsaKeySize: 3072 } };
    it("flags an RSA key smaller than the configured minimum", () => {
      expect(keyMessages(policy, (k) => (k.properties.keySize = 2048), config)).to.deep.equal([
        "The RSA key is 2048 bits; the minimum is 3072.",
      ]);
    });
    it("judges an absent size as Key Vault's default of 2048 bits", () => {
      expect(keyMessages(policy, (k) => delete k.properties.keySize, config)).to.have.length(1);
    });
    it("does not apply to an EC key", () => {
      expect(keyMessages(policy, ecKey, config)).to.deep.equal([]);
    });
  });

  describe("keyvault-key-ec-allowed-curves", () => {
    const policy = "keyvault-key-ec-allowed-curves";
    const config = { [policy]: { allowedCurveNames: ["P-384", "P-521"] } };
    it("flags an EC key on a curve outside the allowed list", () => {
      const found = keyMessages(
        policy,
        (k) => {
          ecKey(k);
          k.properties.curveName = "P-256K";
        },
        config,
      );
      expect(found).to.have.length(1);
    });
    it("judges an absent curve as Key Vault's default P-256", () => {
      const found = keyMessages(
        policy,
        (k) => {
          ecKey(k);
          delete k.properties.curveName;
        },
        config,
      );
      expect(found).to.deep.equal(["The key uses curve 'P-256'; allowed: P-384, P-521."]);
    });
    it("does not apply to an RSA key", () => {
      expect(keyMessages(policy, () => undefined, config)).to.deep.equal([]);
    });
  });

  describe("keyvault-key-rotation-policy", () => {
    const policy = "keyvault-key-rotation-policy";
    it("flags a key without a rotation policy", () => {
      expect(keyMessages(policy, (k) => delete k.properties.rotationPolicy)).to.have.length(1);
    });
    it("flags a rotation policy with only a notify action", () => {
      const found = keyMessages(policy, (k) => {
        k.properties.rotationPolicy = {
          lifetimeActions: [{ action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } }],
        };
      });
      expect(found[0]).to.match(/no rotation policy with a 'rotate'/);
    });
    it("flags a rotation scheduled later than the configured maximum", () => {
      const found = keyMessages(
        policy,
        (k) => {
          k.properties.rotationPolicy = {
            lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P2Y" } }],
          };
        },
        { [policy]: { maximumDaysToRotate: 365 } },
      );
      expect(found).to.deep.equal(["The key rotates 730 days after creation; the maximum is 365."]);
    });
    it("flags a timeBeforeExpiry trigger without the expiryTime needed to compute it", () => {
      const found = keyMessages(policy, (k) => delete k.properties.rotationPolicy?.attributes);
      expect(found[0]).to.match(/cannot be computed/);
    });
  });
});
