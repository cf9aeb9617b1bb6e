import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { attachStoreInterfaces, KeyStoreArgs, physicalName } from "./storeInterfaces";
import { WriteChain } from "./writeChain";

/** Arguments of a `ManagedHsmPool`: a resolved `managedHsm` vault plus where it lives. */
export type ManagedHsmPoolArgs = KeyStoreArgs;

/**
 * A Managed HSM pool (Standard_B1, single tenant, FIPS 140-3 Level 3) with the same hardening as a
 * `KeyVault`: soft delete and purge protection per baseline, network ACLs, optional private
 * endpoint, a management lock and the audit diagnostic setting. ARM provisions the pool but cannot
 * activate it: activation (the security-domain download) is a data-plane ceremony, and so is every
 * key in the pool (README, "Managed HSM activation runbook"). Billed per hour from creation.
 */
export class ManagedHsmPool extends pulumi.ComponentResource {
  public readonly pool: keyvault.ManagedHsm;
  /** The pool's physical name (what `az keyvault security-domain download --hsm-name` takes). */
  public readonly vaultName: pulumi.Output<string>;
  public readonly id: pulumi.Output<string>;
  /** The pool's data-plane URI (`https://<name>.managedhsm.azure.net/`). */
  public readonly uri: pulumi.Output<string>;
  public readonly resourceGroupName: pulumi.Input<string>;

  constructor(name: string, args: ManagedHsmPoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:managedHsm:ManagedHsmPool", name, {}, opts);
    const { vault: spec } = args;
    const net = spec.network;
    this.pool = new keyvault.ManagedHsm(
      spec.names.store,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        name: physicalName(spec, this),
        sku: {
          family: keyvault.ManagedHsmSkuFamily.B,
          name: keyvault.ManagedHsmSkuName.Standard_B1,
        },
        properties: {
          tenantId: args.tenantId,
          initialAdminObjectIds: [...spec.initialAdminObjectIds],
          // Recovers the soft-deleted store of this name; the change review says so (README, "Day 2").
          ...(spec.recover ? { createMode: "recover" as const } : {}),
          enableSoftDelete: true,
          softDeleteRetentionInDays: spec.softDeleteRetentionInDays,
          // Explicit both ways: the provider defaults an absent value to true, and turning it on
          // is irreversible.
          enablePurgeProtection: spec.purgeProtection,
          publicNetworkAccess: net.publicNetworkAccess,
          networkAcls: {
            defaultAction: net.defaultAction,
            bypass: net.bypass,
            ipRules: net.ipRules.map((value) => ({ value })),
          },
        },
        tags: spec.tags,
      },
      { parent: this, protect: spec.protect },
    );
    this.vaultName = this.pool.name;
    this.id = this.pool.id;
    this.uri = this.pool.properties.apply((p) => p.hsmUri ?? "");
    this.resourceGroupName = args.resourceGroupName;

    // A pool has no ARM children to serialize beyond its private endpoint connection.
    attachStoreInterfaces(this.pool.id, args, this, new WriteChain());

    this.registerOutputs({ vaultName: this.vaultName, id: this.id, uri: this.uri });
  }
}
