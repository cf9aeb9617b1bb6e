import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { pipelineSecretValues } from "../infra/main";
import { estateProgram, runAtOnce } from "../infra/program";
import { resolveEstate } from "../infra/model/estate";
import { resolveSecretValues, SecretSourceError, SecretValues } from "../infra/sources";
import { isSecretValue } from "../tools/plan/emulator";
import { planProgram, runProgram } from "../tools/plan/engine";
import { cli, EXIT, planStack } from "../tools/plan/cli";
import { PlannedResource } from "../tools/contract/plan";
import { renderConsole, renderJson, renderMarkdown } from "../tools/plan/report";
import { readStackFile } from "../tools/plan/stackFile";
import {
  clone,
  input,
  ofType,
  planConfig,
  promiseOf,
  StackConfigDoc,
  tempDir,
  writeStackFile,
} from "./helpers";
import {
  CONFIG_CANARY,
  FAKE_PEM,
  FAKE_PFX_BASE64,
  leaks,
  pipelineEnv,
  SECRETS_FIXTURE,
  secretsFixture,
  vaultsOf,
} from "./fixtures/secrets-canaries";

const SECRET = "azure-native:keyvault:Secret";
const PSP_KEY = "keyvault-estate:apps-psp-api-key";
const NOW = new Date("2025-05-17T10:30:00Z");
const DAY = Date.UTC(2025, 4, 17) / 1000;

/** A secret as the engine received it: its value, whether it came wrapped as a secret, options. */
interface SeenSecret {
  readonly value: unknown;
  readonly secret: boolean;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
}

/** What a run of the program in one engine mode produced, as far as these tests read it. */
interface MainRun {
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
  /** Per Secret (by Pulumi name): the value it received and its options. */
  readonly secrets: Record<string, SeenSecret>;
  readonly warnings: string[];
}

/**
 * Runs the real program under the offline engine as `pulumi up` (preview false) or `pulumi
 * preview` (true) would: `secure:` config decrypted to `configValues`, the pipeline's `env`. The
 * engine's recording (with the test seam that sees secret inputs) is the only capture.
 */
async function runMain(
  doc: StackConfigDoc,
  opts: { preview: boolean; env: Record<string, string>; configValues?: Record<string, string> },
): Promise<MainRun> {
  const file = readStackFile(writeStackFile(doc));
  const flat = { ...file.flat, ...(opts.configValues ?? { [PSP_KEY]: CONFIG_CANARY }) };
  const secrets: Record<string, SeenSecret> = {};
  const registered: string[] = [];
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    const run = await runProgram(
      "test",
      { flat, secretKeys: file.secretKeys },
      () =>
        runAtOnce(
          estateProgram({
            config: flat,
            secretKeys: file.secretKeys,
            now: NOW,
            secretValues: pipelineSecretValues({ env: opts.env, config: flat }),
          }),
        ),
      {
        preview: opts.preview,
        observe: (r, inputs) => {
          if (r.type !== "pulumi:pulumi:Stack") registered.push(r.type);
          if (r.type !== SECRET) return;
          // The SDK marks the whole `properties` secret when one field of it is.
          const raw = inputs.properties;
          const props = (isSecretValue(raw) ? raw.value : raw) as { value?: unknown } | undefined;
          const value = props?.value;
          secrets[r.name] = {
            value: isSecretValue(value) ? value.value : value,
            secret: isSecretValue(raw) || isSecretValue(value),
            ignoreChanges: r.ignoreChanges,
            replaceOnChanges: r.replaceOnChanges,
          };
        },
      },
    );
    return { ...run, secrets, warnings };
  } catch (e) {
    (e as { registered?: string[] }).registered = registered;
    throw e;
  } finally {
    console.warn = warn;
  }
}

/** The error a run throws, with the resource types it registered before throwing. */
async function failure(run: Promise<unknown>): Promise<Error & { registered: string[] }> {
  try {
    await run;
  } catch (e) {
    return e as Error & { registered: string[] };
  }
  throw new Error("expected the run to fail");
}

function byName<T extends { name: string }>(rs: readonly T[], name: string): T {
  const r = rs.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
}
const short = (urns: readonly string[]) => urns.map((u) => u.split("::").pop());

describe("secrets in pulumi up", () => {
  let run: MainRun;
  before(async () => {
    run = await runMain(secretsFixture(), { preview: false, env: pipelineEnv() });
  });

  it("registers one Secret per spec, under its vault, named by vault and secret", () => {
    const secrets = run.resources.filter((r) => r.type === SECRET);
    expect(secrets.map((s) => [s.name, input(s, "secretName")])).to.deep.equal([
      ["apps/secrets/db-password", "db-password"],
      ["apps/secrets/psp-api-key", "psp-api-key"],
      ["apps/secrets/session-signing-key", "session-signing-key"],
      ["apps/secrets/tls-api-pem", "tls-api-pem"],
      ["apps/secrets/tls-api-pfx", "tls-api-pfx"],
      ["ops/secrets/pager-token", "pager-token"],
    ]);
    expect(secrets.map((s) => s.parent?.split("::").pop())).to.deep.equal([
      "apps/secrets",
      "apps/secrets",
      "apps/secrets",
      "apps/secrets",
      "apps/secrets",
      "ops/secrets",
    ]);
    expect(secrets.every((s) => s.urn.includes("keyvault-estate:secrets:VaultSecrets$"))).to.equal(
      true,
    );
  });

  it("serializes each vault's writes: keys first, then secrets in spec order; vaults stay parallel", () => {
    const dep = (name: string) =>
      short(byName(run.resources, name).dependsOn).filter((n) =>
        /^(apps|ops)\/(keys|secrets)\/[^/]+$/.test(n ?? ""),
      );
    expect(dep("apps/secrets/db-password")).to.deep.equal(["apps/keys/cmk-storage"]);
    expect(dep("apps/secrets/psp-api-key")).to.deep.equal(["apps/secrets/db-password"]);
    expect(dep("apps/secrets/session-signing-key")).to.deep.equal(["apps/secrets/psp-api-key"]);
    expect(dep("apps/secrets/tls-api-pfx")).to.deep.equal(["apps/secrets/session-signing-key"]);
    expect(dep("apps/secrets/tls-api-pem")).to.deep.equal(["apps/secrets/tls-api-pfx"]);
    expect(dep("ops/secrets/pager-token")).to.deep.equal([]);
  });

  it("passes every value to the Secret as a Pulumi secret, and records none", async () => {
    for (const [name, s] of Object.entries(run.secrets)) {
      expect(s.secret, name).to.equal(true);
      expect(input(byName(run.resources, name), "properties.value"), name).to.equal("[secret]");
    }
    expect(Object.keys(run.secrets)).to.have.length(6);
  });

  it("reads each source: env, secret config, a generated password", async () => {
    expect(run.secrets["apps/secrets/db-password"].value).to.equal(pipelineEnv().APPS_DB_PASSWORD);
    expect(run.secrets["apps/secrets/psp-api-key"].value).to.equal(CONFIG_CANARY);
    const password = byName(run.resources, "apps/secrets/session-signing-key/value");
    expect(password.type).to.equal("random:index/randomPassword:RandomPassword");
    expect(password.inputs).to.deep.equal({ keepers: { version: "1" }, length: 48, special: true });
    expect(short(byName(run.resources, "apps/secrets/session-signing-key").dependsOn)).to.include(
      "apps/secrets/session-signing-key/value",
    );
  });

  it("wraps each value as a secret where it is read, before any resource sees it", async () => {
    const file = readStackFile(SECRETS_FIXTURE);
    const estate = resolveEstate({ config: file.flat, secretKeys: file.secretKeys, now: NOW });
    let resolved: SecretValues = {};
    await runProgram("test", file, () => {
      resolved = resolveSecretValues(estate, {
        mode: "up",
        inputs: { env: pipelineEnv(), config: { ...file.flat, [PSP_KEY]: CONFIG_CANARY } },
        readSecretConfig: (key) => new pulumi.Config().requireSecret(key),
        warn: () => undefined,
      });
    });
    const all = Object.entries(resolved).flatMap(([vault, values]) =>
      Object.entries(values).map(([secret, value]) => ({ name: `${vault}/${secret}`, value })),
    );
    // Generated values are not read: the secrets component generates them.
    expect(all.map((r) => r.name)).to.deep.equal([
      "apps/db-password",
      "apps/psp-api-key",
      "apps/tls-api-pfx",
      "apps/tls-api-pem",
      "ops/pager-token",
    ]);
    for (const r of all) expect(await pulumi.isSecret(r.value), r.name).to.equal(true);
    expect(await promiseOf(resolved.apps["db-password"])).to.equal(pipelineEnv().APPS_DB_PASSWORD);
  });

  it("stores a PFX as its base64 text and a PEM bundle as its PEM text", async () => {
    expect(run.secrets["apps/secrets/tls-api-pfx"].value).to.equal(FAKE_PFX_BASE64);
    expect(run.secrets["apps/secrets/tls-api-pem"].value).to.equal(FAKE_PEM);
  });

  it("sets content type, attributes and tags; a relative expiry counts from the clock's day", () => {
    const props = (name: string) => input(byName(run.resources, name), "properties");
    expect(props("apps/secrets/db-password")).to.deep.equal({
      attributes: { enabled: true, expires: DAY + 90 * 86_400 },
      contentType: "text/plain",
      value: "[secret]",
    });
    expect(input(byName(run.resources, "apps/secrets/db-password"), "tags")).to.deep.equal({
      app: "orders-api",
      environment: "dev",
      "managed-by": "keyvault-estate",
      owner: "platform-team",
    });
    expect(props("apps/secrets/psp-api-key")).to.deep.include({ contentType: "text/plain" });
    expect(props("apps/secrets/tls-api-pfx")).to.deep.equal({
      attributes: { enabled: true, expires: Date.UTC(2026, 5, 30) / 1000 },
      contentType: "application/x-pkcs12",
      value: "[secret]",
    });
    expect(props("apps/secrets/tls-api-pem")).to.deep.equal({
      attributes: {
        enabled: false,
        expires: DAY + 365 * 86_400,
        notBefore: Date.UTC(2025, 0, 1) / 1000,
      },
      contentType: "application/x-pem-file",
      value: "[secret]",
    });
    expect(
      input(byName(run.resources, "ops/secrets/pager-token"), "properties.attributes"),
    ).to.deep.equal({
      enabled: true,
      expires: DAY + 90 * 86_400,
    });
  });

  it("ignores changes of a clock-computed expiry only, never of the value", () => {
    const expiry = ["properties.attributes.expires"];
    expect(run.secrets["apps/secrets/db-password"].ignoreChanges).to.deep.equal(expiry);
    expect(run.secrets["apps/secrets/tls-api-pem"].ignoreChanges).to.deep.equal(expiry);
    expect(run.secrets["apps/secrets/tls-api-pfx"].ignoreChanges).to.deep.equal([]);
    for (const s of Object.values(run.secrets)) {
      expect(s.replaceOnChanges).to.deep.equal([]);
    }
  });

  it("exports each secret's versionless URI under its vault, and no value", () => {
    const vaults = run.outputs.vaults as Record<string, { name: string; secrets: unknown }>;
    const uri = (v: string, s: string) => `https://${vaults[v].name}.vault.azure.net/secrets/${s}`;
    expect(vaults.apps.secrets).to.deep.equal({
      "db-password": uri("apps", "db-password"),
      "psp-api-key": uri("apps", "psp-api-key"),
      "session-signing-key": uri("apps", "session-signing-key"),
      "tls-api-pem": uri("apps", "tls-api-pem"),
      "tls-api-pfx": uri("apps", "tls-api-pfx"),
    });
    expect(vaults.ops.secrets).to.deep.equal({ "pager-token": uri("ops", "pager-token") });
  });

  it("lets no canary reach a recorded input, output or stack output", () => {
    expect(leaks(JSON.stringify({ r: run.resources, o: run.outputs }))).to.deep.equal([]);
    expect(JSON.stringify(run.resources)).not.to.include("-----BEGIN");
  });

  it("updates a changed value in place: same URN, same recorded inputs, still secret", async () => {
    const env = { ...pipelineEnv(), APPS_DB_PASSWORD: "CANARY-6b1f-not-a-real-secret-rotated" };
    const rotated = await runMain(secretsFixture(), { preview: false, env });
    const before = byName(run.resources, "apps/secrets/db-password");
    const after = byName(rotated.resources, "apps/secrets/db-password");
    expect(after.urn).to.equal(before.urn);
    expect(after.inputs).to.deep.equal(before.inputs);
    expect(rotated.secrets["apps/secrets/db-password"].value).to.equal(env.APPS_DB_PASSWORD);
    expect(rotated.secrets["apps/secrets/db-password"].secret).to.equal(true);
  });

  it("fails with one error listing every missing source by name, before registering anything", async () => {
    const env: Record<string, string> = { ...pipelineEnv(), APPS_TLS_PEM_BASE64: "" };
    delete env.APPS_DB_PASSWORD;
    delete env.OPS_PAGER_TOKEN;
    const doc = secretsFixture();
    delete doc[PSP_KEY];
    const e = await failure(runMain(doc, { preview: false, env, configValues: {} }));
    expect(e).to.be.instanceOf(SecretSourceError);
    expect(e).to.be.instanceOf(pulumi.RunError);
    expect(e.message).to.equal(
      [
        "4 secret sources are missing (the pipeline must provide them):",
        "  - env APPS_DB_PASSWORD -> apps/db-password (vaults[0].secrets[0].source.env)",
        "  - config keyvault-estate:apps-psp-api-key -> apps/psp-api-key (vaults[0].secrets[1].source.config)",
        "  - env APPS_TLS_PEM_BASE64 -> apps/tls-api-pem (vaults[0].secrets[4].source.env)",
        "  - env OPS_PAGER_TOKEN -> ops/pager-token (vaults[1].secrets[0].source.env)",
      ].join("\n"),
    );
    expect(e.registered).to.deep.equal([]);
    expect(leaks(e.message)).to.deep.equal([]);
  });

  it("refuses certificates that do not decode, naming the secret and never the value", async () => {
    const env = {
      ...pipelineEnv(),
      APPS_TLS_PFX_BASE64: Buffer.from("CANARY-6b1f-not-a-real-secret-pfx").toString("base64"),
      APPS_TLS_PEM_BASE64: "CANARY-6b1f-not-a-real-secret-pem!",
    };
    const e = await failure(runMain(secretsFixture(), { preview: false, env }));
    expect(e).to.be.instanceOf(SecretSourceError);
    expect(e.message).to.equal(
      [
        "2 certificates cannot be stored:",
        "  - vaults[0].secrets[3] (apps/tls-api-pfx): the value of env APPS_TLS_PFX_BASE64 does not decode to a PKCS#12 (PFX) file (expected a DER SEQUENCE starting with version 3) (content type application/x-pkcs12)",
        "  - vaults[0].secrets[4] (apps/tls-api-pem): the value of env APPS_TLS_PEM_BASE64 is not base64 (content type application/x-pem-file)",
      ].join("\n"),
    );
    expect(e.registered).to.deep.equal([]);
    expect(leaks(e.message)).to.deep.equal([]);
    expect(e.message).not.to.include(env.APPS_TLS_PFX_BASE64.slice(0, 16));
  });

  it("refuses offline placeholders outside a dry run, so none can be deployed", async () => {
    const file = readStackFile(SECRETS_FIXTURE);
    const e = await failure(runProgram("test", file, planProgram(file, NOW), { preview: false }));
    expect(e).to.be.instanceOf(pulumi.RunError);
    expect(e.message).to.match(/only for a dry run/);
  });
});

describe("secrets in pulumi preview", () => {
  it("warns once naming every missing source, and leaves those values unknown", async () => {
    const env: Record<string, string> = pipelineEnv();
    delete env.APPS_DB_PASSWORD;
    const doc = secretsFixture();
    delete doc[PSP_KEY];
    const run = await runMain(doc, { preview: true, env, configValues: {} });
    const warnings = run.warnings.filter((w) => w.includes("missing"));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include("env APPS_DB_PASSWORD -> apps/db-password");
    expect(warnings[0]).to.include("config keyvault-estate:apps-psp-api-key -> apps/psp-api-key");
    expect(warnings[0]).to.include("their values as unknown");
    expect(run.resources.filter((r) => r.type === SECRET)).to.have.length(6);
    // An unknown value is neither a value nor a placeholder: the engine shows it as unknown.
    expect(
      input(byName(run.resources, "apps/secrets/db-password"), "properties.value"),
    ).not.to.be.a("string");
    expect(
      input(byName(run.resources, "apps/secrets/psp-api-key"), "properties.value"),
    ).not.to.be.a("string");
    expect(input(byName(run.resources, "ops/secrets/pager-token"), "properties.value")).to.equal(
      "[secret]",
    );
    // What the engine receives for a value it cannot know: unknown, never a value or placeholder.
    expect(run.secrets["apps/secrets/db-password"].value).to.equal(pulumi.unknown);
    expect(run.secrets["apps/secrets/psp-api-key"].value).to.equal(pulumi.unknown);
    expect(run.secrets["ops/secrets/pager-token"].secret).to.equal(true);
    expect(leaks(JSON.stringify([run.warnings, run.resources, run.outputs]))).to.deep.equal([]);
  });

  it("warns, without failing, about a certificate that does not decode", async () => {
    const env = { ...pipelineEnv(), APPS_TLS_PFX_BASE64: "CANARY-6b1f-not-a-real-secret-pfx" };
    const run = await runMain(secretsFixture(), { preview: true, env });
    expect(run.warnings.join("\n")).to.include("vaults[0].secrets[3] (apps/tls-api-pfx)");
    expect(leaks(run.warnings.join("\n"))).to.deep.equal([]);
  });

  it("says nothing when every source is present", async () => {
    const run = await runMain(secretsFixture(), { preview: true, env: pipelineEnv() });
    expect(run.warnings).to.deep.equal([]);
  });
});

describe("secrets in the offline plan", () => {
  let report: Awaited<ReturnType<typeof planStack>>;
  before(async () => {
    report = await planStack({ stack: "test", configFile: SECRETS_FIXTURE, env: {}, now: NOW });
  });

  it("lists every input the pipeline must provide, and which are missing in this run", () => {
    expect(report.requiredInputs).to.deep.equal([
      {
        kind: "env",
        name: "APPS_DB_PASSWORD",
        vault: "apps",
        secret: "db-password",
        present: false,
      },
      { kind: "config", name: PSP_KEY, vault: "apps", secret: "psp-api-key", present: true },
      {
        kind: "env",
        name: "APPS_TLS_PFX_BASE64",
        vault: "apps",
        secret: "tls-api-pfx",
        present: false,
      },
      {
        kind: "env",
        name: "APPS_TLS_PEM_BASE64",
        vault: "apps",
        secret: "tls-api-pem",
        present: false,
      },
      { kind: "env", name: "OPS_PAGER_TOKEN", vault: "ops", secret: "pager-token", present: false },
    ]);
    expect(report.summary).to.deep.include({ requiredInputs: 5, missingInputs: 4 });
  });

  it("renders every value as [secret], present or missing", () => {
    const values = ofType(report, SECRET).map((s) => input(s, "properties.value"));
    expect(values).to.deep.equal(new Array(6).fill("[secret]"));
  });

  it("says in the console and the Markdown which inputs are missing", () => {
    const text = renderConsole(report);
    expect(text).to.include("Inputs the pipeline must provide (4 missing in this run):");
    expect(text).to.include("  MISSING  env APPS_DB_PASSWORD  -> apps/db-password");
    expect(text).to.include(`  ok       config ${PSP_KEY}  -> apps/psp-api-key`);
    expect(text).to.include("`pulumi up` refuses to run until the pipeline provides them");
    const md = renderMarkdown(report);
    expect(md).to.include("| env | `APPS_DB_PASSWORD` | apps | db-password | **missing** |");
    expect(md).to.include(`| config | \`${PSP_KEY}\` | apps | psp-api-key | present |`);
  });

  it("is byte-identical for one day, whatever the hour, and with values present or not", async () => {
    const evening = await planStack({
      stack: "test",
      configFile: SECRETS_FIXTURE,
      env: {},
      now: new Date("2025-05-17T23:59:00Z"),
    });
    expect(renderJson(evening)).to.equal(renderJson(report));
    const seeded = await planStack({
      stack: "test",
      configFile: SECRETS_FIXTURE,
      env: pipelineEnv(),
      now: NOW,
    });
    // Only whether each input is present differs; resources and outputs are the same bytes.
    const shape = (r: typeof report) =>
      renderJson({
        ...r,
        requiredInputs: [],
        summary: r.summary && { ...r.summary, missingInputs: 0 },
      });
    expect(shape(seeded)).to.equal(shape(report));
    expect(seeded.summary.missingInputs).to.equal(0);
  });

  it("refuses a config source stored in plain text (exit 2), naming the key and not the value", async () => {
    const doc = secretsFixture();
    doc[PSP_KEY] = CONFIG_CANARY;
    let out = "";
    let err = "";
    const code = await cli(
      ["--stack", "test", "--config", writeStackFile(doc)],
      (s) => (out += s),
      (s) => (err += s),
    );
    expect(code).to.equal(EXIT.invalid);
    expect(err).to.include(
      `${PSP_KEY}: is the config source of a secret but is stored in plain text`,
    );
    expect(leaks(out + err)).to.deep.equal([]);
    expect(err).not.to.include(CONFIG_CANARY);
  });

  it("refuses secrets on a Managed HSM (exit 2)", async () => {
    const doc = secretsFixture();
    delete doc[PSP_KEY];
    vaultsOf(doc)[1] = {
      ...vaultsOf(doc)[1],
      tier: "managedHsm",
      initialAdminObjectIds: ["4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"],
    };
    vaultsOf(doc)[0].secrets = [];
    let err = "";
    const code = await cli(
      ["--stack", "test", "--config", writeStackFile(doc)],
      () => undefined,
      (s) => (err += s),
    );
    expect(code).to.equal(EXIT.invalid);
    expect(err).to.include(
      "vaults[1].secrets: a Managed HSM holds keys only; put secrets in a standard or premium vault",
    );
  });

  it("plans a generated secret in dev with no input to provide", async () => {
    const doc = secretsFixture();
    delete doc[PSP_KEY];
    vaultsOf(doc)[0].secrets = [{ name: "k", source: { generate: { length: 20 } } }];
    vaultsOf(doc)[1].secrets = [];
    const r = await planConfig(doc, { env: {} });
    expect(r.requiredInputs).to.deep.equal([]);
    expect(
      ofType(r, "random:index/randomPassword:RandomPassword").map((p) => p.inputs),
    ).to.deep.equal([{ length: 20, special: true }]);
  });
});

describe("canaries through the plan CLI", () => {
  const saved: Record<string, string | undefined> = {};
  const canaryEnv = {
    ...pipelineEnv(),
    PAYMENTS_DB_PASSWORD: "CANARY-6b1f-not-a-real-secret-db",
    PAYMENTS_PSP_API_KEY: "CANARY-6b1f-not-a-real-secret-psp",
    PLATFORM_TLS_API_PFX_BASE64: FAKE_PFX_BASE64,
  };
  before(() => {
    for (const [k, v] of Object.entries(canaryEnv)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  async function plan(args: string[]) {
    const dir = tempDir();
    const json = path.join(dir, "r.json");
    const md = path.join(dir, "r.md");
    let out = "";
    let err = "";
    const code = await cli(
      [...args, "--json", json, "--markdown", md],
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err, json: fs.readFileSync(json, "utf8"), md: fs.readFileSync(md, "utf8") };
  }

  it("plans prod with canaries in the environment: exit 0, every input present, no canary anywhere", async () => {
    const r = await plan(["--stack", "prod"]);
    expect(r.code).to.equal(EXIT.ok);
    expect(leaks(r.out + r.err + r.json + r.md)).to.deep.equal([]);
    expect(r.out + r.json + r.md).not.to.include("CANARY");
    const report = JSON.parse(r.json);
    expect(
      report.requiredInputs.map((i: { name: string; present: boolean }) => [i.name, i.present]),
    ).to.deep.equal([
      ["PAYMENTS_DB_PASSWORD", true],
      ["PAYMENTS_PSP_API_KEY", true],
      ["PLATFORM_TLS_API_PFX_BASE64", true],
    ]);
  });

  it("plans the fixture with a secure: canary and env canaries: no canary anywhere", async () => {
    const r = await plan(["--stack", "test", "--config", SECRETS_FIXTURE]);
    expect(r.code).to.equal(EXIT.ok);
    expect(r.out + r.err + r.json + r.md).not.to.include("CANARY");
    expect(r.out).to.include("Inputs the pipeline must provide (0 missing in this run):");
  });

  it("plans prod without the variables: exit 0, and says which are missing", async () => {
    const env = clone(process.env);
    for (const k of Object.keys(canaryEnv)) delete process.env[k];
    try {
      const r = await plan(["--stack", "prod"]);
      expect(r.code).to.equal(EXIT.ok);
      expect(r.out).to.include("Inputs the pipeline must provide (3 missing in this run):");
      expect(r.out).to.include(
        "  MISSING  env PLATFORM_TLS_API_PFX_BASE64  -> platform/tls-api-cert",
      );
    } finally {
      Object.assign(process.env, env);
    }
  });
});
