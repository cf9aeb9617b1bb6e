import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as network from "@pulumi/azure-native/network";
import { VaultConfig } from "./config";
import { AuditSinks, auditDiagnosticSetting } from "./diagnostics";
import { SUFFIX_LENGTH, VaultKind } from "./naming";
import { WriteChain } from "./writeChain";

/**
 * What a key store (a `KeyVault` or a `ManagedHsmPool`) is built from, and the protections both
 * get around the store itself: the name suffix, the audit diagnostic setting, the management lock
 * and the private endpoint. One place, so a vault and a pool can never drift apart.
 */

/** Arguments of a key store: a validated vault spec plus where it lives. */
export interface KeyStoreArgs {
  /** The validated vault spec, baseline already applied (`infra/config.ts`). */
  readonly spec: VaultConfig;
  /** Short environment name used in the physical name. */
  readonly envShort: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Entra tenant that authenticates the store's data-plane requests. */
  readonly tenantId: pulumi.Input<string>;
  /** Estate-wide tags; the spec's own tags are merged over them. */
  readonly tags: Readonly<Record<string, string>>;
  /** Sinks for the store's diagnostic setting. */
  readonly sinks: AuditSinks;
  /** Send every log category instead of the `audit` group. Defaults to false. */
  readonly allLogs?: boolean;
  /** Register the store with `protect: true`. Defaults to false (the prod baseline sets it). */
  readonly protect?: boolean;
}

/** Per kind: the name prefix, the private-link group id and the DNS zone config name. */
const PRIVATE_LINK: Record<VaultKind, { prefix: string; groupId: string; zoneConfig: string }> = {
  vault: { prefix: "kv", groupId: "vault", zoneConfig: "privatelink-vaultcore" },
  // The zone must be privatelink.managedhsm.azure.net, not the vaults' vaultcore zone.
  managedHsm: { prefix: "hsm", groupId: "managedhsm", zoneConfig: "privatelink-managedhsm" },
};

/**
 * The random suffix of a store's global DNS name. It lives in state, so the name never changes;
 * it is protected with the store, since losing it would rename (replace) the store.
 */
export function nameSuffix(name: string, protect: boolean, parent: pulumi.Resource) {
  return new random.RandomString(
    `${name}-suffix`,
    { length: SUFFIX_LENGTH, upper: false, special: false, numeric: true, lower: true },
    { parent, protect },
  );
}

/** The diagnostic setting, lock and private endpoint of a store, as children of `parent`. */
export function guardStore(
  name: string,
  kind: VaultKind,
  storeId: pulumi.Output<string>,
  args: KeyStoreArgs,
  parent: pulumi.Resource,
  writes: WriteChain,
): void {
  const { spec } = args;
  const link = PRIVATE_LINK[kind];
  auditDiagnosticSetting(`${name}-audit`, storeId, args.sinks, args.allLogs ?? false, { parent });

  if (spec.lock === "CanNotDelete") {
    new authorization.ManagementLockByScope(
      `${name}-lock`,
      {
        scope: storeId,
        lockName: "keyvault-estate-do-not-delete",
        level: "CanNotDelete",
        notes:
          kind === "vault"
            ? "Managed by keyvault-estate: deleting this vault would destroy its keys and secrets."
            : "Managed by keyvault-estate: deleting this Managed HSM would destroy its keys and security domain.",
      },
      { parent },
    );
  }

  const pe = spec.network.privateEndpoint;
  if (pe) {
    const endpoint = new network.PrivateEndpoint(
      `${name}-pe`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        privateEndpointName: `pe-${link.prefix}-${spec.name}-${args.envShort}`,
        subnet: { id: pe.subnetId },
        privateLinkServiceConnections: [
          {
            name: `${link.prefix}-${spec.name}-${args.envShort}`,
            privateLinkServiceId: storeId,
            groupIds: [link.groupId],
          },
        ],
        tags: { ...args.tags, ...spec.tags },
      },
      {
        parent,
        // Creating the endpoint writes a private endpoint connection into the vault, which races
        // the vault's other child writes (ConflictError, hashicorp/terraform-provider-azurerm#32095):
        // it is the first link of the vault's write chain, before any key or secret.
        dependsOn: writes.next(),
      },
    );
    writes.add(endpoint);
    new network.PrivateDnsZoneGroup(
      `${name}-pe-dns`,
      {
        resourceGroupName: args.resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: link.zoneConfig, privateDnsZoneId: pe.privateDnsZoneId }],
      },
      { parent },
    );
  }
}
