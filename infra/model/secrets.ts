import { z } from "zod";
import { Baseline } from "../../stacks";
import { OBJECT_NAME } from "./validation";

/**
 * A secret spec from the stack config: one `keyvault.Secret` whose value comes from the pipeline.
 * The schema checks each field; the cross-field and baseline rules (`checkSecrets`) run once the
 * vault itself parsed. No rule here ever sees a value: values are read later, by the entry.
 */

/** Content types App Service and Application Gateway import from Key Vault as certificates. */
export const CERTIFICATE_CONTENT_TYPES = [
  "application/x-pkcs12",
  "application/x-pem-file",
] as const;
export type CertificateContentType = (typeof CERTIFICATE_CONTENT_TYPES)[number];

export function isCertificateContentType(t: string): t is CertificateContentType {
  return (CERTIFICATE_CONTENT_TYPES as readonly string[]).includes(t);
}

/**
 * Variables the deployment itself runs on. Seeding a vault from one of them would copy the
 * deploying identity's credential (ARM_CLIENT_SECRET) or the state passphrase into a secret.
 */
const RESERVED_ENV = /^(PULUMI_|ARM_|ACTIONS_|GITHUB_TOKEN$)/;

const isoInstant = (what: string) =>
  z.iso.datetime({
    offset: true,
    error: `must be an ISO 8601 date-time with a time zone (2025-01-31T00:00:00Z): ${what}`,
  });

export const secretSourceSchema = z.strictObject({
  /** An environment variable the pipeline sets from its own secret store. */
  env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, { error: "must be an environment variable name" })
    .refine((n) => !RESERVED_ENV.test(n), {
      error:
        "names a variable of the deployment itself (PULUMI_*, ARM_*, ACTIONS_*, GITHUB_TOKEN); use a variable set for this secret",
    })
    .optional(),
  /** A key in the `keyvault-estate:` namespace, set with `pulumi config set --secret`. */
  config: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/, { error: "must be a config key name" })
    .optional(),
  /** A `random.RandomPassword`, where the baseline allows it. */
  generate: z
    .strictObject({
      length: z
        .number({ error: "must be a whole number, 16..256" })
        .int({ error: "must be a whole number, 16..256" })
        .min(16, { error: "must be 16..256" })
        .max(256, { error: "must be 16..256" })
        .default(32),
      /** Include punctuation. Defaults to true. */
      special: z.boolean().default(true),
      /** Change this to generate a new value (it is the RandomPassword's keeper). */
      version: z.union([z.string().min(1).max(64), z.number().int()]).optional(),
    })
    .optional(),
});

export const secretSpecSchema = z.strictObject({
  name: z.string().regex(OBJECT_NAME, { error: "must be 1-127 letters, digits and hyphens" }),
  source: secretSourceSchema,
  /** Defaults to text/plain. */
  contentType: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7e]+$/, { error: "must be printable ASCII (a MIME type)" })
    .optional(),
  /** Days from creation to expiry. Defaults to the baseline's (90). Set at creation only. */
  expiresInDays: z
    .number({ error: "must be a whole number of days" })
    .int({ error: "must be a whole number of days" })
    .positive({ error: "must be a positive number of days" })
    .optional(),
  /** An absolute expiry instead of `expiresInDays`; changing it updates the secret in place. */
  expiresOn: isoInstant("the instant the secret expires").optional(),
  /** The secret is not valid before this instant. */
  notBefore: isoInstant("the instant the secret becomes valid").optional(),
  /** Defaults to true. A disabled secret cannot be read (how a pipeline revokes it quickly). */
  enabled: z.boolean().default(true),
  /** Tags on the secret, merged over the estate's. Key Vault allows 15 per secret. */
  tags: z
    .record(z.string().min(1).max(512), z.string().max(256))
    .refine((t) => Object.keys(t).length <= 15, { error: "Key Vault allows at most 15 tags" })
    .default({}),
});

export type SecretSpecInput = z.output<typeof secretSpecSchema>;

/** Where a secret's value comes from, after validation: exactly one kind. */
export type SecretSource =
  | { readonly kind: "env"; readonly name: string }
  | { readonly kind: "config"; readonly key: string }
  | {
      readonly kind: "generate";
      readonly length: number;
      readonly special: boolean;
      readonly version?: string;
    };

/** A validated secret spec with the baseline's defaults applied. */
export interface SecretSpec {
  readonly name: string;
  readonly source: SecretSource;
  readonly contentType: string;
  /** Relative expiry (set from the clock at creation), unless `expiresOn` is set. */
  readonly expiresInDays?: number;
  /** Absolute expiry, seconds since the epoch. */
  readonly expiresOn?: number;
  /** Seconds since the epoch. */
  readonly notBefore?: number;
  readonly enabled: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Applies the baseline's defaults to a spec `checkSecrets` accepted. */
export function resolveSecretSpec(s: SecretSpecInput, b: Baseline): SecretSpec {
  const { env, config, generate } = s.source;
  const source: SecretSource = env
    ? { kind: "env", name: env }
    : config
      ? { kind: "config", key: config }
      : {
          kind: "generate",
          length: generate?.length ?? 32,
          special: generate?.special ?? true,
          ...(generate?.version !== undefined ? { version: String(generate.version) } : {}),
        };
  return {
    name: s.name,
    source,
    contentType: s.contentType ?? "text/plain",
    ...(s.expiresOn !== undefined
      ? { expiresOn: seconds(s.expiresOn) }
      : { expiresInDays: s.expiresInDays ?? b.secrets.defaultExpiresInDays }),
    ...(s.notBefore !== undefined ? { notBefore: seconds(s.notBefore) } : {}),
    enabled: s.enabled,
    tags: s.tags,
  };
}

/** Cross-field and baseline checks for a vault's secrets (names are checked unique elsewhere). */
export function checkSecrets(
  secrets: readonly SecretSpecInput[],
  baseline: Baseline,
  ctx: z.RefinementCtx,
): void {
  const env = baseline.environment;
  secrets.forEach((s, i) => {
    const issue = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: "custom", path: ["secrets", i, ...path], message });
    const sources = (["env", "config", "generate"] as const).filter(
      (k) => s.source[k] !== undefined,
    );
    if (sources.length !== 1) {
      issue(
        ["source"],
        sources.length === 0
          ? "must set one of env, config or generate"
          : `must set exactly one of env, config or generate (found ${sources.join(" and ")})`,
      );
    }
    if (s.source.generate && !baseline.secrets.allowGenerate) {
      issue(
        ["source", "generate"],
        `generated secrets are not allowed in ${env}; seed the value from the pipeline (env or config)`,
      );
    }
    if (s.source.generate && s.contentType && isCertificateContentType(s.contentType)) {
      issue(["contentType"], `a generated value cannot be a certificate (${s.contentType})`);
    }
    if (s.expiresInDays !== undefined && s.expiresOn !== undefined) {
      issue(["expiresOn"], "set either expiresInDays or expiresOn, not both");
    }
    if (s.expiresInDays !== undefined && s.expiresInDays > baseline.secrets.maxExpiresInDays) {
      issue(["expiresInDays"], `must be at most ${baseline.secrets.maxExpiresInDays} in ${env}`);
    }
    if (
      s.notBefore !== undefined &&
      s.expiresOn !== undefined &&
      Date.parse(s.notBefore) >= Date.parse(s.expiresOn)
    ) {
      issue(["notBefore"], "must be before expiresOn");
    }
  });
}
