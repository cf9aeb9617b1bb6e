import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as network from "@pulumi/azure-native/network";
import { SUFFIX_LENGTH } from "../model/names";
import type { ResolvedVault } from "../model/types";
import { aliasesFor } from "./aliases";
import { AuditSinks, auditDiagnosticSetting } from "./diagnostics";
import { WriteChain } from "./writeChain";

/**
 * What a key store (a `KeyVault` or a `ManagedHsmPool`) is built from, and the protections both
 * get around the store itself: the physical name, the audit diagnostic setting, the management lock
 * and the private endpoint. One place, so a vault and a pool can never drift apart.
 */

/** Arguments of a key store: its resolved spec plus where it lives. */
export interface KeyStoreArgs {
  /** The resolved vault or pool (`resolveEstate`). */
  readonly vault: ResolvedVault;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Entra tenant that authenticates the store's data-plane requests. */
  readonly tenantId: pulumi.Input<string>;
  /** Sinks for the store's diagnostic setting. */
  readonly sinks: AuditSinks;
}

/**
 * The store's physical name: the one the spec gives, or its prefix and a random suffix that lives
 * in state, so the name never changes. The suffix is protected with the store, since losing it
 * would rename (replace) the store.
 */
export function physicalName(vault: ResolvedVault, parent: pulumi.Resource): pulumi.Input<string> {
  const p = vault.physicalName;
  if ("fixed" in p) return p.fixed;
  const suffix = new random.RandomString(
    vault.names.suffix.name,
    { length: SUFFIX_LENGTH, upper: false, special: false, numeric: true, lower: true },
    { parent, protect: vault.protect, aliases: aliasesFor(vault.names.suffix) },
  );
  return suffix.result.apply((s) => `${p.prefix}${s}`);
}

/** The diagnostic setting, lock and private endpoint of a store, as children of `parent`. */
export function guardStore(
  storeId: pulumi.Output<string>,
  args: KeyStoreArgs,
  parent: pulumi.Resource,
  writes: WriteChain,
): void {
  const { vault } = args;
  const names = vault.names;
  auditDiagnosticSetting(names.audit.name, storeId, args.sinks, {
    parent,
    aliases: aliasesFor(names.audit),
  });

  if (vault.lock) {
    new authorization.ManagementLockByScope(
      names.lock.name,
      {
        scope: storeId,
        lockName: vault.lock.name,
        level: vault.lock.level,
        notes: vault.lock.notes,
      },
      { parent, aliases: aliasesFor(names.lock) },
    );
  }

  const pe = vault.network.privateEndpoint;
  if (pe) {
    const endpoint = new network.PrivateEndpoint(
      names.privateEndpoint.name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        privateEndpointName: pe.name,
        subnet: { id: pe.subnetId },
        privateLinkServiceConnections: [
          { name: pe.connectionName, privateLinkServiceId: storeId, groupIds: [pe.groupId] },
        ],
        tags: vault.tags,
      },
      {
        parent,
        aliases: aliasesFor(names.privateEndpoint),
        // Creating the endpoint writes a private endpoint connection into the vault, which races
        // the vault's other child writes (ConflictError, hashicorp/terraform-provider-azurerm#32095):
        // it is the first link of the vault's write chain, before any key or secret.
        dependsOn: writes.next(),
      },
    );
    writes.add(endpoint);
    new network.PrivateDnsZoneGroup(
      names.privateDnsZoneGroup.name,
      {
        resourceGroupName: args.resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: pe.zoneConfigName, privateDnsZoneId: pe.privateDnsZoneId }],
      },
      { parent, aliases: aliasesFor(names.privateDnsZoneGroup) },
    );
  }
}
