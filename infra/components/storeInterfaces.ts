import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as network from "@pulumi/azure-native/network";
import { SUFFIX_LENGTH } from "../model/names";
import type { ResolvedLock, ResolvedVault } from "../model/types";
import { aliasesFor } from "./aliases";
import { AuditSinks, diagnosticSetting } from "./diagnostics";
import { WriteChain } from "./writeChain";

/**
 * What a key store (a `KeyVault` or a `ManagedHsmPool`) is built from, and the protections both
 * get around the store itself: the physical name, the diagnostic settings, the management lock and
 * the private endpoints. One place, so a vault and a pool can never drift apart.
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

/** What a consumer of a store reads about one of its private endpoints. */
export interface PrivateEndpointOutputs {
  readonly id: pulumi.Output<string>;
  /** The endpoint's private IP addresses (what its DNS A record resolves to). */
  readonly ipAddresses: pulumi.Output<string[]>;
}

/** The private endpoints `attachStoreInterfaces` built for each store, by endpoint name. */
const endpointsByStore = new WeakMap<
  pulumi.Resource,
  Readonly<Record<string, PrivateEndpointOutputs>>
>();

/** A store's private endpoints from `attachStoreInterfaces`, by endpoint name (empty if none). */
export function privateEndpointsOf(
  store: pulumi.Resource,
): Readonly<Record<string, PrivateEndpointOutputs>> {
  return endpointsByStore.get(store) ?? {};
}

/**
 * The addresses of a private endpoint: the A records its DNS zone group wrote
 * (`privateDnsZoneConfigs[].recordSets[].ipAddresses`, "the private ip address of the private
 * endpoint" in Microsoft.Network's privateEndpoint.json), and the endpoint's `customDnsConfigs`,
 * which carry them when no zone group manages DNS. Sorted and unique.
 */
function endpointAddresses(
  endpoint: network.PrivateEndpoint,
  zoneGroup: network.PrivateDnsZoneGroup | undefined,
): pulumi.Output<string[]> {
  const fromZone = zoneGroup
    ? zoneGroup.privateDnsZoneConfigs.apply((configs) =>
        (configs ?? []).flatMap((c) => (c.recordSets ?? []).flatMap((r) => r.ipAddresses ?? [])),
      )
    : pulumi.output([] as string[]);
  const fromEndpoint = endpoint.customDnsConfigs.apply((configs) =>
    (configs ?? []).flatMap((c) => c.ipAddresses ?? []),
  );
  return pulumi.all([fromZone, fromEndpoint]).apply(([a, b]) => [...new Set([...a, ...b])].sort());
}

/**
 * The diagnostic settings, lock and private endpoints of a store, as children of `parent`. Each
 * endpoint joins the store's write chain in config order. A ReadOnly lock comes last: it refuses
 * every later write under the store, so everything this program writes there on creation (the
 * diagnostic settings, the endpoints' connections) must exist before it.
 */
export function attachStoreInterfaces(
  storeId: pulumi.Output<string>,
  args: KeyStoreArgs,
  parent: pulumi.Resource,
  writes: WriteChain,
): void {
  const { vault } = args;
  const settings = vault.diagnosticSettings.map((spec) =>
    diagnosticSetting(spec, storeId, args.sinks, {
      parent,
      aliases: aliasesFor(spec.resource),
    }),
  );

  // A CanNotDelete lock blocks no write, so it keeps its place right after the settings.
  if (vault.lock && vault.lock.level !== "ReadOnly") lock(vault.lock, storeId, parent, []);

  const endpoints: Record<string, PrivateEndpointOutputs> = {};
  const created: pulumi.Resource[] = [];
  for (const pe of vault.network.privateEndpoints) {
    const endpoint = new network.PrivateEndpoint(
      pe.resource.name,
      {
        resourceGroupName: pe.resourceGroup ?? args.resourceGroupName,
        location: pe.location,
        privateEndpointName: pe.name,
        subnet: { id: pe.subnetId },
        privateLinkServiceConnections: [
          { name: pe.connectionName, privateLinkServiceId: storeId, groupIds: [pe.groupId] },
        ],
        // A vault's private-link group `vault` has the single member `default` (its
        // privateLinkResources: requiredMembers ["default"]).
        ...(pe.staticIp !== undefined
          ? {
              ipConfigurations: [
                {
                  name: `${pe.name}-ipconfig`,
                  groupId: pe.groupId,
                  memberName: "default",
                  privateIPAddress: pe.staticIp,
                },
              ],
            }
          : {}),
        ...(pe.applicationSecurityGroupIds.length > 0
          ? { applicationSecurityGroups: pe.applicationSecurityGroupIds.map((id) => ({ id })) }
          : {}),
        tags: pe.tags,
      },
      {
        parent,
        aliases: aliasesFor(pe.resource),
        // Creating an endpoint writes a private endpoint connection into the vault, which races
        // the vault's other child writes (ConflictError, hashicorp/terraform-provider-azurerm#32095):
        // the endpoints are the first links of the vault's write chain, before any key or secret.
        dependsOn: writes.next(),
      },
    );
    writes.add(endpoint);
    created.push(endpoint);
    const zoneGroup =
      pe.dnsZoneGroup && pe.privateDnsZoneId !== undefined
        ? new network.PrivateDnsZoneGroup(
            pe.dnsZoneGroup.name,
            {
              resourceGroupName: pe.resourceGroup ?? args.resourceGroupName,
              privateEndpointName: endpoint.name,
              privateDnsZoneGroupName: "default",
              privateDnsZoneConfigs: [
                { name: pe.zoneConfigName, privateDnsZoneId: pe.privateDnsZoneId },
              ],
            },
            { parent, aliases: aliasesFor(pe.dnsZoneGroup) },
          )
        : undefined;
    if (zoneGroup) created.push(zoneGroup);
    if (pe.lock) {
      lock(pe.lock, endpoint.id, parent, zoneGroup ? [zoneGroup] : []);
    }
    endpoints[pe.name] = { id: endpoint.id, ipAddresses: endpointAddresses(endpoint, zoneGroup) };
  }
  endpointsByStore.set(parent, endpoints);

  if (vault.lock?.level === "ReadOnly")
    lock(vault.lock, storeId, parent, [...settings, ...created]);
}

/** A management lock on `scope`, after `after` (what must be written before a ReadOnly lock). */
function lock(
  spec: ResolvedLock,
  scope: pulumi.Input<string>,
  parent: pulumi.Resource,
  after: pulumi.Resource[],
): authorization.ManagementLockByScope {
  return new authorization.ManagementLockByScope(
    spec.resource.name,
    { scope, lockName: spec.name, level: spec.level, notes: spec.notes },
    {
      parent,
      aliases: aliasesFor(spec.resource),
      ...(after.length > 0 ? { dependsOn: after } : {}),
    },
  );
}
