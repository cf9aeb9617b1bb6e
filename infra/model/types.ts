import type { Environment } from "../../stacks";
import type { ResolvedRole } from "../azure/roles";
import type { AccessScope } from "./access";
import type { AlertRuleKey } from "../../stacks/baseline";
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
  /** Usage insights over the audit logs; absent when off (the dev baseline). */
  readonly insights?: ResolvedInsights;
}

export type Tags = Readonly<Record<string, string>>;

export interface ResolvedSinks {
  /**
   * Create a workspace with this name and retention, use an existing one by ARM id, or read its id
   * from a platform stack's output.
   */
  readonly workspace:
    | { readonly create: true; readonly name: string; readonly retentionInDays: number }
    | { readonly create: false; readonly id: string }
    | { readonly create: false; readonly fromStack: StackOutputRef };
  /**
   * Create an archive account (`stkvaudit<env><suffix>`), use an existing one by ARM id, or read
   * its id from a platform stack's output.
   */
  readonly archive:
    | {
        readonly create: true;
        readonly retentionInDays: number;
        readonly sku: "Standard_LRS" | "Standard_GRS";
      }
    | { readonly create: false; readonly id: string }
    | { readonly create: false; readonly fromStack: StackOutputRef };
  readonly eventHub?: { readonly authorizationRuleId: string; readonly name: string };
  /** The log category group every store sends: `audit`, or `allLogs` where the config asks. */
  readonly categoryGroup: "audit" | "allLogs";
  /** `protect` the workspace and archive created here (prod), so no deploy can delete them. */
  readonly protect: boolean;
  /** A CanNotDelete lock on the workspace created here (prod). */
  readonly workspaceLock?: ResolvedLock;
  /** A CanNotDelete lock on the archive account created here (prod). */
  readonly archiveLock?: ResolvedLock;
}

/** A value another stack exports (`diagnostics.fromStack`), read through a `StackReference`. */
export interface StackOutputRef {
  /** The stack's fully qualified name, `<organization>/<project>/<stack>`. */
  readonly stack: string;
  /** Its Pulumi resource name in this stack (one `StackReference` per referenced stack). */
  readonly resource: string;
  /** The output holding the value (an ARM id). */
  readonly output: string;
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
  /**
   * Recover the soft-deleted store of this name instead of creating one (ARM `createMode:
   * recover`, Microsoft.KeyVault keyvault.json and managedHsm.json). Absent: create.
   */
  readonly recover: boolean;
  /** `protect` the store (and its name suffix) so `pulumi destroy` refuses it. */
  readonly protect: boolean;
  readonly softDeleteRetentionInDays: number;
  readonly purgeProtection: boolean;
  readonly lock?: ResolvedLock;
  readonly network: ResolvedNetwork;
  /**
   * The store's diagnostic settings, in config order: the stack's `diagnosticSettings`, or the
   * default single audit setting to every estate sink.
   */
  readonly diagnosticSettings: readonly ResolvedDiagnosticSetting[];
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

interface ResolvedNetwork {
  readonly publicNetworkAccess: "Enabled" | "Disabled";
  readonly defaultAction: "Allow" | "Deny";
  readonly bypass: "AzureServices" | "None";
  readonly ipRules: readonly string[];
  readonly subnetIds: readonly string[];
  /** Every private endpoint, in config order (`privateEndpoint`, or `privateEndpoints`). */
  readonly privateEndpoints: readonly ResolvedPrivateEndpoint[];
}

/** A management lock on a store or a private endpoint. */
export interface ResolvedLock {
  /** The lock's Pulumi name. */
  readonly resource: ResourceName;
  /** The lock's name in Azure. */
  readonly name: string;
  readonly level: "CanNotDelete" | "ReadOnly";
  readonly notes: string;
}

export interface ResolvedPrivateEndpoint {
  /** The endpoint's Pulumi name: `<vault>/pe` for the first-generation one, else `<vault>/pe/<name>`. */
  readonly resource: ResourceName;
  /** The DNS zone group's Pulumi name; absent when the endpoint names no private DNS zone. */
  readonly dnsZoneGroup?: ResourceName;
  /** The endpoint's name in Azure. */
  readonly name: string;
  readonly connectionName: string;
  readonly subnetId: string;
  /** Absent: no zone group is created (the DNS record is managed elsewhere, e.g. by Azure Policy). */
  readonly privateDnsZoneId?: string;
  /** The private-link group: `vault` or `managedhsm`. */
  readonly groupId: string;
  /** The DNS zone config's name in the zone group. */
  readonly zoneConfigName: string;
  /** Another resource group of the same subscription; absent means the estate's. */
  readonly resourceGroup?: string;
  readonly location: string;
  /** A fixed private IP address from the subnet (vaults only); absent means Azure allocates one. */
  readonly staticIp?: string;
  readonly applicationSecurityGroupIds: readonly string[];
  /** The vault's tags merged with the endpoint's own (reserved tags win). */
  readonly tags: Tags;
  readonly lock?: ResolvedLock;
}

/** One diagnostic setting of a store, with its destinations resolved. */
export interface ResolvedDiagnosticSetting {
  /** The setting's Pulumi name: `<vault>/audit` for `keyvault-estate-audit`, else `<vault>/diagnostics/<name>`. */
  readonly resource: ResourceName;
  /** The setting's name in Azure. */
  readonly name: string;
  /** Log category groups (`audit`, `allLogs`); exclusive with `categories`. */
  readonly categoryGroups: readonly string[];
  /** Log categories (`AuditEvent`, …); exclusive with `categoryGroups`. */
  readonly categories: readonly string[];
  /** Metric categories (`AllMetrics`), possibly none. */
  readonly metrics: readonly string[];
  /** Send to the estate's own sinks: its workspace, its archive and its Event Hub, if any. */
  readonly estateSinks: boolean;
  /** Another Log Analytics workspace, by ARM id. */
  readonly workspaceId?: string;
  /** Another storage account, by ARM id. */
  readonly storageAccountId?: string;
  /** Another Event Hub stream. */
  readonly eventHub?: { readonly authorizationRuleId: string; readonly name?: string };
  readonly logAnalyticsDestinationType: "Dedicated" | "AzureDiagnostics";
}

/** A key with every default applied and its first expiry computed. */
export interface ResolvedKey extends KeySpec {
  readonly resource: ResourceName;
  /** Config path (`vaults[0].keys[1]`). */
  readonly path: string;
  /**
   * The first version's expiry, epoch seconds: `expiresOn`, or `expiresInDays` counted from the
   * start of the run's UTC day. Set at creation only, like every key property.
   */
  readonly expires: number;
  /** Epoch seconds; set at creation only. */
  readonly notBefore?: number;
  /** Set at creation only (`enabled: false` creates a disabled key). */
  readonly enabled: boolean;
  /** The vault's tags merged with the key's own (reserved tags win). */
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
  /**
   * Logical vault name; `(insights)` for the alerts' webhook URL (`WEBHOOK_SOURCE`), a name no vault
   * can have.
   */
  readonly vault: string;
  /** Secret name (`webhook` for the alerts' webhook URL). */
  readonly secret: string;
  /** The secret's config path, e.g. `vaults[1].secrets[0]` (`insights.receivers.webhook`). */
  readonly path: string;
  /** Content type, so the entry can decode a certificate. */
  readonly contentType: string;
}

/* Usage insights (infra/model/insights.ts resolves them). */

/** One saved query in the workspace. */
interface ResolvedSavedQuery {
  readonly key: string;
  readonly resource: ResourceName;
  /** The saved search's id in the workspace (unique per workspace, so it carries the environment). */
  readonly savedSearchId: string;
  readonly displayName: string;
  /** What the query answers (README, "Usage insights"). */
  readonly answers: string;
  readonly query: string;
}

/** One scheduled query rule, wired to the action group. */
export interface ResolvedAlertRule {
  readonly key: AlertRuleKey;
  readonly resource: ResourceName;
  readonly ruleName: string;
  readonly displayName: string;
  readonly description: string;
  readonly query: string;
  /** Fires when the count of matching rows in the window is greater than this. */
  readonly threshold: number;
  /** ISO 8601 durations. */
  readonly windowSize: string;
  readonly evaluationFrequency: string;
  readonly severity: number;
}

/** A vault's Event Grid system topic and its expiry subscription. */
export interface ResolvedExpiryEvents {
  readonly vault: string;
  readonly path: string;
  readonly names: {
    readonly component: string;
    readonly topic: string;
    readonly subscription: string;
  };
  readonly topicName: string;
  readonly subscriptionName: string;
}

/** One chart of the workbook. */
interface ResolvedWorkbookChart {
  readonly name: string;
  readonly title: string;
  readonly query: string;
  readonly visualization: "timechart" | "barchart" | "table";
  /** Percent of the row it takes. */
  readonly width: 50 | 100;
}

export interface ResolvedInsights {
  readonly names: {
    readonly component: string;
    readonly actionGroup: string;
    readonly workbook: string;
  };
  /** The saved searches' category (one per environment). */
  readonly category: string;
  readonly savedQueries: readonly ResolvedSavedQuery[];
  readonly actionGroup: {
    readonly name: string;
    /** At most 12 characters (used in SMS and e-mail subjects). */
    readonly shortName: string;
    readonly emails: readonly { readonly name: string; readonly address: string }[];
    /** The webhook receiver; its URL is the secret `source`, read by the entry. */
    readonly webhook?: { readonly name: string; readonly source: SecretSourceRef };
  };
  /** The principals the estate knows (roles, break-glass, HSM administrators, `knownPrincipals`). */
  readonly knownPrincipals: readonly string[];
  /** Enabled rules only. */
  readonly alerts: readonly ResolvedAlertRule[];
  readonly expiry: {
    readonly eventTypes: readonly string[];
    readonly delivery: "actionGroup" | "webhook";
    /** `Sev0`..`Sev4`: the Monitor alert an event raises (`actionGroup` delivery). */
    readonly severity: string;
    /** One per Key Vault (vaults only). */
    readonly vaults: readonly ResolvedExpiryEvents[];
    /** Managed HSM pools, which Event Grid has no source for, with the reason. */
    readonly unsupported: readonly {
      readonly vault: string;
      readonly path: string;
      readonly reason: string;
    }[];
  };
  readonly workbook: {
    /** The workbook's resource name: Azure requires a UUID. */
    readonly resourceName: string;
    readonly displayName: string;
    readonly charts: readonly ResolvedWorkbookChart[];
  };
  readonly tags: Tags;
}
