import type { PolicyResource } from "@pulumi/policy";
import { TOKENS } from "./tokens";

/**
 * In the engine, stack policies see each resource's outputs and, during preview, computed values
 * are unknown: reading one throws the runtime's UnknownValueError. These helpers read defensively
 * and link resources by the URNs the engine records (propertyDependencies, then dependencies)
 * before falling back to comparing names and ARM ids.
 */
export type Read<T> = { readonly known: true; readonly value: T } | { readonly known: false };

function isUnknownValueError(e: unknown): boolean {
  return typeof e === "object" && e !== null && "unknownTypeSentinel" in e;
}

export function read<T>(get: () => T): Read<T> {
  try {
    return { known: true, value: get() };
  } catch (e) {
    if (isUnknownValueError(e)) return { known: false };
    throw e;
  }
}

/** The value when known, else undefined. */
export function known<T>(get: () => T): T | undefined {
  const r = read(get);
  return r.known ? r.value : undefined;
}

/** True when the property is set: a non-empty known value, an unknown (computed) one, or a dependency. */
export function isPropertySet(resource: PolicyResource, property: string): boolean {
  if ((resource.propertyDependencies[property] ?? []).length > 0) return true;
  const r = read(() => resource.props[property]);
  if (!r.known) return true;
  return typeof r.value === "string" ? r.value.trim().length > 0 : r.value != null;
}

/** The physical name of a vault or Managed HSM, as inputs (`vaultName`/`name`) or outputs (`name`). */
function physicalName(resource: PolicyResource): string | undefined {
  const inputName =
    resource.type === TOKENS.vault ? known(() => resource.props.vaultName) : undefined;
  const name = inputName ?? known(() => resource.props.name);
  return typeof name === "string" && name.length > 0 ? name.toLowerCase() : undefined;
}

/** True when an ARM id (or a child scope of it) designates the vault or Managed HSM. */
function armIdDesignates(id: string, target: PolicyResource): boolean {
  const name = physicalName(target);
  const targetId = known(() => target.props.id);
  const lower = id.toLowerCase();
  if (
    typeof targetId === "string" &&
    (lower === targetId.toLowerCase() || lower.startsWith(`${targetId.toLowerCase()}/`))
  ) {
    return true;
  }
  if (name === undefined) return false;
  const segment = target.type === TOKENS.managedHsm ? "managedhsms" : "vaults";
  const marker = `/providers/microsoft.keyvault/${segment}/${name}`;
  const at = lower.indexOf(marker);
  return at >= 0 && (lower.length === at + marker.length || lower[at + marker.length] === "/");
}

/** Targets whose URN is among the property's recorded dependencies. */
export function linkedByDependency(
  resource: PolicyResource,
  property: string,
  targets: readonly PolicyResource[],
): PolicyResource[] {
  const urns = new Set((resource.propertyDependencies[property] ?? []).map((d) => d.urn));
  return targets.filter((t) => urns.has(t.urn));
}

/**
 * The target a linking property designates: by property dependency first, then by the ARM ids (or,
 * for `vaultName`, the names) its value holds.
 */
export function linkedTargets(
  resource: PolicyResource,
  property: string,
  targets: readonly PolicyResource[],
  values: (props: Record<string, unknown>) => unknown[],
): PolicyResource[] {
  const byDependency = linkedByDependency(resource, property, targets);
  if (byDependency.length > 0) return byDependency;
  const ids = (known(() => values(resource.props)) ?? []).filter(
    (v): v is string => typeof v === "string",
  );
  return targets.filter((t) =>
    ids.some((id) => armIdDesignates(id, t) || id.toLowerCase() === physicalName(t)),
  );
}

/** The label used in messages: the Pulumi name and, when known, the physical name. */
export function describe(resource: PolicyResource): string {
  const name = physicalName(resource);
  return name && name !== resource.name.toLowerCase()
    ? `'${resource.name}' (${name})`
    : `'${resource.name}'`;
}
