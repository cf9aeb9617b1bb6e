import * as pulumi from "@pulumi/pulumi";
import { MAX_SECRET_VALUE_BYTES } from "./azure/limits";
import { PROJECT } from "./model/names";
import { CertificateContentType, isCertificateContentType } from "./model/secrets";
import type { ResolvedEstate, SecretSourceRef } from "./model/types";
import { ConfigProblem } from "./model/validation";

/**
 * Resolves each secret's value source, in the entry only (components never read config or env).
 * Every value is wrapped as a Pulumi secret where it is read. Nothing here ever puts a value into a
 * message: errors and warnings name the variable or config key, the vault and the secret.
 *
 * How missing sources behave depends on the mode:
 * - `up` (a deployment): one `SecretSourceError` listing every missing source and every certificate
 *   that does not decode, thrown before any resource is registered;
 * - `preview` (a dry run): one warning naming them, and the values are unknown.
 */
type SourceMode = "up" | "preview";

/** What a deployment's sources are read from. */
export interface SourceInputs {
  /** The environment the pipeline set (`process.env` in a deployment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The flat stack config (`pulumi.runtime.allConfig()`). */
  readonly config: Readonly<Record<string, string>>;
}

export type { SecretSourceRef };

/** The raw value of a source, or undefined when the pipeline did not provide it. Never printed. */
function rawValue(ref: SecretSourceRef, inputs: SourceInputs): string | undefined {
  const v = ref.kind === "env" ? inputs.env[ref.name] : inputs.config[ref.name];
  return v === undefined || v === "" ? undefined : v;
}

/** Whether the pipeline provided this source (an empty variable counts as missing). */
export function isPresent(ref: SecretSourceRef, inputs: SourceInputs): boolean {
  return rawValue(ref, inputs) !== undefined;
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

/** How a certificate problem ends (`invalidValues`), so the heading can say "certificates". */
const CERTIFICATE_PROBLEM = /\(content type [^)]+\)$/;

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
      `${invalid.length} ${invalid.every((p) => CERTIFICATE_PROBLEM.test(p.message)) ? "certificate" : "secret value"}${invalid.length === 1 ? "" : "s"} cannot be stored:`,
      ...invalid.map((p) => `  - ${p.path}: ${p.message}`),
    );
  }
  return lines.join("\n");
}

function describeRef(r: SecretSourceRef): string {
  return `${r.kind} ${r.name} -> ${r.vault}/${r.secret} (${r.path}.source.${r.kind})`;
}

/** The values of env and config sources, by logical vault name then secret name; each secret. */
export type SecretValues = Readonly<
  Record<string, Readonly<Record<string, pulumi.Output<string>>>>
>;

export interface ResolveArgs {
  readonly mode: SourceMode;
  readonly inputs: SourceInputs;
  /** Reads a config source as a secret: `new pulumi.Config().requireSecret(key)` in the entry. */
  readonly readSecretConfig: (key: string) => pulumi.Output<string>;
  /** Reports the preview warning: `pulumi.log.warn` in the entry. */
  readonly warn: (message: string) => void;
}

/**
 * Checks every source the model lists, then reads every value. Throws (in `up`) before anything is
 * registered; registers nothing itself (generated values are the secrets component's).
 */
export function resolveSecretValues(estate: ResolvedEstate, args: ResolveArgs): SecretValues {
  const { mode, inputs } = args;
  const refs = estate.secretSources;
  const missing = refs.filter((r) => !isPresent(r, inputs));
  const invalid = invalidValues(refs, inputs);
  if (missing.length > 0 || invalid.length > 0) {
    if (mode === "up") throw new SecretSourceError(missing, invalid);
    args.warn(
      `${describeProblems(missing, invalid)}\nThe preview shows ${missing.length > 0 ? "their values as unknown" : "them"}; \`pulumi up\` will refuse to run until this is fixed.`,
    );
  }
  const values: Record<string, Record<string, pulumi.Output<string>>> = {};
  for (const ref of refs) {
    (values[ref.vault] ??= {})[ref.secret] = sourceValue(ref, args);
  }
  return values;
}

function sourceValue(ref: SecretSourceRef, args: ResolveArgs): pulumi.Output<string> {
  const raw = rawValue(ref, args.inputs);
  if (raw === undefined) return unknownSecret();
  const ct = ref.contentType;
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

/** Certificates that do not decode, and values over Key Vault's size limit. Names only. */
function invalidValues(refs: readonly SecretSourceRef[], inputs: SourceInputs): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const r of refs) {
    const ct = r.contentType;
    const raw = rawValue(r, inputs);
    if (raw === undefined) continue;
    const at = { path: `${r.path} (${r.vault}/${r.secret})` };
    const problem = isCertificateContentType(ct) ? certificateProblem(ct, raw) : undefined;
    if (problem) {
      problems.push({
        ...at,
        message: `the value of ${r.kind} ${r.name} ${problem} (content type ${ct})`,
      });
      continue;
    }
    const bytes = storedBytes(ct, raw);
    if (bytes > MAX_SECRET_VALUE_BYTES) {
      problems.push({
        ...at,
        message: `the value of ${r.kind} ${r.name} is ${bytes} bytes as stored; Key Vault stores at most ${MAX_SECRET_VALUE_BYTES} bytes (25 KB) per secret, so \`pulumi up\` would fail on it: store a reference (a blob URL) or split it`,
      });
    }
  }
  return problems;
}

/** The size of what Key Vault would store for this value, in bytes (UTF-8). */
function storedBytes(contentType: string, raw: string): number {
  const stored = isCertificateContentType(contentType) ? certificateValue(contentType, raw) : raw;
  return Buffer.byteLength(stored, "utf8");
}
