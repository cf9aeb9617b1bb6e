import { z } from "zod";
import { Baseline } from "../../stacks";
import { OBJECT_NAME } from "./validation";

/**
 * A secret spec from the stack config: one `keyvault.Secret` whose value comes from the pipeline.
 * The schema checks each field; the cross-field and baseline rules (`checkSecrets`) run once the
 * vault itself parsed. No rule here ever sees a value: values are read later, by the entry.
 */

/** Content types App Service and Application Gateway import from Key Vault as certificates. */
const CERTIFICATE_CONTENT_TYPES = ["application/x-pkcs12", "application/x-pem-file"] as const;
export type CertificateContentType = (typeof CERTIFICATE_CONTENT_TYPES)[number];

export function isCertificateContentType(t: string): t is CertificateContentType {
  return (CERTIFICATE_CONTENT_TYPES as readonly string[]).includes(t);
}

/**
 * Credentials the deployment itself, or the CI system it runs in, keeps in environment variables.
 * Seeding a vault from one would copy that credential into a secret (and out to whoever may read
 * it), so such names are refused as `source.env`, in any letter case: Windows runners treat
 * variable names case-insensitively, and a lower-case spelling is the same mistake.
 *
 * Sources: GitHub reserves the `GITHUB_` prefix and sets `GITHUB_TOKEN` and the `ACTIONS_*`
 * runtime and OIDC request tokens (docs.github.com, "Variables reference" and "Automatic token
 * authentication"); the GitHub CLI reads `GH_TOKEN` / `GH_ENTERPRISE_TOKEN` (cli.github.com/manual/
 * gh_help_environment); Azure Pipelines maps `System.AccessToken` to `SYSTEM_ACCESSTOKEN`, predefines
 * every `SYSTEM_*` variable and hands tasks service-connection credentials as `ENDPOINT_AUTH_*`
 * (learn.microsoft.com/azure/devops/pipelines/build/variables), and the Azure DevOps CLI reads
 * `AZURE_DEVOPS_EXT_PAT`; the Azure SDKs' EnvironmentCredential and WorkloadIdentityCredential read
 * `AZURE_CLIENT_*`, `AZURE_TENANT_ID`, `AZURE_USERNAME`, `AZURE_PASSWORD` and
 * `AZURE_FEDERATED_TOKEN_FILE`, managed identity `IDENTITY_ENDPOINT`/`IDENTITY_HEADER` and
 * `MSI_ENDPOINT`/`MSI_SECRET`, the Azure CLI's storage commands `AZURE_STORAGE_*`; Terraform's and
 * Pulumi's Azure providers read `ARM_*`; npm reads `npm_config_*` (including registry auth tokens),
 * actions/setup-node writes `NODE_AUTH_TOKEN` into .npmrc and `NPM_TOKEN` is npm's documented CI
 * token variable (docs.npmjs.com, "Using private packages in a CI/CD workflow"); Pulumi reads
 * `PULUMI_ACCESS_TOKEN`, `PULUMI_CONFIG_PASSPHRASE` and other `PULUMI_*` settings.
 */
const CREDENTIAL_VARIABLES: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /^GITHUB_/i, what: "GitHub Actions (reserved GITHUB_ prefix, GITHUB_TOKEN)" },
  { pattern: /^ACTIONS_/i, what: "the GitHub Actions runtime and OIDC request tokens" },
  { pattern: /^GH_(ENTERPRISE_)?TOKEN$/i, what: "the GitHub CLI's token" },
  {
    pattern: /^SYSTEM_/i,
    what: "Azure Pipelines (System.AccessToken and the SYSTEM_ variables)",
  },
  { pattern: /^ENDPOINT_AUTH_/i, what: "Azure Pipelines service connection credentials" },
  { pattern: /^AZURE_DEVOPS_EXT_PAT$/i, what: "the Azure DevOps CLI's personal access token" },
  {
    pattern: /^AZURE_(CLIENT_|TENANT_ID$|USERNAME$|PASSWORD$|FEDERATED_TOKEN)/i,
    what: "the Azure SDKs' and CLI's sign-in (EnvironmentCredential, workload identity)",
  },
  { pattern: /^AZURE_STORAGE_/i, what: "the Azure CLI's storage credentials" },
  { pattern: /^(IDENTITY_(ENDPOINT|HEADER)|MSI_(ENDPOINT|SECRET))$/i, what: "managed identity" },
  {
    pattern: /^ARM_/i,
    what: "the deploying identity of the Azure providers (ARM_CLIENT_SECRET)",
  },
  { pattern: /^(NPM_TOKEN|NODE_AUTH_TOKEN)$/i, what: "npm's registry token" },
  { pattern: /^NPM_CONFIG_/i, what: "npm configuration (registry auth tokens)" },
  { pattern: /^PULUMI_/i, what: "Pulumi (PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE)" },
];

/** What a credential variable belongs to, or undefined for a name a pipeline may set freely. */
export function credentialVariable(name: string): string | undefined {
  return CREDENTIAL_VARIABLES.find((c) => c.pattern.test(name))?.what;
}

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
    .superRefine((n, ctx) => {
      const what = credentialVariable(n);
      if (what) {
        ctx.addIssue({
          code: "custom",
          message: `names a credential variable of the deployment or its CI system (${what}); seeding a vault from it would copy that credential: use a variable set for this secret`,
        });
      }
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
