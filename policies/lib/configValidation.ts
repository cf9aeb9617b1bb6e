import type { EnforcementLevel } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { EstatePolicy } from "./policy";

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];

/** One policy's configuration as the engine applies it: a level override and its properties. */
export interface PolicyConfigEntry {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * Policies folded into another (issue 19: one bad grant, one finding, one allow-list): a config
 * that still names one is refused with where its settings went, not as an unknown name.
 */
const FOLDED_POLICIES: Readonly<Record<string, string>> = {
  "authorization-role-assignment-no-privileged-at-vault":
    "folded into authorization-role-assignment-privileged-access: set its forbiddenRoleDefinitionIds there (default Owner, Contributor, User Access Administrator)",
  "authorization-role-assignment-key-vault-administrator-allow-list":
    "folded into authorization-role-assignment-privileged-access: its allowedPrincipalIds is the one break-glass allow-list",
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeErrors(schema: PolicyConfigJSONSchema, value: unknown): string | undefined {
  const want = schema.type;
  if (want === undefined || Array.isArray(want)) return undefined;
  const ok =
    (want === "integer" && Number.isInteger(value)) ||
    (want === "number" && typeof value === "number") ||
    (want === "array" && Array.isArray(value)) ||
    (want === "object" && isRecord(value)) ||
    (want === "null" && value === null) ||
    ((want === "string" || want === "boolean") && typeof value === want);
  return ok ? undefined : `must be of type ${want}`;
}

/** Checks a value against the subset of JSON Schema the pack's config schemas use. */
export function schemaErrors(
  schema: PolicyConfigJSONSchema,
  value: unknown,
  path: string,
): string[] {
  const typeError = typeErrors(schema, value);
  if (typeError) return [`${path} ${typeError}`];
  const errors: string[] = [];
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    errors.push(`${path} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${path} must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${path} must be <= ${schema.maximum}`);
  }
  if (typeof value === "string" && schema.pattern && !new RegExp(schema.pattern).test(value)) {
    errors.push(`${path} must match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push(`${path} must have at least ${schema.minItems} items`);
    }
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      errors.push(`${path} must not repeat items`);
    }
    const items = schema.items;
    if (items !== undefined && typeof items === "object" && !Array.isArray(items)) {
      value.forEach((v, i) => errors.push(...schemaErrors(items, v, `${path}[${i}]`)));
    }
  }
  return errors;
}

/**
 * Validates a policy config (the `--policy-pack-config` file format) against the pack and returns it
 * normalized; throws one Error listing every problem, each naming the policy and property.
 */
export function parsePolicyConfig(
  raw: unknown,
  policies: readonly EstatePolicy[],
): Map<string, PolicyConfigEntry> {
  if (!isRecord(raw)) throw new Error("Policy config must be a JSON object keyed by policy name.");
  const byName = new Map(policies.map((p) => [p.name, p]));
  const errors: string[] = [];
  const result = new Map<string, PolicyConfigEntry>();
  for (const [name, value] of Object.entries(raw)) {
    const policy = byName.get(name);
    if (!policy) {
      const folded = FOLDED_POLICIES[name];
      errors.push(folded ? `policy '${name}' was ${folded}` : `unknown policy '${name}'`);
      continue;
    }
    const entry = typeof value === "string" ? { enforcementLevel: value } : value;
    if (!isRecord(entry)) {
      errors.push(`${name}: must be an enforcement level or an object`);
      continue;
    }
    const { enforcementLevel, ...properties } = entry;
    if (
      enforcementLevel !== undefined &&
      !ENFORCEMENT_LEVELS.includes(enforcementLevel as EnforcementLevel)
    ) {
      errors.push(`${name}.enforcementLevel must be one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    const schema = policy.configSchema?.properties ?? {};
    for (const [key, v] of Object.entries(properties)) {
      const propSchema = schema[key];
      if (propSchema === undefined || typeof propSchema === "boolean") {
        errors.push(`${name}.${key} is not a setting of this policy`);
      } else {
        errors.push(...schemaErrors(propSchema, v, `${name}.${key}`));
      }
    }
    result.set(name, {
      enforcementLevel: enforcementLevel as EnforcementLevel | undefined,
      properties,
    });
  }
  if (errors.length > 0) throw new Error(`Invalid policy config: ${errors.join("; ")}`);
  return result;
}

/** The level a policy runs at under a config: the override, else the policy's default. */
export function effectiveLevel(
  policy: EstatePolicy,
  config: ReadonlyMap<string, PolicyConfigEntry>,
): EnforcementLevel {
  return config.get(policy.name)?.enforcementLevel ?? policy.enforcementLevel;
}
