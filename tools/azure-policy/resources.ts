/**
 * What the what-if evaluates: resources as Azure Policy sees them (ARM type, id, the PUT request
 * and the deployed state). The offline plan projects its azure-native resources into this shape
 * (tools/plan/armProjection.ts); the what-if knows nothing else of the plan.
 */

/** One resource as Azure Policy sees it. */
export interface PolicyResource {
  readonly urn: string;
  /** The `type` field: `Microsoft.KeyVault/vaults`, or `Microsoft.KeyVault.Data/vaults/keys`. */
  readonly type: string;
  /** The ARM id (for a data-plane object: the ARM id of the key or secret that creates it). */
  readonly id: string;
  readonly name: string;
  /** `vault/key` for child resources. */
  readonly fullName: string;
  readonly resourceGroup?: string;
  /** The API version the provider calls for this type. */
  readonly apiVersion?: string;
  /** What Azure Policy reads at the PUT request: `location`, `tags`, `kind`, `sku`, `properties`. */
  readonly request: Record<string, unknown>;
  /**
   * The resource after deployment: the request plus what Azure fills in from other resources of
   * the plan (a vault's private endpoint connections). Audit-type effects judge this one.
   */
  readonly deployed: Record<string, unknown>;
  readonly indexed: boolean;
  readonly dataPlane: boolean;
}

/** A resource the projection cannot describe: policies cannot be judged on it. */
export interface UnprojectedResource {
  readonly urn: string;
  readonly reason: string;
}

export interface Projection {
  readonly resources: readonly PolicyResource[];
  readonly unprojected: readonly UnprojectedResource[];
}
