import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
  assignment,
  BUILT_IN,
  compliantEstate,
  EstateFixture,
  estateResources,
  whatIf,
} from "./fixtures";

const epoch = (iso: string) => Date.parse(iso) / 1000;
type Props = Record<string, unknown>;
const props = (o: Props) => o.properties as Props;
const attrs = (o: Props) => props(o).attributes as Props;

/**
 * Each vendored Azure built-in, assigned with Deny (where allowed) or its audit effect, against the
 * compliant fixture (no finding) and against the fixture with one field broken (exactly one
 * finding, on the expected resource).
 */
const CASES: {
  file: string;
  params?: Record<string, unknown>;
  breaks: string;
  resource: string;
  mutate: (f: EstateFixture) => void;
}[] = [
  {
    file: "AuditDiagnosticLog_Audit.json",
    breaks: "no diagnostic setting",
    resource: "Microsoft.KeyVault/vaults kv-test",
    mutate: (f) => (f.diagnostics = false),
  },
  {
    file: "FirewallEnabled_Audit.json",
    params: { effect: "Deny" },
    breaks: "public access with default Allow",
    resource: "Microsoft.KeyVault/vaults kv-test",
    mutate: (f) =>
      Object.assign(props(f.vault), {
        publicNetworkAccess: "Enabled",
        networkAcls: { defaultAction: "Allow" },
      }),
  },
  {
    file: "Keys_ActivePeriod.json",
    params: { effect: "Deny", maximumValidityInDays: 365 },
    breaks: "active since 2020",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => (attrs(f.key).notBefore = epoch("2020-01-01T00:00:00Z")),
  },
  {
    file: "Keys_AllowedKeyTypes.json",
    params: { effect: "Deny", allowedKeyTypes: ["RSA-HSM", "EC-HSM"] },
    breaks: "a software RSA key",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => (props(f.key).kty = "RSA"),
  },
  {
    file: "Keys_EC_AllowedCurveNames.json",
    params: { effect: "Deny", allowedECNames: ["P-384"] },
    breaks: "an EC key on P-256",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) =>
      Object.assign(props(f.key), { kty: "EC-HSM", curveName: "P-256", keySize: undefined }),
  },
  {
    file: "Keys_ExpirationSet.json",
    params: { effect: "Deny" },
    breaks: "no expiry",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => delete attrs(f.key).expires,
  },
  {
    file: "Keys_Expiry_ByDays.json",
    params: { effect: "Deny", minimumDaysBeforeExpiration: 30 },
    breaks: "expiry in 9 days",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => (attrs(f.key).expires = epoch("2026-06-10T00:00:00Z")),
  },
  {
    file: "Keys_HSMBacked.json",
    params: { effect: "Deny" },
    breaks: "a software key",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => (props(f.key).kty = "RSA"),
  },
  {
    file: "Keys_KeyRotationPolicy_MaximumDaysToRotate.json",
    params: { maximumDaysToRotate: 400 },
    breaks: "no rotation policy",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => delete props(f.key).rotationPolicy,
  },
  {
    file: "Keys_RSA_MinimumKeySize.json",
    params: { effect: "Deny", minimumRSAKeySize: 3072 },
    breaks: "a 2048-bit key",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => (props(f.key).keySize = 2048),
  },
  {
    file: "Keys_ValidityPeriod.json",
    params: { effect: "Deny", maximumValidityInDays: 400 },
    breaks: "a 3-year key",
    resource: "Microsoft.KeyVault.Data/vaults/keys kv-test/cmk",
    mutate: (f) => (attrs(f.key).expires = epoch("2029-06-01T00:00:00Z")),
  },
  {
    file: "ManagedHsm_AuditDiagnosticLog_Audit.json",
    breaks: "no diagnostic setting",
    resource: "Microsoft.KeyVault/managedHSMs hsm-test",
    mutate: (f) => (f.diagnostics = false),
  },
  {
    file: "ManagedHsm_FirewallEnabled_Audit.json",
    params: { effect: "Deny" },
    breaks: "default Allow",
    resource: "Microsoft.KeyVault/managedHSMs hsm-test",
    mutate: (f) => ((props(f.hsm).networkAcls as Props).defaultAction = "Allow"),
  },
  {
    file: "ManagedHsm_PrivateEndpointEnabled_Audit.json",
    breaks: "no private endpoint",
    resource: "Microsoft.KeyVault/managedHSMs hsm-test",
    mutate: (f) => (f.hsmPrivateEndpoint = false),
  },
  {
    file: "ManagedHsm_Recoverable_Audit.json",
    params: { effect: "Deny" },
    breaks: "purge protection off",
    resource: "Microsoft.KeyVault/managedHSMs hsm-test",
    mutate: (f) => (props(f.hsm).enablePurgeProtection = false),
  },
  {
    file: "PublicNetworkAccess_Audit.json",
    params: { effect: "Deny" },
    breaks: "public access enabled",
    resource: "Microsoft.KeyVault/vaults kv-test",
    mutate: (f) => (props(f.vault).publicNetworkAccess = "Enabled"),
  },
  {
    file: "Recoverable_Audit.json",
    params: { effect: "Deny" },
    breaks: "purge protection unset",
    resource: "Microsoft.KeyVault/vaults kv-test",
    mutate: (f) => delete props(f.vault).enablePurgeProtection,
  },
  {
    file: "Secrets_ActivePeriod.json",
    params: { effect: "Deny", maximumValidityInDays: 100 },
    breaks: "active since 2020",
    resource: "Microsoft.KeyVault.Data/vaults/secrets kv-test/db-password",
    mutate: (f) => (attrs(f.secret).notBefore = epoch("2020-01-01T00:00:00Z")),
  },
  {
    file: "Secrets_ContentTypeSet.json",
    params: { effect: "Deny" },
    breaks: "no content type",
    resource: "Microsoft.KeyVault.Data/vaults/secrets kv-test/db-password",
    mutate: (f) => delete props(f.secret).contentType,
  },
  {
    file: "Secrets_ExpirationSet.json",
    params: { effect: "Deny" },
    breaks: "no expiry",
    resource: "Microsoft.KeyVault.Data/vaults/secrets kv-test/db-password",
    mutate: (f) => delete attrs(f.secret).expires,
  },
  {
    file: "Secrets_Expiry_ByDays.json",
    params: { effect: "Deny", minimumDaysBeforeExpiration: 30 },
    breaks: "expiry in 9 days",
    resource: "Microsoft.KeyVault.Data/vaults/secrets kv-test/db-password",
    mutate: (f) => (attrs(f.secret).expires = epoch("2026-06-10T00:00:00Z")),
  },
  {
    file: "Secrets_ValidityPeriod.json",
    params: { effect: "Deny", maximumValidityInDays: 100 },
    breaks: "a 1-year secret",
    resource: "Microsoft.KeyVault.Data/vaults/secrets kv-test/db-password",
    mutate: (f) => (attrs(f.secret).expires = epoch("2027-06-01T00:00:00Z")),
  },
  {
    file: "Should_Use_PrivateEndpoint_Audit.json",
    breaks: "no private endpoint",
    resource: "Microsoft.KeyVault/vaults kv-test",
    mutate: (f) => (f.privateEndpoint = false),
  },
  {
    file: "Should_Use_RBAC.json",
    params: { effect: "Deny" },
    breaks: "access policies",
    resource: "Microsoft.KeyVault/vaults kv-test",
    mutate: (f) => (props(f.vault).enableRbacAuthorization = false),
  },
  {
    file: "SoftDeleteMustBeEnabled_Audit.json",
    params: { effect: "Deny" },
    breaks: "soft delete off",
    resource: "Microsoft.KeyVault/vaults kv-test",
    mutate: (f) => (props(f.vault).enableSoftDelete = false),
  },
];

const DIR = path.resolve(__dirname, "../../policies/reference/azure-policy");
const guidOf = (file: string) =>
  (JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as { name: string }).name;

describe("Azure Policy what-if: the vendored built-in definitions", () => {
  it("has a passing and a failing fixture for every vendored built-in", () => {
    const files = fs
      .readdirSync(DIR)
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(CASES.map((c) => c.file).sort()).to.deep.equal(files);
  });

  for (const c of CASES) {
    const id = BUILT_IN(guidOf(c.file));
    const a = assignment(id, c.params ?? {});

    it(`${c.file}: the compliant estate has no finding and nothing unsupported`, () => {
      const report = whatIf(estateResources(compliantEstate()), a);
      expect(report.findings).to.deep.equal([]);
      expect(report.unsupported).to.deep.equal([]);
      expect(report.evaluated.map((e) => e.definitionId)).to.deep.equal([id]);
    });

    it(`${c.file}: flags ${c.breaks}`, () => {
      const f = compliantEstate();
      c.mutate(f);
      const report = whatIf(estateResources(f), a);
      expect(report.unsupported).to.deep.equal([]);
      expect(report.findings.map((x) => [x.definitionId, x.resource])).to.deep.equal([
        [id, c.resource],
      ]);
      const effect = String(c.params?.effect ?? report.evaluated[0].effect);
      expect(report.findings[0].effect).to.equal(effect);
      expect(report.findings[0].enforcement).to.equal(effect === "Deny" ? "mandatory" : "advisory");
    });
  }
});
