import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { accessComponentName, VaultAccess } from "./access";
import { EstateConfig } from "./config";
import { AuditSinks } from "./diagnostics";
import { resolveKeySpec } from "./keySpec";
import { KeyVaultKeys } from "./keys";
import { ManagedHsmPool } from "./managedHsm";
import { ResolvedSecrets } from "./secretSources";
import { VaultSecrets, vaultSecrets } from "./secrets";
import { KeyVault } from "./vault";

/** Arguments of an `Estate`: the validated config and what the entry resolved for it. */
export interface EstateArgs {
  /** The validated stack config (`parseStackConfig`). */
  readonly config: EstateConfig;
  /** The tenant vaults trust: from config, else the deploying identity's tenant. */
  readonly tenantId: pulumi.Input<string>;
  /** Each vault's secrets with their values, resolved by the entry (`resolveSecretValues`). */
  readonly secrets: ResolvedSecrets;
}

/** What a stack exports per vault: never a secret value. */
export interface VaultOutputs {
  readonly name: pulumi.Output<string>;
  readonly id: pulumi.Output<string>;
  readonly uri: pulumi.Output<string>;
  /** Versionless key URIs by key name (empty for a Managed HSM: its keys are data-plane only). */
  readonly keys: Readonly<Record<string, pulumi.Output<string>>>;
  /** Versionless secret URIs by secret name; never a value. */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
}

/** One environment's Key Vault estate: resource group, log sinks and every vault. */
export class Estate extends pulumi.ComponentResource {
  public readonly resourceGroupName: pulumi.Output<string>;
  public readonly sinks: AuditSinks;
  /** Each vault by logical name: a `KeyVault`, or a `ManagedHsmPool` for tier `managedHsm`. */
  public readonly vaults: Readonly<Record<string, KeyVault | ManagedHsmPool>>;
  /** Each vault's keys by logical vault name (none for a Managed HSM). */
  public readonly keys: Readonly<Record<string, KeyVaultKeys>>;
  /** Each vault's versionless secret URIs by logical vault name, then secret name. */
  public readonly secretUris: Readonly<
    Record<string, Readonly<Record<string, pulumi.Output<string>>>>
  >;

  constructor(name: string, args: EstateArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:estate:Estate", name, {}, opts);
    const { config } = args;
    const b = config.baseline;
    const tags = {
      ...config.tags,
      environment: config.environment,
      "managed-by": "keyvault-estate",
    };

    const group = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: config.resourceGroup, location: config.location, tags },
      { parent: this, protect: b.vault.protect },
    );
    this.resourceGroupName = group.name;

    const d = config.diagnostics;
    this.sinks = new AuditSinks(
      `${name}-sinks`,
      {
        resourceGroupName: group.name,
        location: config.location,
        envShort: b.shortName,
        tags,
        logAnalytics: d.logAnalytics.workspaceId
          ? { workspaceId: d.logAnalytics.workspaceId }
          : { retentionInDays: d.logAnalytics.retentionInDays ?? b.diagnostics.logRetentionInDays },
        storage: d.storage.accountId
          ? { accountId: d.storage.accountId }
          : { retentionInDays: d.storage.retentionInDays ?? b.diagnostics.logRetentionInDays },
        eventHub: d.eventHub,
        storageSku: b.diagnostics.storageSku,
      },
      { parent: this },
    );

    const vaults: Record<string, KeyVault | ManagedHsmPool> = {};
    const keys: Record<string, KeyVaultKeys> = {};
    const secretUris: Record<string, Readonly<Record<string, pulumi.Output<string>>>> = {};
    for (const spec of config.vaults) {
      // Per vault, in this order: the vault (or Managed HSM pool), its keys, its secrets (keys and
      // secrets share the vault's single write chain, keys first, in spec order), then its role
      // assignments, whose scopes may name one of those keys or secrets.
      const vaultArgs = {
        spec,
        envShort: b.shortName,
        resourceGroupName: group.name,
        location: config.location,
        tenantId: args.tenantId,
        tags,
        sinks: this.sinks,
        allLogs: d.allLogs,
        protect: b.vault.protect,
      };
      const vault =
        spec.tier === "managedHsm"
          ? new ManagedHsmPool(spec.name, vaultArgs, { parent: this })
          : new KeyVault(spec.name, vaultArgs, { parent: this });
      vaults[spec.name] = vault;
      if (vault instanceof KeyVault) {
        keys[spec.name] = new KeyVaultKeys(
          `${spec.name}-keys`,
          {
            vault,
            keys: spec.keys.map((k) => resolveKeySpec(k, spec.tier, b)),
            tags: { ...tags, ...spec.tags },
          },
          { parent: vault },
        );
      }
      let secretResources: VaultSecrets["secrets"] = {};
      if (vault instanceof KeyVault) {
        const created = vaultSecrets(
          spec.name,
          { vault, secrets: args.secrets[spec.name] ?? [], tags: { ...tags, ...spec.tags } },
          vault,
        );
        secretUris[spec.name] = created.secretUris;
        secretResources = created.secrets;
      }
      // After the vault's keys and secrets: a key/<name> or secret/<name> scope is that resource's
      // ARM id output, so each assignment also waits for the object it is scoped to.
      new VaultAccess(
        accessComponentName(spec.name),
        {
          vault: spec.name,
          grants: spec.access,
          vaultId: vault.id,
          keys: keys[spec.name]?.keys ?? {},
          secrets: secretResources,
        },
        { parent: vault },
      );
    }
    this.vaults = vaults;
    this.keys = keys;
    this.secretUris = secretUris;

    this.registerOutputs({ resourceGroupName: this.resourceGroupName });
  }

  /** The stack outputs: per vault its name, id and URI, and the sink ids. No secret values. */
  outputs() {
    const vaults: Record<string, VaultOutputs> = {};
    for (const [logical, v] of Object.entries(this.vaults)) {
      vaults[logical] = {
        name: v.vaultName,
        id: v.id,
        uri: v.uri,
        keys: this.keys[logical]?.keyUris ?? {},
        secrets: this.secretUris[logical] ?? {},
      };
    }
    return {
      resourceGroupName: this.resourceGroupName,
      vaults,
      logAnalyticsWorkspaceId: this.sinks.workspaceId,
      auditStorageAccountId: this.sinks.storageAccountId,
    };
  }
}
