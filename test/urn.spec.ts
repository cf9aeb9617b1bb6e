import { expect } from "chai";
import { engineUrn } from "../tools/contract/urn";

describe("engine URNs (tools/contract/urn.ts)", () => {
  const stackUrn = "urn:pulumi:prod::keyvault-estate::pulumi:pulumi:Stack::keyvault-estate-prod";

  it("leaves the root stack out of its children's type", () => {
    expect(
      engineUrn("prod", "keyvault-estate", stackUrn, "keyvault-estate:estate:Estate", "estate"),
    ).to.equal("urn:pulumi:prod::keyvault-estate::keyvault-estate:estate:Estate::estate");
    expect(engineUrn("prod", "keyvault-estate", undefined, "pulumi:pulumi:Stack", "s")).to.equal(
      "urn:pulumi:prod::keyvault-estate::pulumi:pulumi:Stack::s",
    );
  });

  it("writes the parent's whole qualified type, as the engine does", () => {
    const estate = "urn:pulumi:prod::keyvault-estate::keyvault-estate:estate:Estate::estate";
    const vault = engineUrn(
      "prod",
      "keyvault-estate",
      estate,
      "keyvault-estate:vault:KeyVault",
      "payments",
    );
    expect(vault).to.equal(
      "urn:pulumi:prod::keyvault-estate::keyvault-estate:estate:Estate$keyvault-estate:vault:KeyVault::payments",
    );
    expect(
      engineUrn("prod", "keyvault-estate", vault, "azure-native:keyvault:Vault", "payments"),
    ).to.equal(
      "urn:pulumi:prod::keyvault-estate::keyvault-estate:estate:Estate$keyvault-estate:vault:KeyVault$azure-native:keyvault:Vault::payments",
    );
  });

  it("reads the parent's type even when a name holds '::'", () => {
    const parent = "urn:pulumi:dev::p::a:b:C::odd::name";
    expect(engineUrn("dev", "p", parent, "a:b:D", "x")).to.equal(
      "urn:pulumi:dev::p::a:b:C$a:b:D::x",
    );
  });
});
