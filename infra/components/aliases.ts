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
  // The former parent by its URN, not the resource: given a resource, the SDK walks everything
  // reachable from it (the whole estate) for every alias, which grew with the square of the
  // estate (README, "Development"). The engine receives the same alias either way.
  return [parent ? { name: n.formerly, parent: parent.urn } : { name: n.formerly }];
}
