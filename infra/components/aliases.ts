import * as pulumi from "@pulumi/pulumi";
import type { ResourceName } from "../model/names";

/**
 * The aliases that keep a renamed resource's identity: its former name under the same parent (a
 * URN holds the parent's type chain, not its name, so a renamed parent needs no alias of its own
 * children). Without one, a rename is a delete and a create: for a key or secret, a data-plane
 * delete; for a vault, a new vault (README, "Upgrade notes").
 */
export function aliasesFor(n: ResourceName, parent?: pulumi.Resource): pulumi.Alias[] {
  if (n.formerly === undefined) return [];
  // The former parent by its URN, not the resource: the engine receives the same alias either way
  // (the SDK sends `Alias.Spec.parentUrn`, taking a resource's `urn` or awaiting a URN as given:
  // `getParentURN` in `mapAliasesForRequest`, @pulumi/pulumi/runtime/resource.js), but before
  // that it awaits each alias as a whole (`output(alias).promise()` in `prepareResource`), and
  // given a resource that walks everything reachable from it: through the parent chain, the
  // whole estate, for every alias, in `pulumi up` as in the offline plan, which grew with the
  // square of the estate (README, "Development").
  return [parent ? { name: n.formerly, parent: parent.urn } : { name: n.formerly }];
}
