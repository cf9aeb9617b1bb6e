import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import { VaultConfig } from "./config";
import { AuditSinks, auditDiagnosticSetting } from "./diagnostics";
import { SUFFIX_LENGTH, vaultName } from "./naming";
import { WriteChain } from "./writeChain";

/** Arguments of a `ManagedHsmPool`: a validated `managedHsm` vault spec plus where it lives. */
export interface ManagedHsmPoolArgs {
  /** The validated vault spec (tier `managedHsm`), baseline already applied (`infra/config.ts`). */
  readonly spec: VaultConfig;
  /** Short environment name used in the physical name. */
  readonly envShort: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Entra tenant that authenticates the pool's data-plane requests. */
  readonly tenantId: pulumi.Input<string>;
  /** Estate-wide tags; the spec's own tags are merged over them. */
  readonly tags: Readonly<Record<string, string>>;
  /** Sinks for the pool's diagnostic setting. */
  readonly sinks: AuditSinks;
  /** Send every log category instead of the `audit` group. Defaults to false. */
  readonly allLogs?: boolean;
  /** Register the pool with `protect: true`. Defaults to false (the prod baseline sets it). */
  readonly protect?: boolean;
}

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
  /** Present for the same shape as `KeyVault`; nothing joins it, as ARM creates no pool children. */
  public readonly writes = new WriteChain();

  constructor(name: string, args: ManagedHsmPoolArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:managedHsm:ManagedHsmPool", name, {}, opts);
    const { spec } = args;
    const protect = args.protect ?? false;
    const tags = { ...args.tags, ...spec.tags };

    const suffix = new random.RandomString(
      `${name}-suffix`,
      { length: SUFFIX_LENGTH, upper: false, special: false, numeric: true, lower: true },
      { parent: this, protect },
    );

    const net = spec.network;
    this.pool = new keyvault.ManagedHsm(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        name: suffix.result.apply((s) => vaultName("managedHsm", spec.name, args.envShort, s)),
        sku: {
          family: keyvault.ManagedHsmSkuFamily.B,
          name: keyvault.ManagedHsmSkuName.Standard_B1,
        },
        properties: {
          tenantId: args.tenantId,
          initialAdminObjectIds: [...(spec.initialAdminObjectIds ?? [])],
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
        tags,
      },
      { parent: this, protect },
    );
    this.vaultName = this.pool.name;
    this.id = this.pool.id;
    this.uri = this.pool.properties.apply((p) => p.hsmUri ?? "");
    this.resourceGroupName = args.resourceGroupName;

    auditDiagnosticSetting(`${name}-audit`, this.pool.id, args.sinks, args.allLogs ?? false, {
      parent: this,
    });

    if (spec.lock === "CanNotDelete") {
      new authorization.ManagementLockByScope(
        `${name}-lock`,
        {
          scope: this.pool.id,
          lockName: "keyvault-estate-do-not-delete",
          level: "CanNotDelete",
          notes:
            "Managed by keyvault-estate: deleting this Managed HSM would destroy its keys and security domain.",
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
          privateEndpointName: `pe-hsm-${spec.name}-${args.envShort}`,
          subnet: { id: net.privateEndpoint.subnetId },
          privateLinkServiceConnections: [
            {
              name: `hsm-${spec.name}-${args.envShort}`,
              privateLinkServiceId: this.pool.id,
              groupIds: ["managedhsm"],
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
              // The zone must be privatelink.managedhsm.azure.net (not the vaults' vaultcore zone).
              name: "privatelink-managedhsm",
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
