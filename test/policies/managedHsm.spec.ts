import type * as keyvault from "@pulumi/azure-native/keyvault";
import type { Unwrap } from "@pulumi/pulumi";
import { expect } from "chai";
import { TOKENS } from "../../policies/lib/tokens";
import { managedHsmArgs } from "./fixtures";
import { messages, planned } from "./helpers";

type HsmInputs = Unwrap<keyvault.ManagedHsmArgs>;

function hsmMessages(policy: string, change: (h: HsmInputs) => void): string[] {
  const args = managedHsmArgs();
  change(args);
  return messages(policy, [planned(TOKENS.managedHsm, "payments-hsm", { ...args })]);
}

describe("Managed HSM policies", () => {
  for (const policy of [
    "keyvault-managed-hsm-purge-protection",
    "keyvault-managed-hsm-network-deny",
  ]) {
    it(`${policy} passes the compliant Managed HSM fixture`, () => {
      expect(hsmMessages(policy, () => undefined)).to.deep.equal([]);
    });
    it(`${policy} does not apply to a vault`, () => {
      expect(messages(policy, [planned(TOKENS.vault, "v", { properties: {} })])).to.deep.equal([]);
    });
  }

  it("keyvault-managed-hsm-purge-protection flags purge protection turned off", () => {
    const found = hsmMessages("keyvault-managed-hsm-purge-protection", (h) => {
      if (h.properties) h.properties.enablePurgeProtection = false;
    });
    expect(found).to.deep.equal([
      "Purge protection is disabled (properties.enablePurgeProtection is false).",
    ]);
  });
  it("keyvault-managed-hsm-purge-protection flags soft delete turned off", () => {
    const found = hsmMessages("keyvault-managed-hsm-purge-protection", (h) => {
      if (h.properties) h.properties.enableSoftDelete = false;
    });
    expect(found).to.have.length(1);
  });
  it("keyvault-managed-hsm-purge-protection judges absent flags as Managed HSM's defaults (on)", () => {
    expect(
      hsmMessages("keyvault-managed-hsm-purge-protection", (h) => delete h.properties),
    ).to.deep.equal([]);
  });
  it("keyvault-managed-hsm-network-deny flags a default action of Allow", () => {
    const found = hsmMessages("keyvault-managed-hsm-network-deny", (h) => {
      if (h.properties) h.properties.networkAcls = { defaultAction: "Allow" };
    });
    expect(found).to.have.length(1);
  });
  it("keyvault-managed-hsm-network-deny flags absent network rules (Allow by default)", () => {
    const found = hsmMessages(
      "keyvault-managed-hsm-network-deny",
      (h) => delete h.properties?.networkAcls,
    );
    expect(found[0]).to.match(/absent means Allow/);
  });
});
