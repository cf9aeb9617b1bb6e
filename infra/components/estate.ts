import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { ESTATE_NAMES, WEBHOOK_SOURCE } from "../model/names";
import type { ResolvedEstate, ResolvedVault } from "../model/types";
import { VaultAccess } from "./access";
import { aliasesFor } from "./aliases";
import { AuditSinks } from "./diagnostics";
import { VaultExpiryEvents } from "./expiryEvents";
import { Insights } from "./insights";
import { KeyIds, VaultKeys } from "./keys";
import { ManagedHsmPool } from "./managedHsm";
import { VaultSecrets } from "./secrets";
import { PrivateEndpointOutputs, privateEndpointsOf } from "./storeInterfaces";
import { KeyVault } from "./vault";

/** Arguments of an `Estate`: the resolved model and what the entry read for it. */
export interface EstateArgs {
  /** The resolved estate (`resolveEstate`). */
  readonly estate: ResolvedEstate;
  /** The tenant vaults trust: the model's, else the deploying identity's (read by the entry). */
  readonly tenantId: pulumi.Input<string>;
  /** The subscription the estate deploys to: the deploying identity's (read by the entry). */
  readonly subscriptionId: pulumi.Input<string>;
  /** Values of env and config sources, by logical vault name then secret name; each secret. */
  readonly secretValues: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;
}

/** What a consumer reads about one secret. Never its value. */
interface SecretIds {
  /** `https://<vault>.vault.azure.net/secrets/<name>`: what `@Microsoft.KeyVault(SecretUri=…)` takes. */
  readonly versionlessUri: pulumi.Output<string>;
  /** `/subscriptions/…/vaults/<vault>/secrets/<name>`. */
  readonly resourceId: pulumi.Output<string>;
}

/**
 * What a stack exports per vault, for other stacks to read (`StackReference`; README, "Consuming
 * the estate from other stacks"): never a secret value.
 */
export interface VaultOutputs {
  readonly name: pulumi.Output<string>;
  /** The vault's (or pool's) ARM id; `resourceId` is the same value under AVM's name. */
  readonly id: pulumi.Output<string>;
  readonly resourceId: pulumi.Output<string>;
  readonly uri: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  /** Versionless key URIs by key name (empty for a Managed HSM: its keys are data-plane only). */
  readonly keys: Readonly<Record<string, pulumi.Output<string>>>;
  /** Per key: versioned and versionless URIs and ARM ids. */
  readonly keyIds: Readonly<Record<string, KeyIds>>;
  /** Versionless secret URIs by secret name; never a value. */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
  /** Per secret: its versionless URI and ARM id. */
  readonly secretIds: Readonly<Record<string, SecretIds>>;
  /** Per private endpoint (by its Azure name): its ARM id and private IP addresses. */
  readonly privateEndpoints: Readonly<Record<string, PrivateEndpointOutputs>>;
}

/** The stack outputs of an estate. */
export interface EstateOutputs {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly vaults: Readonly<Record<string, VaultOutputs>>;
  readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  readonly auditStorageAccountId: pulumi.Output<string>;
}

/** One environment's Key Vault estate: resource group, log sinks and every vault. */
export class Estate extends pulumi.ComponentResource {
  public readonly resourceGroupName: pulumi.Output<string>;
  public readonly sinks: AuditSinks;
  /** Each vault by logical name: a `KeyVault`, or a `ManagedHsmPool` for tier `managedHsm`. */
  public readonly vaults: Record<string, KeyVault | ManagedHsmPool> = {};
  /** The stack outputs: per vault its name, id, URI, key and secret URIs; the sink ids. */
  public readonly outputs: EstateOutputs;
  private readonly args: EstateArgs;
  private readonly group: resources.ResourceGroup;
  private readonly insights?: Insights;
  private readonly vaultOutputs: Record<string, VaultOutputs> = {};

  /** Set by `Estate.build` for the one constructor call it makes: the vaults are then its to add. */
  private static stepwise = false;

  /**
   * Builds the resource group, the sinks, the usage insights and every vault, at once: the same
   * resources as `Estate.build`, run through.
   */
  constructor(name: string, args: EstateArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:estate:Estate", name, {}, opts);
    const stepwise = Estate.stepwise;
    Estate.stepwise = false;
    this.args = args;
    const { estate } = args;

    this.group = new resources.ResourceGroup(
      ESTATE_NAMES.resourceGroup.name,
      {
        resourceGroupName: estate.resourceGroup.name,
        location: estate.location,
        tags: estate.tags,
      },
      {
        parent: this,
        protect: estate.resourceGroup.protect,
        aliases: aliasesFor(ESTATE_NAMES.resourceGroup),
      },
    );
    this.resourceGroupName = this.group.name;

    this.sinks = new AuditSinks(
      ESTATE_NAMES.sinks.name,
      {
        sinks: estate.sinks,
        resourceGroupName: this.group.name,
        location: estate.location,
        envShort: estate.envShort,
        tags: estate.tags,
      },
      { parent: this, aliases: aliasesFor(ESTATE_NAMES.sinks) },
    );

    // Usage insights over the audit logs (off in dev unless the stack turns them on).
    this.insights = estate.insights
      ? new Insights(
          estate.insights.names.component,
          {
            insights: estate.insights,
            resourceGroupName: this.group.name,
            location: estate.location,
            workspaceId: this.sinks.workspaceId,
            webhookUrl: this.webhookUrl(),
          },
          { parent: this },
        )
      : undefined;

    this.outputs = {
      resourceGroupName: this.resourceGroupName,
      vaults: this.vaultOutputs,
      logAnalyticsWorkspaceId: this.sinks.workspaceId,
      auditStorageAccountId: this.sinks.storageAccountId,
    };
    if (!stepwise) {
      for (const spec of estate.vaults) this.addVault(spec);
      this.complete();
    }
  }

  /**
   * The estate built one vault at a time: the first step builds the shared resources and the first
   * vault, each later one the next vault, and each yields that vault's logical name; it returns the
   * estate once its outputs are registered. The program builds through this (`estateProgram`):
   * a deployment runs it through at once, the offline plan lets each vault's registrations finish
   * before it resumes it, so an estate of hundreds of vaults is never pending all at once (README,
   * "Development"). The resources are the same as `new Estate`'s.
   */
  static *build(
    name: string,
    args: EstateArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ): Generator<string, Estate, void> {
    Estate.stepwise = true;
    let estate: Estate;
    try {
      estate = new Estate(name, args, opts);
    } finally {
      Estate.stepwise = false;
    }
    for (const spec of args.estate.vaults) {
      estate.addVault(spec);
      yield spec.name;
    }
    estate.complete();
    return estate;
  }

  private webhookUrl(): pulumi.Output<string> | undefined {
    return this.args.secretValues[WEBHOOK_SOURCE.vault]?.[WEBHOOK_SOURCE.secret];
  }

  /**
   * One vault or pool with everything it holds. In this order: the store, its keys, its secrets
   * (keys and secrets share the vault's single write chain, after its private endpoint, in spec
   * order), then its role assignments, whose scopes may name one of those keys or secrets.
   */
  private addVault(spec: ResolvedVault): void {
    const { estate } = this.args;
    const group = this.group;
    const insights = this.insights;
    const storeArgs = {
      vault: spec,
      resourceGroupName: group.name,
      location: estate.location,
      tenantId: this.args.tenantId,
      sinks: this.sinks,
    };
    const n = spec.names;
    let keyUris: VaultOutputs["keys"] = {};
    let keyIds: VaultOutputs["keyIds"] = {};
    let secretUris: VaultOutputs["secrets"] = {};
    let keys: VaultKeys["keys"] = {};
    let secrets: VaultSecrets["secrets"] = {};
    let store: KeyVault | ManagedHsmPool;
    if (spec.kind === "vault") {
      const vault = new KeyVault(n.component, storeArgs, { parent: this });
      const expiry = estate.insights?.expiry;
      const events = expiry?.vaults.find((e) => e.vault === spec.name);
      if (insights && expiry && events) {
        // Before the keys and secrets: Key Vault notifies only for versions created after it.
        new VaultExpiryEvents(
          events.names.component,
          {
            events,
            expiry,
            vaultId: vault.id,
            resourceGroupName: group.name,
            location: estate.location,
            tags: spec.tags,
            actionGroupId: insights.actionGroupId,
            webhookUrl: this.webhookUrl(),
            writes: vault.writes,
          },
          { parent: vault },
        );
      }
      const vaultKeys = new VaultKeys(
        n.keys.name,
        { vault, keys: spec.keys },
        { parent: vault, aliases: aliasesFor(n.keys) },
      );
      const vaultSecrets = new VaultSecrets(
        n.secrets.name,
        {
          vault,
          secrets: spec.secrets,
          values: this.args.secretValues[spec.name] ?? {},
          formerParent: vault,
        },
        { parent: vault },
      );
      ({ keys, keyUris, keyIds } = vaultKeys);
      ({ secrets, secretUris } = vaultSecrets);
      store = vault;
    } else {
      store = new ManagedHsmPool(n.component, storeArgs, { parent: this });
    }
    this.vaults[spec.name] = store;
    new VaultAccess(
      n.access.name,
      {
        vault: spec.name,
        grants: spec.access,
        vaultId: store.id,
        subscriptionId: this.args.subscriptionId,
        keys,
        secrets,
      },
      { parent: store, aliases: aliasesFor(n.access) },
    );
    const location: pulumi.Output<string | undefined> =
      store instanceof KeyVault ? store.vault.location : store.pool.location;
    this.vaultOutputs[spec.name] = {
      name: store.vaultName,
      id: store.id,
      resourceId: store.id,
      uri: store.uri,
      resourceGroupName: group.name,
      location: location.apply((l) => l ?? estate.location),
      keys: keyUris,
      keyIds,
      secrets: secretUris,
      secretIds: Object.fromEntries(
        Object.entries(secrets).map(([secret, resource]) => [
          secret,
          { versionlessUri: secretUris[secret], resourceId: resource.id },
        ]),
      ),
      privateEndpoints: privateEndpointsOf(store),
    };
  }

  /** Registers the component's outputs, once every vault has been added. */
  private complete(): void {
    this.registerOutputs({ ...this.outputs });
  }
}
