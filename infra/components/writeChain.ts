import * as pulumi from "@pulumi/pulumi";

/**
 * The single ordered chain of ARM writes to one vault's children (docs/architecture.md, contract 3). Azure
 * rejects concurrent writes of children of the same vault with `ConflictError`
 * (pulumi/pulumi-azure-native#1013, Azure/bicep#3113), so every key and secret of a vault depends
 * on the one registered before it. Different vaults keep separate chains and stay parallel.
 */
export class WriteChain {
  private last: pulumi.Resource | undefined;

  /** The options for the next write: `dependsOn` the previous link, if any. */
  next(): pulumi.Resource[] {
    return this.last ? [this.last] : [];
  }

  /** Records `resource` as the newest link; returns it for chaining. */
  add<T extends pulumi.Resource>(resource: T): T {
    this.last = resource;
    return resource;
  }
}

/** What a vault's children (keys, secrets) need of it: its physical name, group and write chain. */
export interface VaultChildTarget {
  readonly vaultName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The vault's single ordered chain of child writes; every child joins it, in spec order. */
  readonly writes: WriteChain;
}
