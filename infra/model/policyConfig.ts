import type { Environment } from "../../stacks";
import { POLICY_CONFIGS } from "../../stacks/policyConfig";

/**
 * The policy pack's per-environment config (`policies/config/<env>.json`, the file the engine reads
 * with `--policy-pack-config`), as the model reads it for the guardrails both apply: privileged
 * access, exportable keys and the subscriptions the estate may reference. Imported, not read from
 * disk, so the model stays a pure function of its input; the same file is what CI passes the engine.
 */
const CONFIGS = POLICY_CONFIGS;

/** One policy's settings in an environment: whether it blocks there, and its properties. */
export interface PolicySettings {
  /** `mandatory` (or `remediate`): the model refuses what the policy would block. */
  readonly enforced: boolean;
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * The settings of `policy` in `environment`. A policy the file does not configure counts as enforced
 * with no properties (each guardrail then applies its strictest defaults), as the pack's own default
 * level for these policies is mandatory.
 */
export function policySettings(environment: Environment, policy: string): PolicySettings {
  const entry = CONFIGS[environment][policy];
  if (typeof entry === "string") {
    return { enforced: entry === "mandatory" || entry === "remediate", properties: {} };
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    return { enforced: true, properties: {} };
  }
  const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
  return {
    enforced:
      enforcementLevel === undefined ||
      enforcementLevel === "mandatory" ||
      enforcementLevel === "remediate",
    properties,
  };
}
