import { z } from "zod";
import { BASELINES, Baseline, ENVIRONMENTS, Environment } from "../../stacks";
import { VAULT_NAME } from "../azure/names";
import {
  AccessGuardrails,
  accessSpecSchema,
  breakGlassPrincipalsOf,
  breakGlassSet,
  checkAccess,
  checkBreakGlassPrincipals,
} from "./access";
import { insightsConfigSources, insightsSchema } from "./insights";
import { checkSinkGuardrails, checkTagLimits, checkVaultGuardrails } from "./guardrails";
import { checkKeys, keySpecSchema } from "./keys";
import { namespaceTypos } from "./namespaces";
import { defaultResourceGroupName, maxLogicalLength, PROJECT, VaultKind } from "./names";
import { checkSecrets, secretSpecSchema } from "./secrets";
import {
  checkStoreInterfaces,
  diagnosticSettingSchema,
  privateEndpointSchema,
  storeLockSchema,
} from "./storeInterfaces";
import {
  checkUnique,
  ConfigProblem,
  eventHubRuleId,
  formatPath,
  guid,
  ipv4OrCidr,
  LOGICAL_NAME,
  privateDnsZoneId,
  storageAccountId,
  subnetId,
  workspaceId,
} from "./validation";

/**
 * A fully qualified stack name: organization (`organization` on a self-managed backend), project and
 * stack, each letters, digits, `-`, `_` or `.` (Pulumi's stack naming rules).
 */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The structured keys this program reads; any other key in the namespace must be a secret source. */
const KNOWN_KEYS = [
  "environment",
  "tenantId",
  "resourceGroup",
  "tags",
  "breakGlassPrincipals",
  "diagnostics",
  "vaults",
  "insights",
] as const;
const JSON_KEYS = new Set(["tags", "breakGlassPrincipals", "diagnostics", "vaults", "insights"]);

const tier = z.enum(["standard", "premium", "managedHsm"], {
  error: 'must be "standard", "premium" or "managedHsm"',
});

function networkSchema(b: Baseline) {
  return z
    .strictObject({
      publicNetworkAccess: z
        .enum(["Enabled", "Disabled"], { error: 'must be "Enabled" or "Disabled"' })
        .refine((v) => v === "Disabled" || b.vault.publicNetworkAccessRelaxable, {
          error: `must be Disabled in ${b.environment}`,
        })
        .default(b.vault.publicNetworkAccess),
      defaultAction: z
        .enum(["Allow", "Deny"], { error: 'must be "Allow" or "Deny"' })
        .refine((v) => v === "Deny" || b.vault.defaultActionRelaxable, {
          error: `must be Deny in ${b.environment}`,
        })
        .default(b.vault.defaultAction),
      bypass: z
        .enum(["AzureServices", "None"], { error: 'must be "AzureServices" or "None"' })
        .default(b.vault.bypass),
      ipRules: z.array(ipv4OrCidr).default([]),
      subnetIds: z.array(subnetId).default([]),
      privateEndpoint: z.strictObject({ subnetId, privateDnsZoneId }).optional(),
      /** Several endpoints (one per spoke network), each in the vault's write chain. */
      privateEndpoints: z.array(privateEndpointSchema).optional(),
    })
    .default({
      publicNetworkAccess: b.vault.publicNetworkAccess,
      defaultAction: b.vault.defaultAction,
      bypass: b.vault.bypass,
      ipRules: [],
      subnetIds: [],
    });
}

function vaultObject(b: Baseline) {
  return z.strictObject({
    name: z.string().regex(LOGICAL_NAME, {
      error: "must be lowercase letters, digits and single hyphens, starting with a letter",
    }),
    /** The Azure name as is (to adopt an existing vault or keep a long name). Defaults to generated. */
    physicalName: z
      .string({ error: "must be a string" })
      .regex(VAULT_NAME, {
        error:
          "must be 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit (Azure's vault and Managed HSM name rule)",
      })
      .optional(),
    /** `recover`: recover the soft-deleted vault of this name instead of creating one. */
    createMode: z
      .enum(["default", "recover"], { error: 'must be "default" or "recover"' })
      .default("default"),
    tier,
    softDeleteRetentionInDays: z
      .number({ error: "must be a whole number of days, 7..90" })
      .int({ error: "must be a whole number of days, 7..90" })
      .min(7, { error: "must be 7..90" })
      .max(90, { error: "must be 7..90" })
      // Only within Azure's range: outside it, the range message above already says what to fix.
      .refine((d) => d < 7 || d > 90 || d >= b.vault.minSoftDeleteRetentionInDays, {
        error: `must be at least ${b.vault.minSoftDeleteRetentionInDays} in ${b.environment}`,
      })
      .default(b.vault.softDeleteRetentionInDays),
    purgeProtection: z
      .boolean()
      .refine((on) => on || b.vault.purgeProtectionRelaxable, {
        error: `cannot be turned off in ${b.environment}`,
      })
      .default(b.vault.purgeProtection),
    lock: storeLockSchema(b),
    /** Default: one audit setting to every estate sink (`keyvault-estate-audit`). */
    diagnosticSettings: z.array(diagnosticSettingSchema).optional(),
    initialAdminObjectIds: z.array(guid).optional(),
    enabledForDeployment: z.boolean().default(false),
    enabledForDiskEncryption: z.boolean().default(false),
    enabledForTemplateDeployment: z.boolean().default(false),
    tags: z.record(z.string(), z.string()).default({}),
    network: networkSchema(b),
    keys: z.array(keySpecSchema).default([]),
    secrets: z.array(secretSpecSchema).default([]),
    access: z.array(accessSpecSchema).default([]),
  });
}

type VaultShape = z.output<ReturnType<typeof vaultObject>>;

function vaultSchema(b: Baseline, access: AccessGuardrails) {
  return vaultObject(b).superRefine((v, ctx) => checkVault(v, b, access, ctx));
}

/** Baseline limits and cross-field rules for one vault (runs only once the vault itself parsed). */
function checkVault(
  v: VaultShape,
  b: Baseline,
  access: AccessGuardrails,
  ctx: z.RefinementCtx,
): void {
  const issue = (path: PropertyKey[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  const kind: VaultKind = v.tier === "managedHsm" ? "managedHsm" : "vault";
  const max = maxLogicalLength(kind, b.shortName);
  if (v.physicalName === undefined && v.name.length > max) {
    issue(
      ["name"],
      `must be at most ${max} characters so the generated physical name fits Azure's 24; or set physicalName`,
    );
  }
  const endpoints = v.network.privateEndpoints?.length ?? (v.network.privateEndpoint ? 1 : 0);
  if (endpoints === 0 && b.vault.privateEndpointRequired) {
    issue(
      ["network", "privateEndpoint"],
      `is required in ${b.environment} (public network access is disabled)`,
    );
  }
  if (kind === "managedHsm") {
    if (!v.initialAdminObjectIds || v.initialAdminObjectIds.length === 0) {
      issue(["initialAdminObjectIds"], "a Managed HSM needs at least one initial administrator");
    }
    if (v.network.subnetIds.length > 0) {
      issue(
        ["network", "subnetIds"],
        "a Managed HSM takes virtual network rules only via a private endpoint",
      );
    }
    for (const flag of [
      "enabledForDeployment",
      "enabledForDiskEncryption",
      "enabledForTemplateDeployment",
    ] as const) {
      if (v[flag]) issue([flag], "applies to vaults only, not to a Managed HSM");
    }
    if (v.secrets.length > 0) {
      issue(
        ["secrets"],
        "a Managed HSM holds keys only; put secrets in a standard or premium vault",
      );
    }
  } else if (v.initialAdminObjectIds !== undefined) {
    issue(["initialAdminObjectIds"], "applies to managedHsm vaults only");
  }
  checkStoreInterfaces(v, kind, ctx);
  checkVaultGuardrails(v, kind, b, ctx);
  checkUnique(v.keys, (k) => k.name, "name", "key name", ctx, ["keys"]);
  checkUnique(v.secrets, (s) => s.name, "name", "secret name", ctx, ["secrets"]);
  checkKeys(v.keys, v.tier, b, ctx);
  checkSecrets(v.secrets, b, ctx);
  checkAccess(v, access, ctx);
}

function diagnosticsSchema(b: Baseline) {
  const retention = (min: number, max: number) =>
    z
      .number({ error: `must be a whole number of days, ${min}..${max}` })
      .int({ error: `must be a whole number of days, ${min}..${max}` })
      .min(min, { error: `must be ${min}..${max}` })
      .max(max, { error: `must be ${min}..${max}` });
  return z
    .strictObject({
      logAnalytics: z
        .strictObject({
          retentionInDays: retention(30, 730).optional(),
          workspaceId: workspaceId.optional(),
        })
        .default({}),
      storage: z
        .strictObject({
          retentionInDays: retention(1, 3650).optional(),
          accountId: storageAccountId.optional(),
        })
        .default({}),
      eventHub: z
        .strictObject({ authorizationRuleId: eventHubRuleId, name: z.string().min(1).max(256) })
        .optional(),
      /** Send every log category (`allLogs`) instead of the `audit` category group. */
      allLogs: z.boolean().default(false),
      /**
       * A platform stack that owns both sinks (`<organization>/<project>/<stack>`): their ARM ids
       * are its `logAnalyticsWorkspaceId` and `auditStorageAccountId` outputs (README, "Beyond one
       * stack").
       */
      fromStack: z
        .string({ error: "must be a stack name, <organization>/<project>/<stack>" })
        .regex(STACK_NAME, { error: "must be a stack name, <organization>/<project>/<stack>" })
        .optional(),
    })
    .default({ logAnalytics: {}, storage: {}, allLogs: false })
    .superRefine((d, ctx) => {
      if (d.fromStack !== undefined) {
        for (const sink of ["logAnalytics", "storage"] as const) {
          if (Object.keys(d[sink]).length > 0) {
            ctx.addIssue({
              code: "custom",
              path: [sink],
              message:
                "leave it out with fromStack: the platform stack creates the sinks and sets their retention",
            });
          }
        }
      }
      for (const [sink, idKey] of [
        ["logAnalytics", "workspaceId"],
        ["storage", "accountId"],
      ] as const) {
        const s = d[sink] as { retentionInDays?: number; workspaceId?: string; accountId?: string };
        // With an existing sink, `retentionInDays` states the retention it keeps (the program
        // cannot read it offline), and the floor applies to what is stated.
        if (
          s.retentionInDays !== undefined &&
          s.retentionInDays < b.diagnostics.minLogRetentionInDays
        ) {
          ctx.addIssue({
            code: "custom",
            path: [sink, "retentionInDays"],
            message:
              s[idKey] !== undefined
                ? `states that the existing sink keeps logs ${s.retentionInDays} days; ${b.environment} needs at least ${b.diagnostics.minLogRetentionInDays}`
                : `must be at least ${b.diagnostics.minLogRetentionInDays} in ${b.environment}`,
          });
        }
      }
      checkSinkGuardrails(d, b, ctx);
    });
}

function guardrails(b: Baseline, breakGlassPrincipals: unknown): AccessGuardrails {
  return {
    environment: b.environment,
    privilegedRolesBreakGlassOnly: b.access.privilegedRolesBreakGlassOnly,
    breakGlassPrincipals: breakGlassSet(breakGlassPrincipals),
  };
}

const schemas = new Map<string, ReturnType<typeof estateSchema>>();

/**
 * The schema for a baseline and its guardrail inputs, built once: zod compiles each object schema
 * on its first parse, which costs more than the parse itself, and tests resolve thousands of
 * configs. The schema is a pure function of these inputs.
 */
function cachedSchema(b: Baseline, access: AccessGuardrails) {
  // The whole baseline: its limits follow the pack's config (`stacks/policyConfig.ts`).
  const key = JSON.stringify([
    b,
    access.environment,
    access.privilegedRolesBreakGlassOnly,
    [...access.breakGlassPrincipals].sort(),
  ]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size >= 32) schemas.clear(); // bounded: a process rarely sees more than a few
    schema = estateSchema(b, access);
    schemas.set(key, schema);
  }
  return schema;
}

function estateSchema(b: Baseline, access: AccessGuardrails) {
  return z
    .strictObject({
      location: z
        .string({ error: "is required (the Azure region, e.g. westeurope)" })
        .regex(/^[a-z0-9]+$/, { error: "must be an Azure region name such as westeurope" }),
      environment: z.enum(ENVIRONMENTS as [Environment, ...Environment[]], {
        error: `must be one of ${ENVIRONMENTS.join(", ")}`,
      }),
      tenantId: guid.optional(),
      resourceGroup: z
        .string()
        .regex(/^[-\w._()]{1,89}[-\w_()]$/, {
          error:
            "must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending with a period",
        })
        .default(defaultResourceGroupName(b.shortName)),
      tags: z
        .record(z.string().min(1).max(512), z.string().max(256))
        .refine((t) => Object.keys(t).length <= 50, { error: "Azure allows at most 50 tags" })
        .default({}),
      // Deprecated: the environment's break-glass principals are the pack's allow-list, which the
      // baseline reads (`access.breakGlassPrincipals`); the stack may only repeat them. Parsed to
      // the estate's whole list, so the plan and the insights see the allow-listed principals.
      breakGlassPrincipals: z
        .array(guid)
        .default([])
        .superRefine((listed, ctx) => checkBreakGlassPrincipals(listed, b.environment, ctx))
        .transform((listed) => breakGlassPrincipalsOf(listed, b.environment)),
      diagnostics: diagnosticsSchema(b),
      insights: insightsSchema(b),
      vaults: z.array(vaultSchema(b, access)).min(1, { error: "must list at least one vault" }),
    })
    .superRefine((c, ctx) => {
      checkUnique(c.vaults, (v) => v.name, "name", "vault name", ctx, ["vaults"]);
      // Azure names are global and case-insensitive: two specs must not claim one vault.
      checkUnique(
        c.vaults.filter((v) => v.physicalName !== undefined),
        (v) => v.physicalName ?? "",
        "physicalName",
        "physical name",
        ctx,
        ["vaults"],
        (filtered) => c.vaults.indexOf(filtered),
      );
      checkTagLimits(c, ctx);
    });
}

type EstateShape = z.output<ReturnType<typeof estateSchema>>;
export type VaultConfig = EstateShape["vaults"][number];

/** A validated stack config with its environment's baseline applied. */
export interface EstateConfig extends EstateShape {
  readonly baseline: Baseline;
  /** Other keys in the namespace: secret config sources (`secrets[].source.config`). */
  readonly secretConfigKeys: readonly string[];
}

/** The outcome of parsing: the config, or every problem found. */
export type ParsedConfig =
  | { readonly ok: true; readonly config: EstateConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** Turns the flat `project:key` → string map Pulumi hands the program into plain values. */
function unflatten(flat: Readonly<Record<string, string>>): {
  values: Record<string, unknown>;
  others: string[];
} {
  const values: Record<string, unknown> = {};
  const others: string[] = [];
  const location = flat["azure-native:location"];
  if (location !== undefined) values.location = location;
  for (const [fullKey, raw] of Object.entries(flat)) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      others.push(key);
      continue;
    }
    // Pulumi passes structured config as JSON text; a value that does not parse stays a string so
    // the schema reports "expected array, received string" at its path.
    if (JSON_KEYS.has(key)) {
      try {
        values[key] = JSON.parse(raw);
      } catch {
        values[key] = raw;
      }
    } else {
      values[key] = raw;
    }
  }
  return { values, others: others.sort() };
}

/**
 * Parses and validates the whole stack config against its environment's baseline, reporting every
 * problem with its path: schema, baseline limits, cross-field and cross-object rules, and config
 * sources stored in plain text (`secretKeys` are the keys whose value is `secure:` ciphertext).
 */
export function parseStackConfig(
  flat: Readonly<Record<string, string>>,
  secretKeys: readonly string[],
): ParsedConfig {
  const { values, others } = unflatten(flat);
  const env = z.enum(ENVIRONMENTS as [Environment, ...Environment[]]).safeParse(values.environment);
  // With an unknown environment, validate the rest against the strictest baseline.
  const baseline = BASELINES[env.success ? env.data : "prod"];
  // Read leniently up front so each vault's access guardrails run even if another field fails.
  const access = guardrails(baseline, values.breakGlassPrincipals);
  const result = cachedSchema(baseline, access).safeParse(values);
  const problems: ConfigProblem[] = result.success
    ? []
    : result.error.issues.map((i) => ({
        // The region is the provider's key, not ours: name it as the user writes it.
        path: i.path[0] === "location" ? "azure-native:location" : formatPath(i.path),
        message: issueMessage(i),
      }));
  // A key in a look-alike namespace would be ignored silently (unflatten reads ours only).
  problems.push(...namespaceTypos(Object.keys(flat)));

  const referenced = new Set([
    ...secretConfigSources(values.vaults),
    ...insightsConfigSources(values.insights),
  ]);
  const secret = new Set(secretKeys);
  for (const key of others) {
    const fullKey = `${PROJECT}:${key}`;
    if (!referenced.has(key)) {
      problems.push({
        path: fullKey,
        message: `unknown config key (known keys: ${KNOWN_KEYS.join(", ")}; other keys must be the config source of a secret)`,
      });
    } else if (!secret.has(fullKey)) {
      problems.push({
        path: fullKey,
        message:
          "is the config source of a secret but is stored in plain text; set it with `pulumi config set --secret` (and rotate the value: it has been in the stack file)",
      });
    }
  }
  if (problems.length > 0 || !result.success) return { ok: false, problems };
  return { ok: true, config: { ...result.data, baseline, secretConfigKeys: others } };
}
/** The config keys named by `secrets[].source.config`, read leniently from the unvalidated value. */
function secretConfigSources(vaults: unknown): string[] {
  if (!Array.isArray(vaults)) return [];
  return vaults.flatMap((v) =>
    Array.isArray(v?.secrets)
      ? v.secrets.flatMap((s: { source?: { config?: unknown } } | null) =>
          typeof s?.source?.config === "string" ? [s.source.config] : [],
        )
      : [],
  );
}

function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === "unrecognized_keys") {
    return `unknown field${i.keys.length === 1 ? "" : "s"} ${i.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  // Zod does not copy input values into issues unless asked, so no config value (possibly a secret)
  // can reach an error message; "received undefined" is how it says a required field is missing.
  if (i.code === "invalid_type" && /received undefined$/.test(i.message)) return "is required";
  return i.message.replace(/^Invalid input: /, "");
}
