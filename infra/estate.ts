import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { EstateConfig } from "./config";
import { AuditSinks } from "./diagnostics";
import { KeyVault } from "./vault";

/** Arguments of an `Estate`: the validated config and what the entry resolved for it. */
export interface EstateArgs {
  /** The validated stack config (`parseStackConfig`). */
  readonly config: EstateConfig;
  /** The tenant vaults trust: from config, else the deploying identity's tenant. */
  readonly tenantId: pulumi.Input<string>;
}

/** What a stack exports per vault: never a secret value. */
export interface VaultOutputs {
  readonly name: pulumi.Output<string>;
  readonly id: pulumi.Output<string>;
  readonly uri: pulumi.Output<string>;
}

/** One environment's Key Vault estate: resource group, log sinks and every vault. */
export class Estate extends pulumi.ComponentResource {
  public readonly resourceGroupName: pulumi.Output<string>;
  public readonly sinks: AuditSinks;
  public readonly vaults: Readonly<Record<string, KeyVault>>;

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

    const vaults: Record<string, KeyVault> = {};
    for (const spec of config.vaults) {
      // Per vault, in this order: the vault (or Managed HSM pool), its keys, its secrets (keys and
      // secrets share the vault's single write chain, keys first, in spec order), then its role
      // assignments, whose scopes may name one of those keys or secrets.
      vaults[spec.name] = new KeyVault(
        spec.name,
        {
          spec,
          envShort: b.shortName,
          resourceGroupName: group.name,
          location: config.location,
          tenantId: args.tenantId,
          tags,
          sinks: this.sinks,
          allLogs: d.allLogs,
          protect: b.vault.protect,
        },
        { parent: this },
      );
    }
    this.vaults = vaults;

    this.registerOutputs({ resourceGroupName: this.resourceGroupName });
  }

  /** The stack outputs: per vault its name, id and URI, and the sink ids. No secret values. */
  outputs() {
    const vaults: Record<string, VaultOutputs> = {};
    for (const [logical, v] of Object.entries(this.vaults)) {
      vaults[logical] = { name: v.vaultName, id: v.id, uri: v.uri };
    }
    return {
      resourceGroupName: this.resourceGroupName,
      vaults,
      logAnalyticsWorkspaceId: this.sinks.workspaceId,
      auditStorageAccountId: this.sinks.storageAccountId,
    };
  }
}
