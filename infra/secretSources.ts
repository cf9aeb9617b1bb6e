import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { EstateConfig, PROJECT } from "./config";
import {
  CertificateContentType,
  isCertificateContentType,
  resolveSecretSpec,
  SecretSpec,
} from "./secretSpec";
import { ConfigError, ConfigProblem } from "./validation";

/**
 * Resolves each secret's value source, in the entry only (components never read config or env).
 * Every value is wrapped as a Pulumi secret where it is read. Nothing here ever puts a value into a
 * message: errors and warnings name the variable or config key, the vault and the secret.
 *
 * How missing sources behave depends on the mode:
 * - `up` (a deployment): one `SecretSourceError` listing every missing source and every certificate
 *   that does not decode, thrown before any resource is registered;
 * - `preview` (a dry run): one warning naming them, and the values are unknown;
 * - `offline` (the offline plan): no value is read at all; every env and config source is a secret
 *   placeholder. Allowed only in a dry run, so a placeholder can never be deployed.
 */
export type SourceMode = "up" | "preview" | "offline";

/** An input the pipeline must provide for one secret. Names only. */
export interface SecretSourceRef {
  readonly kind: "env" | "config";
  /** The variable name, or the full config key (`keyvault-estate:<key>`). */
  readonly name: string;
  /** Logical vault name. */
  readonly vault: string;
  /** Secret name. */
  readonly secret: string;
  /** The secret's config path, e.g. `vaults[1].secrets[0]`. */
  readonly path: string;
}

/** What a deployment's sources are read from. */
export interface SourceInputs {
  /** The environment the pipeline set (`process.env` in a deployment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The flat stack config (`pulumi.runtime.allConfig()`). */
  readonly config: Readonly<Record<string, string>>;
}

/** The env and config sources of every secret of the estate, in spec order. */
export function secretSourceRefs(config: EstateConfig): SecretSourceRef[] {
  return config.vaults.flatMap((v, vi) =>
    v.secrets.flatMap((s, si): SecretSourceRef[] => {
      const at = { vault: v.name, secret: s.name, path: `vaults[${vi}].secrets[${si}]` };
      if (s.source.env) return [{ kind: "env", name: s.source.env, ...at }];
      if (s.source.config) return [{ kind: "config", name: configKey(s.source.config), ...at }];
      return [];
    }),
  );
}

/** The full config key of a `source.config` name. */
export function configKey(key: string): string {
  return `${PROJECT}:${key}`;
}

/** The raw value of a source, or undefined when the pipeline did not provide it. Never printed. */
function rawValue(ref: SecretSourceRef, inputs: SourceInputs): string | undefined {
  const v = ref.kind === "env" ? inputs.env[ref.name] : inputs.config[ref.name];
  return v === undefined || v === "" ? undefined : v;
}

/** Whether the pipeline provided this source (an empty variable counts as missing). */
export function isPresent(ref: SecretSourceRef, inputs: SourceInputs): boolean {
  return rawValue(ref, inputs) !== undefined;
}

/**
 * Config sources whose value is stored in plain text in the stack file. A secret's config source
 * must be set with `pulumi config set --secret`, so the stack file only holds ciphertext.
 */
export function plaintextConfigSources(
  config: EstateConfig,
  secretKeys: readonly string[],
  flat: Readonly<Record<string, string>>,
): ConfigProblem[] {
  const secret = new Set(secretKeys);
  return secretSourceRefs(config)
    .filter((r) => r.kind === "config" && flat[r.name] !== undefined && !secret.has(r.name))
    .map((r) => ({
      path: r.name,
      message: `is the config source of ${r.vault}/${r.secret} but is stored in plain text; set it with \`pulumi config set --secret\` (and rotate the value: it has been in the stack file)`,
    }));
}

/** Why a certificate value does not decode, or undefined when it does. Never quotes the value. */
export function certificateProblem(
  contentType: CertificateContentType,
  value: string,
): string | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return "is not base64";
  }
  const bytes = Buffer.from(compact, "base64");
  if (contentType === "application/x-pkcs12") {
    return isPfx(bytes)
      ? undefined
      : "does not decode to a PKCS#12 (PFX) file (expected a DER SEQUENCE starting with version 3)";
  }
  const text = bytes.toString("latin1");
  const missing = [
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)
      ? undefined
      : "a CERTIFICATE block",
    /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/.test(text)
      ? undefined
      : "a PRIVATE KEY block",
  ].filter((m): m is string => m !== undefined);
  return missing.length === 0
    ? undefined
    : `does not decode to a PEM bundle (no BEGIN/END markers of ${missing.join(" or ")})`;
}

/**
 * A PFX is a DER `SEQUENCE` whose first element is `INTEGER 3` (RFC 7292, section 4). BER's
 * indefinite length (0x80) is accepted: some toolchains still write it.
 */
function isPfx(b: Buffer): boolean {
  if (b.length < 5 || b[0] !== 0x30) return false;
  let header = 2;
  const first = b[1];
  if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4 || b.length < 2 + n) return false;
    let length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[2 + i];
    header = 2 + n;
    if (header + length !== b.length) return false;
  } else if (first < 0x80 && 2 + first !== b.length) {
    return false;
  }
  return b[header] === 0x02 && b[header + 1] === 0x01 && b[header + 2] === 0x03;
}

/** The value Key Vault stores for a certificate delivered base64-encoded. */
function certificateValue(contentType: CertificateContentType, value: string): string {
  const compact = value.replace(/\s+/g, "");
  // Key Vault keeps a PFX as its base64 text and a PEM bundle as the PEM text itself, which is
  // what App Service, Application Gateway and the CSI driver read back.
  return contentType === "application/x-pkcs12"
    ? compact
    : Buffer.from(compact, "base64").toString("utf8");
}

/**
 * Thrown by `pulumi up` when a source is missing or a certificate does not decode. A `RunError`,
 * so the engine prints the message alone, without a stack trace. Names only, never a value.
 */
export class SecretSourceError extends pulumi.RunError {
  constructor(
    readonly missing: readonly SecretSourceRef[],
    readonly invalid: readonly ConfigProblem[],
  ) {
    super(describeProblems(missing, invalid));
    this.name = "SecretSourceError";
  }
}

function describeProblems(
  missing: readonly SecretSourceRef[],
  invalid: readonly ConfigProblem[],
): string {
  const lines: string[] = [];
  if (missing.length > 0) {
    lines.push(
      `${missing.length} secret source${missing.length === 1 ? " is" : "s are"} missing (the pipeline must provide ${missing.length === 1 ? "it" : "them"}):`,
      ...missing.map((m) => `  - ${describeRef(m)}`),
    );
  }
  if (invalid.length > 0) {
    lines.push(
      `${invalid.length} certificate${invalid.length === 1 ? "" : "s"} cannot be stored:`,
      ...invalid.map((p) => `  - ${p.path}: ${p.message}`),
    );
  }
  return lines.join("\n");
}

function describeRef(r: SecretSourceRef): string {
  return `${r.kind} ${r.name} -> ${r.vault}/${r.secret} (${r.path}.source.${r.kind})`;
}

/** One secret ready to be created: its spec with defaults applied and its (secret) value. */
export interface ResolvedSecret {
  readonly spec: SecretSpec;
  readonly value: pulumi.Output<string>;
}

/** Every vault's resolved secrets, by logical vault name, in spec order. */
export type ResolvedSecrets = Readonly<Record<string, readonly ResolvedSecret[]>>;

export interface ResolveArgs {
  readonly mode: SourceMode;
  readonly inputs: SourceInputs;
  /** Reads a config source as a secret: `new pulumi.Config().requireSecret(key)` in the entry. */
  readonly readSecretConfig: (key: string) => pulumi.Output<string>;
  /** Reports the preview warning: `pulumi.log.warn` in the entry. */
  readonly warn: (message: string) => void;
}

/** What the offline plan stores instead of a value: a secret, and obviously not a credential. */
export const OFFLINE_PLACEHOLDER = "offline-plan-placeholder-not-a-value";

/**
 * Checks every source, then resolves every secret's value. Throws (in `up`) before it registers
 * anything; the only resources it registers are the `RandomPassword`s of generated secrets.
 */
export function resolveSecretValues(config: EstateConfig, args: ResolveArgs): ResolvedSecrets {
  const { mode, inputs } = args;
  if (mode === "offline" && !pulumi.runtime.isDryRun()) {
    throw new pulumi.RunError(
      "offline secret placeholders are only for a dry run (the offline plan); refusing to deploy them",
    );
  }
  const misplaced = misplacedSecrets(config);
  if (misplaced.length > 0) throw new ConfigError(misplaced);
  const refs = secretSourceRefs(config);
  const refOf = (vault: string, secret: string) =>
    refs.find((r) => r.vault === vault && r.secret === secret);

  if (mode !== "offline") {
    const missing = refs.filter((r) => !isPresent(r, inputs));
    const invalid = invalidCertificates(config, refs, inputs);
    if (missing.length > 0 || invalid.length > 0) {
      if (mode === "up") throw new SecretSourceError(missing, invalid);
      args.warn(
        `${describeProblems(missing, invalid)}\nThe preview shows ${missing.length > 0 ? "their values as unknown" : "them"}; \`pulumi up\` will refuse to run until this is fixed.`,
      );
    }
  }

  const resolved: Record<string, ResolvedSecret[]> = {};
  for (const v of config.vaults) {
    resolved[v.name] = v.secrets.map((input) => {
      const spec = resolveSecretSpec(input, config.baseline);
      const ref = refOf(v.name, spec.name);
      const value = ref
        ? sourceValue(ref, spec, args)
        : generatedValue(`${v.name}--${spec.name}`, spec);
      return { spec, value };
    });
  }
  return resolved;
}

function sourceValue(
  ref: SecretSourceRef,
  spec: SecretSpec,
  args: ResolveArgs,
): pulumi.Output<string> {
  if (args.mode === "offline") return pulumi.secret(OFFLINE_PLACEHOLDER);
  const raw = rawValue(ref, args.inputs);
  if (raw === undefined) return unknownSecret();
  const ct = spec.contentType;
  if (ref.kind === "env") {
    return pulumi.secret(isCertificateContentType(ct) ? certificateValue(ct, raw) : raw);
  }
  const value = args.readSecretConfig(ref.name.slice(PROJECT.length + 1));
  return pulumi.secret(
    isCertificateContentType(ct) ? value.apply((s) => certificateValue(ct, s)) : value,
  );
}

/**
 * An unknown value, as a preview shows a value it cannot know. Its callback never runs: an
 * unknown output never applies, so no placeholder can stand in for the missing value.
 */
function unknownSecret(): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.output(pulumi.unknown).apply((): string => {
      throw new Error("an unknown secret value was applied");
    }),
  );
}

function generatedValue(name: string, spec: SecretSpec): pulumi.Output<string> {
  if (spec.source.kind !== "generate") throw new Error(`${name} has no generate source`);
  const password = new random.RandomPassword(name, {
    length: spec.source.length,
    special: spec.source.special,
    ...(spec.source.version !== undefined ? { keepers: { version: spec.source.version } } : {}),
  });
  return pulumi.secret(password.result);
}

function invalidCertificates(
  config: EstateConfig,
  refs: readonly SecretSourceRef[],
  inputs: SourceInputs,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const r of refs) {
    const spec = config.vaults
      .find((v) => v.name === r.vault)
      ?.secrets.find((s) => s.name === r.secret);
    const ct = spec?.contentType;
    const raw = rawValue(r, inputs);
    if (!ct || !isCertificateContentType(ct) || raw === undefined) continue;
    const problem = certificateProblem(ct, raw);
    if (problem) {
      problems.push({
        path: `${r.path} (${r.vault}/${r.secret})`,
        message: `the value of ${r.kind} ${r.name} ${problem} (content type ${ct})`,
      });
    }
  }
  return problems;
}

/** Secrets listed on a Managed HSM, which holds keys only. */
export function misplacedSecrets(config: EstateConfig): ConfigProblem[] {
  return config.vaults.flatMap((v, i) =>
    v.tier === "managedHsm" && v.secrets.length > 0
      ? [
          {
            path: `vaults[${i}].secrets`,
            message: "a Managed HSM holds keys only; put secrets in a standard or premium vault",
          },
        ]
      : [],
  );
}

/**
 * The offline plan's checks that need the stack file itself: config sources must be `secure:`
 * (and secrets must sit in a vault that can hold them). Throws a `ConfigError` naming the keys.
 */
export function assertSecretSourcesStorable(
  config: EstateConfig,
  secretKeys: readonly string[],
  flat: Readonly<Record<string, string>>,
): void {
  const problems = [
    ...misplacedSecrets(config),
    ...plaintextConfigSources(config, secretKeys, flat),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
}
