import type { PolicyResource } from "@pulumi/policy";
import { TOKENS } from "./tokens";
import { linkedTargets } from "./links";

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/** Vaults and Managed HSM pools: the resources that hold key material. */
export function keyStores(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.type === TOKENS.vault || r.type === TOKENS.managedHsm);
}

/** The vaults a Key or Secret writes into, through its `vaultName` input. */
export function vaultsOfChild(
  child: PolicyResource,
  vaults: readonly PolicyResource[],
): PolicyResource[] {
  return linkedTargets(child, "vaultName", vaults, (props) => [props.vaultName]);
}

/** URNs reachable from a resource through the transitive `dependencies` relation. */
export function dependencyClosure(resource: PolicyResource): Set<string> {
  const seen = new Set<string>();
  const stack = [...resource.dependencies];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined || seen.has(next.urn)) continue;
    seen.add(next.urn);
    stack.push(...next.dependencies);
  }
  return seen;
}
