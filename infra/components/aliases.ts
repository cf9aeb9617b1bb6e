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
  return [parent ? { name: n.formerly, parent } : { name: n.formerly }];
}
