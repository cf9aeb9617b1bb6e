import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import { VaultConfig } from "./config";
import { AuditSinks, auditDiagnosticSetting } from "./diagnostics";
import { SUFFIX_LENGTH, vaultName } from "./naming";
import { WriteChain } from "./writeChain";

/** Arguments of a `KeyVault`: a validated vault spec plus where it lives. */
export interface KeyVaultArgs {
  /** The validated vault spec, baseline already applied (`infra/config.ts`). */
  readonly spec: VaultConfig;
  /** Short environment name used in the physical name. */
  readonly envShort: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Entra tenant that authenticates data-plane requests. */
  readonly tenantId: pulumi.Input<string>;
  /** Estate-wide tags; the spec's own tags are merged over them. */
  readonly tags: Readonly<Record<string, string>>;
  /** Sinks for the vault's diagnostic setting. */
  readonly sinks: AuditSinks;
  /** Send every log category instead of the `audit` group. Defaults to false. */
  readonly allLogs?: boolean;
  /** Register the vault with `protect: true`. Defaults to false (the prod baseline sets it). */
  readonly protect?: boolean;
}

/**
 * A hardened Key Vault: RBAC authorization (no access policies), soft delete, purge protection per
 * baseline, network ACLs, optional private endpoint, a management lock, and a diagnostic setting
 * sending its audit logs to every sink.
 */
export class KeyVault extends pulumi.ComponentResource {
  public readonly vault: keyvault.Vault;
  public readonly vaultName: pulumi.Output<string>;
  public readonly id: pulumi.Output<string>;
  public readonly uri: pulumi.Output<string>;
  public readonly resourceGroupName: pulumi.Input<string>;
  /** The ordered chain every key and secret of this vault joins. */
  public readonly writes = new WriteChain();

  constructor(name: string, args: KeyVaultArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:vault:KeyVault", name, {}, opts);
    const { spec } = args;
    const protect = args.protect ?? false;
    const tags = { ...args.tags, ...spec.tags };

    // The suffix makes the global DNS name unique; it lives in state, so the name never changes.
    const suffix = new random.RandomString(
      `${name}-suffix`,
      { length: SUFFIX_LENGTH, upper: false, special: false, numeric: true, lower: true },
      { parent: this, protect },
    );

    const net = spec.network;
    this.vault = new keyvault.Vault(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        vaultName: suffix.result.apply((s) => vaultName("vault", spec.name, args.envShort, s)),
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: spec.tier === "premium" ? "premium" : "standard" },
          enableRbacAuthorization: true,
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
        tags,
      },
      { parent: this, protect },
    );
    this.vaultName = this.vault.name;
    this.id = this.vault.id;
    this.uri = this.vault.properties.apply((p) => p.vaultUri ?? "");
    this.resourceGroupName = args.resourceGroupName;

    auditDiagnosticSetting(`${name}-audit`, this.vault.id, args.sinks, args.allLogs ?? false, {
      parent: this,
    });

    if (spec.lock === "CanNotDelete") {
      new authorization.ManagementLockByScope(
        `${name}-lock`,
        {
          scope: this.vault.id,
          lockName: "keyvault-estate-do-not-delete",
          level: "CanNotDelete",
          notes:
            "Managed by keyvault-estate: deleting this vault would destroy its keys and secrets.",
        },
        { parent: this },
      );
    }

    if (net.privateEndpoint) {
      const endpoint = new network.PrivateEndpoint(
        `${name}-pe`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          privateEndpointName: `pe-kv-${spec.name}-${args.envShort}`,
          subnet: { id: net.privateEndpoint.subnetId },
          privateLinkServiceConnections: [
            {
              name: `kv-${spec.name}-${args.envShort}`,
              privateLinkServiceId: this.vault.id,
              groupIds: ["vault"],
            },
          ],
          tags,
        },
        { parent: this },
      );
      new network.PrivateDnsZoneGroup(
        `${name}-pe-dns`,
        {
          resourceGroupName: args.resourceGroupName,
          privateEndpointName: endpoint.name,
          privateDnsZoneGroupName: "default",
          privateDnsZoneConfigs: [
            {
              name: "privatelink-vaultcore",
              privateDnsZoneId: net.privateEndpoint.privateDnsZoneId,
            },
          ],
        },
        { parent: this },
      );
    }

    this.registerOutputs({ vaultName: this.vaultName, id: this.id, uri: this.uri });
  }
}
