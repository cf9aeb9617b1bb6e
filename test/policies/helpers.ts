import type { PlannedResource, PolicyViolation } from "../../tools/contract/plan";
import { evaluatePolicies } from "../../tools/plan/policyEval";

/** The fixed "now" every policy test runs at, so lifetime findings are deterministic. */
export const NOW = Date.parse("2026-01-01T00:00:00Z");

/** Seconds since the epoch, `days` after NOW (Key Vault attributes use seconds). */
export function inDays(days: number): number {
  return Math.floor(NOW / 1000) + days * 86_400;
}

const URN_PREFIX = "urn:pulumi:test::keyvault-estate::";

function urnOf(type: string, name: string): string {
  return `${URN_PREFIX}${type}::${name}`;
}

export interface Links {
  readonly dependsOn?: readonly PlannedResource[];
  readonly propertyDependencies?: Readonly<Record<string, readonly PlannedResource[]>>;
  readonly parent?: PlannedResource;
}

/** A planned custom resource, as the offline plan records one. */
export function planned(
  type: string,
  name: string,
  inputs: Readonly<Record<string, unknown>>,
  links: Links = {},
): PlannedResource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(links.propertyDependencies ?? {})) {
    propertyDependencies[key] = deps.map((d) => d.urn).sort();
  }
  const dependsOn = new Set([
    ...(links.dependsOn ?? []).map((d) => d.urn),
    ...Object.values(propertyDependencies).flat(),
  ]);
  return {
    urn: urnOf(type, name),
    type,
    name,
    custom: true,
    ...(links.parent ? { parent: links.parent.urn } : {}),
    dependsOn: [...dependsOn].sort(),
    propertyDependencies,
    protect: false,
    ignoreChanges: [],
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    aliases: [],
    inputs,
    outputs: {},
  };
}

/** The findings of one policy over the resources, at NOW, with an optional policy config. */
export function findings(
  policy: string,
  resources: readonly PlannedResource[],
  config: Record<string, unknown> = {},
): PolicyViolation[] {
  return evaluatePolicies(resources, config, { now: NOW }).filter((v) => v.policy === policy);
}

export function messages(
  policy: string,
  resources: readonly PlannedResource[],
  config: Record<string, unknown> = {},
): string[] {
  return findings(policy, resources, config).map((v) => v.message);
}
