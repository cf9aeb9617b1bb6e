import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { attachStoreInterfaces, KeyStoreArgs, physicalName } from "./storeInterfaces";
import { VaultChildTarget, WriteChain } from "./writeChain";

/** Arguments of a `KeyVault`: a resolved vault plus where it lives. */
export type KeyVaultArgs = KeyStoreArgs;

/**
 * A hardened Key Vault: RBAC authorization (no access policies), soft delete, purge protection per
 * baseline, network ACLs, optional private endpoint, a management lock, and a diagnostic setting
 * sending its audit logs to every sink.
 */
export class KeyVault extends pulumi.ComponentResource implements VaultChildTarget {
  public readonly vault: keyvault.Vault;
  public readonly vaultName: pulumi.Output<string>;
  public readonly id: pulumi.Output<string>;
  public readonly uri: pulumi.Output<string>;
  public readonly resourceGroupName: pulumi.Input<string>;
  /** The ordered chain every child write of this vault joins (private endpoint, keys, secrets). */
  public readonly writes = new WriteChain();

  constructor(name: string, args: KeyVaultArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:vault:KeyVault", name, {}, opts);
    const { vault: spec } = args;
    const net = spec.network;
    this.vault = new keyvault.Vault(
      spec.names.store,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        vaultName: physicalName(spec, this),
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: spec.tier === "premium" ? "premium" : "standard" },
          enableRbacAuthorization: true,
          // Recovers the soft-deleted store of this name; the change review says so (README, "Day 2").
          ...(spec.recover ? { createMode: "recover" as const } : {}),
          enableSoftDelete: true,
          softDeleteRetentionInDays: spec.softDeleteRetentionInDays,
          // Azure rejects an explicit false once set and treats absence as off: send true or nothing.
          enablePurgeProtection: spec.purgeProtection ? true : undefined,
          publicNetworkAccess: net.publicNetworkAccess,
          networkAcls: {
            defaultAction: net.defaultAction,
            bypass: net.bypass,
            ipRules: net.ipRules.map((value) => ({ value })),
            virtualNetworkRules: net.subnetIds.map((id) => ({ id })),
          },
          enabledForDeployment: spec.enabledForDeployment,
          enabledForDiskEncryption: spec.enabledForDiskEncryption,
          enabledForTemplateDeployment: spec.enabledForTemplateDeployment,
        },
        tags: spec.tags,
      },
      { parent: this, protect: spec.protect },
    );
    this.vaultName = this.vault.name;
    this.id = this.vault.id;
    this.uri = this.vault.properties.apply((p) => p.vaultUri ?? "");
    this.resourceGroupName = args.resourceGroupName;

    attachStoreInterfaces(this.vault.id, args, this, this.writes);

    this.registerOutputs({ vaultName: this.vaultName, id: this.id, uri: this.uri });
  }
}
