import { expect } from "chai";
import { secretAttributes } from "../infra/components/secrets";
import { secretResourceName } from "../infra/model/names";
import { resolveSecretSpec } from "../infra/model/secrets";
import type { ResolvedSecret } from "../infra/model/types";
import { certificateProblem } from "../infra/sources";
import { BASELINES } from "../stacks";
import { committedConfig, configProblems, resolveConfig, StackConfigDoc } from "./helpers";
import {
  CANARY,
  CONFIG_CANARY,
  FAKE_PEM,
  FAKE_PEM_BASE64,
  FAKE_PFX_BASE64,
  leaks,
  secretsFixture,
  vaultsOf,
} from "./fixtures/secrets-canaries";

/** The problems of a config that must be invalid; none may carry a canary. */
function problems(doc: StackConfigDoc): string[] {
  const lines = configProblems(doc);
  expect(lines.length, "expected the config to be invalid").to.be.greaterThan(0);
  expect(leaks(lines.join("\n"))).to.deep.equal([]);
  return lines;
}

/** The fixture with the first vault's secrets replaced. */
function withSecrets(secrets: Record<string, unknown>[]): StackConfigDoc {
  const doc = secretsFixture();
  vaultsOf(doc)[0].secrets = secrets;
  // A config key no secret names any more is an unknown key (a different error); drop it.
  if (!JSON.stringify(secrets).includes("apps-psp-api-key")) {
    delete doc["keyvault-estate:apps-psp-api-key"];
  }
  return doc;
}

const env = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  source: { env: "APPS_VALUE" },
  ...extra,
});

describe("secret specs", () => {
  it("accepts the fixture: every source kind, certificates and attributes", () => {
    const config = resolveConfig(secretsFixture());
    expect(config.vaults.map((v) => v.secrets.map((s) => s.name))).to.deep.equal([
      ["db-password", "psp-api-key", "session-signing-key", "tls-api-pfx", "tls-api-pem"],
      ["pager-token"],
    ]);
  });

  for (const bad of ["db_password", "db.password", "", "x".repeat(128), "pässword"]) {
    it(`refuses the secret name ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 8)}… (${bad.length})` : bad)}`, () => {
      expect(problems(withSecrets([env(bad)]))).to.deep.equal([
        "vaults[0].secrets[0].name: must be 1-127 letters, digits and hyphens",
      ]);
    });
  }

  it("accepts a 127-character name", () => {
    expect(
      resolveConfig(withSecrets([env("a".repeat(127))])).vaults[0].secrets[0].name,
    ).to.have.length(127);
  });

  it("refuses duplicate names in one vault, ignoring case as Key Vault does", () => {
    expect(problems(withSecrets([env("db-password"), env("DB-Password")]))).to.deep.equal([
      'vaults[0].secrets[1].name: duplicate secret name "DB-Password" (also at secrets[0].name)',
    ]);
  });

  it("allows one name in two vaults", () => {
    const doc = secretsFixture();
    vaultsOf(doc)[1].secrets = [env("db-password")];
    expect(resolveConfig(doc).vaults[1].secrets[0].name).to.equal("db-password");
  });

  it("refuses two sources in one spec, naming both", () => {
    const doc = withSecrets([{ name: "x", source: { env: "APPS_X", config: "apps-psp-api-key" } }]);
    expect(problems(doc)).to.deep.equal([
      "vaults[0].secrets[0].source: must set exactly one of env, config or generate (found env and config)",
    ]);
  });

  it("refuses a spec without a source", () => {
    expect(problems(withSecrets([{ name: "x", source: {} }]))).to.deep.equal([
      "vaults[0].secrets[0].source: must set one of env, config or generate",
    ]);
  });

  it("refuses a value written into the spec, naming the field and never echoing the value", () => {
    const lines = problems(withSecrets([{ name: "x", source: { value: CANARY } }]));
    expect(lines).to.deep.equal([
      'vaults[0].secrets[0].source: unknown field "value"',
      "vaults[0].secrets[0].source: must set one of env, config or generate",
    ]);
  });

  it("refuses generate in prod (the baseline), and names the alternative", () => {
    const doc = committedConfig("prod");
    vaultsOf(doc)[0].secrets.push({ name: "session-key", source: { generate: { length: 32 } } });
    expect(problems(doc)).to.deep.equal([
      "vaults[0].secrets[2].source.generate: generated secrets are not allowed in prod; seed the value from the pipeline (env or config)",
    ]);
  });

  it("allows generate in dev and staging", () => {
    for (const environment of ["dev", "staging"]) {
      expect(BASELINES[environment as "dev" | "staging"].secrets.allowGenerate).to.equal(true);
    }
    const secret = resolveConfig(withSecrets([{ name: "k", source: { generate: {} } }])).vaults[0]
      .secrets[0];
    expect(secret.source).to.deep.equal({
      kind: "generate",
      length: 32,
      special: true,
    });
  });

  it("refuses a generated certificate", () => {
    const doc = withSecrets([
      { name: "c", source: { generate: {} }, contentType: "application/x-pkcs12" },
    ]);
    expect(problems(doc)).to.deep.equal([
      "vaults[0].secrets[0].contentType: a generated value cannot be a certificate (application/x-pkcs12)",
    ]);
  });

  it("refuses an env source that is the deployment's own credential", () => {
    for (const name of ["ARM_CLIENT_SECRET", "PULUMI_CONFIG_PASSPHRASE", "GITHUB_TOKEN"]) {
      expect(problems(withSecrets([{ name: "x", source: { env: name } }]))).to.have.length(1);
    }
  });

  it("limits expiresInDays to the baseline's maximum", () => {
    expect(problems(withSecrets([env("x", { expiresInDays: 366 })]))).to.deep.equal([
      "vaults[0].secrets[0].expiresInDays: must be at most 365 in dev",
    ]);
  });

  it("refuses expiresInDays with expiresOn, and notBefore after expiresOn", () => {
    const lines = problems(
      withSecrets([
        env("a", { expiresInDays: 30, expiresOn: "2026-01-01T00:00:00Z" }),
        env("b", { notBefore: "2026-02-01T00:00:00Z", expiresOn: "2026-01-01T00:00:00Z" }),
      ]),
    );
    expect(lines).to.deep.equal([
      "vaults[0].secrets[0].expiresOn: set either expiresInDays or expiresOn, not both",
      "vaults[0].secrets[1].notBefore: must be before expiresOn",
    ]);
  });

  it("refuses an instant without a time zone", () => {
    expect(problems(withSecrets([env("a", { notBefore: "2026-01-01" })]))[0]).to.match(
      /^vaults\[0\]\.secrets\[0\]\.notBefore: must be an ISO 8601 date-time with a time zone/,
    );
  });

  it("lists every secret problem of every vault at once", () => {
    const doc = withSecrets([env("bad_name"), env("x", { expiresInDays: 400 })]);
    vaultsOf(doc)[1].secrets = [{ name: "y", source: {} }];
    expect(problems(doc)).to.deep.equal([
      "vaults[0].secrets[0].name: must be 1-127 letters, digits and hyphens",
      "vaults[0].secrets[1].expiresInDays: must be at most 365 in dev",
      "vaults[1].secrets[0].source: must set one of env, config or generate",
    ]);
  });

  it("applies the baseline's defaults: text/plain, 90 days, enabled, no tags", () => {
    const doc = withSecrets([env("a")]);
    const { secrets } = vaultsOf(doc)[0];
    const spec = resolveSecretSpec(
      { ...(secrets[0] as { name: string; source: { env: string } }), enabled: true, tags: {} },
      BASELINES.dev,
    );
    expect(spec).to.deep.equal({
      name: "a",
      source: { kind: "env", name: "APPS_VALUE" },
      contentType: "text/plain",
      expiresInDays: 90,
      enabled: true,
      tags: {},
    });
    const resolved = resolveConfig(doc).vaults[0].secrets[0];
    expect(resolved.tags).to.deep.include({ environment: "dev", "managed-by": "keyvault-estate" });
    expect([resolved.contentType, resolved.enabled, resolved.expiresRelative]).to.deep.equal([
      "text/plain",
      true,
      true,
    ]);
  });
});

describe("secret sources", () => {
  it("lists every env and config source with its vault, secret and path, never a generated one", () => {
    expect(
      resolveConfig(secretsFixture()).secretSources.map(({ contentType: _, ...r }) => r),
    ).to.deep.equal([
      {
        kind: "env",
        name: "APPS_DB_PASSWORD",
        vault: "apps",
        secret: "db-password",
        path: "vaults[0].secrets[0]",
      },
      {
        kind: "config",
        name: "keyvault-estate:apps-psp-api-key",
        vault: "apps",
        secret: "psp-api-key",
        path: "vaults[0].secrets[1]",
      },
      {
        kind: "env",
        name: "APPS_TLS_PFX_BASE64",
        vault: "apps",
        secret: "tls-api-pfx",
        path: "vaults[0].secrets[3]",
      },
      {
        kind: "env",
        name: "APPS_TLS_PEM_BASE64",
        vault: "apps",
        secret: "tls-api-pem",
        path: "vaults[0].secrets[4]",
      },
      {
        kind: "env",
        name: "OPS_PAGER_TOKEN",
        vault: "ops",
        secret: "pager-token",
        path: "vaults[1].secrets[0]",
      },
    ]);
  });

  it("flags a config source stored in plain text, naming the key and not the value", () => {
    const doc = secretsFixture();
    doc["keyvault-estate:apps-psp-api-key"] = CONFIG_CANARY;
    const found = problems(doc);
    expect(found).to.deep.equal([
      "keyvault-estate:apps-psp-api-key: is the config source of a secret but is stored in plain text; set it with `pulumi config set --secret` (and rotate the value: it has been in the stack file)",
    ]);
  });
});

describe("certificate values", () => {
  const b64 = (bytes: number[] | string) =>
    (typeof bytes === "string" ? Buffer.from(bytes) : Buffer.from(bytes)).toString("base64");

  it("accepts a PFX: a DER SEQUENCE starting with version 3", () => {
    expect(certificateProblem("application/x-pkcs12", FAKE_PFX_BASE64)).to.equal(undefined);
  });

  it("accepts a long-form length, BER's indefinite length, and line-wrapped base64", () => {
    const body = [0x02, 0x01, 0x03, ...new Array(300).fill(0x04)];
    const long = [0x30, 0x82, body.length >> 8, body.length & 0xff, ...body];
    expect(certificateProblem("application/x-pkcs12", b64(long))).to.equal(undefined);
    expect(
      certificateProblem("application/x-pkcs12", b64([0x30, 0x80, 0x02, 0x01, 0x03, 0, 0])),
    ).to.equal(undefined);
    const wrapped = b64(long).replace(/(.{64})/g, "$1\n");
    expect(certificateProblem("application/x-pkcs12", wrapped)).to.equal(undefined);
  });

  it("refuses a value that is not base64", () => {
    expect(certificateProblem("application/x-pkcs12", `${CANARY}!`)).to.equal("is not base64");
    expect(certificateProblem("application/x-pem-file", FAKE_PEM)).to.equal("is not base64");
  });

  it("refuses base64 that is not a PFX: wrong tag, wrong length, wrong version", () => {
    const expected =
      "does not decode to a PKCS#12 (PFX) file (expected a DER SEQUENCE starting with version 3)";
    for (const bytes of [
      [0x31, 0x03, 0x02, 0x01, 0x03],
      [0x30, 0x09, 0x02, 0x01, 0x03],
      [0x30, 0x03, 0x02, 0x01, 0x02],
    ]) {
      expect(certificateProblem("application/x-pkcs12", b64(bytes))).to.equal(expected);
    }
    expect(certificateProblem("application/x-pkcs12", b64(CANARY))).to.equal(expected);
  });

  it("accepts a PEM bundle with a certificate and a private key", () => {
    expect(certificateProblem("application/x-pem-file", FAKE_PEM_BASE64)).to.equal(undefined);
  });

  it("refuses a PEM bundle missing the key, or an END marker, naming what is missing", () => {
    const certOnly = FAKE_PEM.split("-----BEGIN PRIVATE KEY-----")[0];
    expect(certificateProblem("application/x-pem-file", b64(certOnly))).to.equal(
      "does not decode to a PEM bundle (no BEGIN/END markers of a PRIVATE KEY block)",
    );
    const noEnd = FAKE_PEM.replace("-----END CERTIFICATE-----", "");
    expect(certificateProblem("application/x-pem-file", b64(noEnd))).to.equal(
      "does not decode to a PEM bundle (no BEGIN/END markers of a CERTIFICATE block)",
    );
    expect(certificateProblem("application/x-pem-file", b64(CANARY))).to.equal(
      "does not decode to a PEM bundle (no BEGIN/END markers of a CERTIFICATE block or a PRIVATE KEY block)",
    );
  });
});

describe("secret attributes", () => {
  const spec = (over: Partial<ResolvedSecret>): ResolvedSecret => ({
    name: "s",
    resource: secretResourceName("apps", "s"),
    path: "vaults[0].secrets[0]",
    source: { kind: "env", name: "X" },
    contentType: "text/plain",
    expiresRelative: false,
    enabled: true,
    tags: {},
    ...over,
  });
  const day = Date.UTC(2025, 4, 17) / 1000;
  const resolveAt = (at: string, expiresInDays: number) => {
    const doc = committedConfig("dev");
    const vault = (doc["keyvault-estate:vaults"] as Record<string, unknown>[])[0];
    vault.secrets = [{ name: "s", source: { env: "X" }, expiresInDays }];
    vault.access = [];
    return resolveConfig(doc, new Date(at)).vaults[0].secrets[0];
  };

  it("counts a relative expiry from the start of the creation day (UTC), whatever the hour", () => {
    const morning = resolveAt("2025-05-17T00:00:01Z", 90);
    const night = resolveAt("2025-05-17T23:59:59Z", 90);
    expect(secretAttributes(morning)).to.deep.equal({ enabled: true, expires: day + 90 * 86_400 });
    expect(night).to.deep.equal(morning);
    expect(morning.expiresRelative).to.equal(true);
  });

  it("moves a relative expiry when the creation day moves (hence ignoreChanges after creation)", () => {
    expect(resolveAt("2025-05-18T12:00:00Z", 90).expires).to.equal(day + 91 * 86_400);
  });

  it("uses an absolute expiry and notBefore as given", () => {
    const s = spec({ expires: 1_790_000_000, notBefore: 1_760_000_000, enabled: false });
    expect(secretAttributes(s)).to.deep.equal({
      enabled: false,
      expires: 1_790_000_000,
      notBefore: 1_760_000_000,
    });
  });
});
