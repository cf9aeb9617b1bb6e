import type { Environment } from "../../stacks";
import type { ResolvedRole } from "../azure/roles";
import type { AccessScope } from "./access";
import type { KeySpec } from "./keys";
import type { ResourceName, VaultKind, VaultResourceNames } from "./names";
import type { SecretSource } from "./secrets";

/**
 * The resolved estate: what `resolveEstate` returns and the only thing components are built from.
 * Plain, immutable data with every default and baseline value applied, every name fixed and every
 * date computed. Nothing here is a Pulumi input or a zod type, and no value is secret: a secret's
 * value is read by the entry, never by the model.
 */
export interface ResolvedEstate {
  readonly environment: Environment;
  /** Short environment name used in physical names (`kv-<logical>-<short>-<suffix>`). */
  readonly envShort: string;
  readonly location: string;
  /** The tenant vaults trust; absent means the deploying identity's tenant. */
  readonly tenantId?: string;
  /** The instant the run was made at; new keys' and secrets' first expiries count from its day. */
  readonly now: Date;
  readonly resourceGroup: { readonly name: string; readonly protect: boolean };
  /** Estate tags with the reserved `environment` and `managed-by`. */
  readonly tags: Tags;
  readonly breakGlassPrincipals: readonly string[];
  readonly sinks: ResolvedSinks;
  readonly vaults: readonly ResolvedVault[];
  /** The env vars and config keys the pipeline must provide, one per seeded secret. Names only. */
  readonly secretSources: readonly SecretSourceRef[];
}

export type Tags = Readonly<Record<string, string>>;

export interface ResolvedSinks {
  /** Create a workspace with this name and retention, or use an existing one by ARM id. */
  readonly workspace:
    | { readonly create: true; readonly name: string; readonly retentionInDays: number }
    | { readonly create: false; readonly id: string };
  /** Create an archive account (`stkvaudit<env><suffix>`), or use an existing one by ARM id. */
  readonly archive:
    | {
        readonly create: true;
        readonly retentionInDays: number;
        readonly sku: "Standard_LRS" | "Standard_GRS";
      }
    | { readonly create: false; readonly id: string };
  readonly eventHub?: { readonly authorizationRuleId: string; readonly name: string };
  /** The log category group every store sends: `audit`, or `allLogs` where the config asks. */
  readonly categoryGroup: "audit" | "allLogs";
}

/** A vault or a Managed HSM pool, resolved. */
export interface ResolvedVault {
  /** Logical name (`vaults[].name`). */
  readonly name: string;
  /** Where it is in the config (`vaults[1]`), for messages. */
  readonly path: string;
  readonly kind: VaultKind;
  readonly tier: "standard" | "premium" | "managedHsm";
  /** Its Pulumi resource names. */
  readonly names: VaultResourceNames;
  /** The physical name as given (`physicalName`), or the prefix a random suffix completes. */
  readonly physicalName: { readonly fixed: string } | { readonly prefix: string };
  /** `protect` the store (and its name suffix) so `pulumi destroy` refuses it. */
  readonly protect: boolean;
  readonly softDeleteRetentionInDays: number;
  readonly purgeProtection: boolean;
  readonly lock?: { readonly name: string; readonly level: "CanNotDelete"; readonly notes: string };
  readonly network: ResolvedNetwork;
  readonly enabledForDeployment: boolean;
  readonly enabledForDiskEncryption: boolean;
  readonly enabledForTemplateDeployment: boolean;
  /** Managed HSM only (empty for a vault). */
  readonly initialAdminObjectIds: readonly string[];
  /** Estate tags merged with the vault's own (reserved tags win). */
  readonly tags: Tags;
  readonly keys: readonly ResolvedKey[];
  readonly secrets: readonly ResolvedSecret[];
  readonly access: readonly ResolvedGrant[];
}

export interface ResolvedNetwork {
  readonly publicNetworkAccess: "Enabled" | "Disabled";
  readonly defaultAction: "Allow" | "Deny";
  readonly bypass: "AzureServices" | "None";
  readonly ipRules: readonly string[];
  readonly subnetIds: readonly string[];
  readonly privateEndpoint?: ResolvedPrivateEndpoint;
}

export interface ResolvedPrivateEndpoint {
  readonly name: string;
  readonly connectionName: string;
  readonly subnetId: string;
  readonly privateDnsZoneId: string;
  /** The private-link group: `vault` or `managedhsm`. */
  readonly groupId: string;
  /** The DNS zone config's name in the zone group. */
  readonly zoneConfigName: string;
}

/** A key with every default applied and its first expiry computed. */
export interface ResolvedKey extends KeySpec {
  readonly resource: ResourceName;
  /** Config path (`vaults[0].keys[1]`). */
  readonly path: string;
  /** The first version's expiry, epoch seconds, counted from the start of the run's UTC day. */
  readonly expires: number;
  readonly tags: Tags;
}

/** A secret with every default applied and its expiry computed. Never a value. */
export interface ResolvedSecret {
  readonly name: string;
  readonly resource: ResourceName;
  /** The generated value's `RandomPassword` name (generated secrets only). */
  readonly password?: ResourceName;
  readonly path: string;
  readonly source: SecretSource;
  readonly contentType: string;
  /** Expiry, epoch seconds. */
  readonly expires?: number;
  /** True when `expires` counts from the creation day: set at creation only. */
  readonly expiresRelative: boolean;
  readonly notBefore?: number;
  readonly enabled: boolean;
  readonly tags: Tags;
}

/** One role assignment, resolved. */
export interface ResolvedGrant {
  readonly resource: ResourceName;
  readonly path: string;
  readonly principalId: string;
  readonly principalType: "User" | "Group" | "ServicePrincipal";
  readonly role: ResolvedRole;
  /** `vault`, `secret/<name>` or `key/<name>`. */
  readonly scope: string;
  readonly parsedScope: AccessScope;
  readonly condition?: string;
  readonly conditionVersion?: "2.0";
  readonly description?: string;
  /** What a reviewer should look at (advisory): raw GUIDs, broad roles at vault scope. */
  readonly notes: readonly string[];
}

/** An input the pipeline must provide for one secret. Names only. */
export interface SecretSourceRef {
  readonly kind: "env" | "config";
  /** The variable name, or the full config key (`keyvault-estate:<key>`). */
  readonly name: string;
  /** Logical vault name. */
  readonly vault: string;
  /** Secret name. */
  readonly secret: string;
  /** The secret's config path, e.g. `vaults[1].secrets[0]`. */
  readonly path: string;
  /** Content type, so the entry can decode a certificate. */
  readonly contentType: string;
}
