import dev from "../policies/config/dev.json";
import prod from "../policies/config/prod.json";
import staging from "../policies/config/staging.json";
import type { Environment } from "./baseline";

/**
 * The policy pack's per-environment config (`policies/config/<env>.json`, what the engine reads with
 * `--policy-pack-config`) as the baselines read it: a limit the pack also checks is written there
 * once, and the baseline, the model (`infra/model/policyConfig.ts`) and the pack follow it. Read
 * when a baseline's field is read (the baselines use getters), never copied at load time.
 */
export const POLICY_CONFIGS: Readonly<Record<Environment, Readonly<Record<string, unknown>>>> = {
  dev,
  staging,
  prod,
};

function entry(env: Environment, policy: string): Readonly<Record<string, unknown>> {
  const e = POLICY_CONFIGS[env][policy];
  if (e === null || typeof e !== "object" || Array.isArray(e)) {
    throw new Error(`policies/config/${env}.json has no settings for ${policy}`);
  }
  return e as Record<string, unknown>;
}

/** A numeric setting of a policy in an environment's config; throws when it is not a number. */
function policyNumber(env: Environment, policy: string, key: string): number {
  const v = entry(env, policy)[key];
  if (typeof v !== "number") {
    throw new Error(`policies/config/${env}.json: ${policy}.${key} must be a number`);
  }
  return v;
}

const PRIVILEGED_ACCESS = "authorization-role-assignment-privileged-access";

/** The environment's break-glass principals: the privileged-access policy's allow-list, lower case. */
function breakGlassPrincipals(env: Environment): readonly string[] {
  const v = entry(env, PRIVILEGED_ACCESS).allowedPrincipalIds;
  return Array.isArray(v) ? v.map((p) => String(p).toLowerCase()) : [];
}

/**
 * Whether the privileged-access policy blocks (mandatory or remediate) and restricts both the
 * grant-access and the administer classes: privileged roles go to break-glass principals only.
 */
function privilegedRolesBreakGlassOnly(env: Environment): boolean {
  const e = entry(env, PRIVILEGED_ACCESS);
  const level = e.enforcementLevel ?? "mandatory";
  const classes = e.restrictedClasses;
  // Unset, the policy applies its strictest default (both classes).
  const both =
    !Array.isArray(classes) || (classes.includes("grantAccess") && classes.includes("administer"));
  return (level === "mandatory" || level === "remediate") && both;
}

/**
 * A baseline's `access`, read from the environment's pack config each time a field is read (so a
 * change to the config, or a test patching it, is seen by every reader).
 */
export function policyAccess(env: Environment): {
  readonly privilegedRolesBreakGlassOnly: boolean;
  readonly breakGlassPrincipals: readonly string[];
} {
  return {
    get privilegedRolesBreakGlassOnly() {
      return privilegedRolesBreakGlassOnly(env);
    },
    get breakGlassPrincipals() {
      return breakGlassPrincipals(env);
    },
  };
}

/** The pack's soft-delete floor (`keyvault-vault-soft-delete.minimumRetentionDays`). */
export function minSoftDeleteRetentionDays(env: Environment): number {
  return policyNumber(env, "keyvault-vault-soft-delete", "minimumRetentionDays");
}

/** The pack's log-retention floor (`operationalinsights-workspace-retention.minimumRetentionDays`). */
export function minLogRetentionDays(env: Environment): number {
  return policyNumber(env, "operationalinsights-workspace-retention", "minimumRetentionDays");
}
