import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import { ESTATE_NAMES, storageAccountName, SUFFIX_LENGTH } from "../model/names";
import type {
  ResolvedDiagnosticSetting,
  ResolvedLock,
  ResolvedSinks,
  StackOutputRef,
  Tags,
} from "../model/types";
import { aliasesFor } from "./aliases";

/** Arguments of `AuditSinks`. */
export interface AuditSinksArgs {
  /** The resolved sinks: each created here or referenced by ARM id. */
  readonly sinks: ResolvedSinks;
  /** Resource group for sinks created here. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region for sinks created here. */
  readonly location: string;
  /** Short environment name used in physical names. */
  readonly envShort: string;
  /** Tags for every sink created here. */
  readonly tags: Tags;
}

/**
 * The estate's log sinks: a Log Analytics workspace (query, alerts) and a Storage account (archive),
 * each created here or referenced by ARM id, plus an optional Event Hubs stream.
 */
export class AuditSinks extends pulumi.ComponentResource {
  public readonly workspaceId: pulumi.Output<string>;
  public readonly storageAccountId: pulumi.Output<string>;
  public readonly eventHub?: { readonly authorizationRuleId: string; readonly name: string };
  /** The log category group every store's diagnostic setting sends. */
  public readonly categoryGroup: "audit" | "allLogs";

  constructor(name: string, args: AuditSinksArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:diagnostics:AuditSinks", name, {}, opts);
    const { sinks } = args;

    if (sinks.workspace.create) {
      const workspace = new operationalinsights.Workspace(
        ESTATE_NAMES.workspace.name,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          workspaceName: sinks.workspace.name,
          sku: { name: "PerGB2018" },
          retentionInDays: sinks.workspace.retentionInDays,
          // Queries authenticate with Entra ID only; no shared workspace keys.
          features: { disableLocalAuth: true },
          tags: args.tags,
        },
        // protect (prod): the audit trail outlives any change to the program (model/sinks.ts).
        { parent: this, aliases: aliasesFor(ESTATE_NAMES.workspace), protect: sinks.protect },
      );
      this.workspaceId = workspace.id;
      sinkLock(sinks.workspaceLock, workspace.id, this);
    } else {
      this.workspaceId = this.existing(sinks.workspace);
    }

    this.storageAccountId = sinks.archive.create
      ? this.createArchive(args, sinks.archive, sinks)
      : this.existing(sinks.archive);

    this.eventHub = sinks.eventHub;
    this.categoryGroup = sinks.categoryGroup;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      storageAccountId: this.storageAccountId,
    });
  }

  /** One `StackReference` per platform stack, shared by both sinks. */
  private readonly platformStacks = new Map<string, pulumi.StackReference>();

  /** A sink created elsewhere: by ARM id, or as a platform stack's output. */
  private existing(
    sink: { readonly id: string } | { readonly fromStack: StackOutputRef },
  ): pulumi.Output<string> {
    if ("id" in sink) return pulumi.output(sink.id);
    const { stack, resource, output } = sink.fromStack;
    let reference = this.platformStacks.get(stack);
    if (!reference) {
      reference = new pulumi.StackReference(resource, { name: stack }, { parent: this });
      this.platformStacks.set(stack, reference);
    }
    // requireOutput: a platform stack without the output fails the preview, naming it.
    return reference.requireOutput(output) as pulumi.Output<string>;
  }

  private createArchive(
    args: AuditSinksArgs,
    archive: { readonly retentionInDays: number; readonly sku: string },
    sinks: ResolvedSinks,
  ) {
    const suffix = new random.RandomString(
      ESTATE_NAMES.archiveSuffix.name,
      { length: SUFFIX_LENGTH + 1, upper: false, special: false, numeric: true, lower: true },
      { parent: this, aliases: aliasesFor(ESTATE_NAMES.archiveSuffix) },
    );
    const account = new storage.StorageAccount(
      ESTATE_NAMES.archive.name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        accountName: suffix.result.apply((s) => storageAccountName(args.envShort, s)),
        kind: "StorageV2",
        sku: { name: archive.sku },
        accessTier: "Cool",
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        // Azure Monitor writes diagnostic logs through its trusted-service path, and this program
        // manages the account through ARM only, so account keys are never needed (README).
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        // Deny by default; Azure Monitor reaches the account as a trusted Microsoft service.
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
        encryption: {
          keySource: "Microsoft.Storage",
          requireInfrastructureEncryption: true,
          services: {
            blob: { enabled: true, keyType: "Account" },
            file: { enabled: true, keyType: "Account" },
          },
        },
        tags: args.tags,
      },
      // protect (prod): the audit trail outlives any change to the program (model/sinks.ts).
      { parent: this, aliases: aliasesFor(ESTATE_NAMES.archive), protect: sinks.protect },
    );
    sinkLock(sinks.archiveLock, account.id, this);
    new storage.ManagementPolicy(
      ESTATE_NAMES.archiveLifecycle.name,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "expire-audit-logs",
              enabled: true,
              type: "Lifecycle",
              definition: {
                // Diagnostic settings write append blobs into `insights-logs-*` and
                // `insights-metrics-*` containers.
                filters: {
                  blobTypes: ["appendBlob", "blockBlob"],
                  prefixMatch: ["insights-logs-", "insights-metrics-"],
                },
                actions: {
                  baseBlob: {
                    delete: { daysAfterModificationGreaterThan: archive.retentionInDays },
                  },
                },
              },
            },
          ],
        },
      },
      { parent: this, aliases: aliasesFor(ESTATE_NAMES.archiveLifecycle) },
    );
    return account.id;
  }
}

/** The CanNotDelete lock of a sink created here, when the model asks for one. */
function sinkLock(
  lock: ResolvedLock | undefined,
  scope: pulumi.Output<string>,
  parent: pulumi.Resource,
): void {
  if (!lock) return;
  new authorization.ManagementLockByScope(
    lock.resource.name,
    { scope, lockName: lock.name, level: lock.level, notes: lock.notes },
    { parent },
  );
}

/**
 * One diagnostic setting of a vault or pool: its log category groups or categories and metrics, to
 * the estate's sinks (`estateSinks`: the workspace with `Dedicated` tables, the archive and the
 * Event Hub stream, if configured) or to the destinations it names.
 */
export function diagnosticSetting(
  spec: ResolvedDiagnosticSetting,
  resourceUri: pulumi.Input<string>,
  sinks: AuditSinks,
  opts: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting {
  const workspaceId = spec.estateSinks ? sinks.workspaceId : spec.workspaceId;
  const eventHub = spec.estateSinks ? sinks.eventHub : spec.eventHub;
  return new monitor.DiagnosticSetting(
    spec.resource.name,
    {
      name: spec.name,
      resourceUri,
      logs: [
        ...spec.categoryGroups.map((categoryGroup) => ({ categoryGroup, enabled: true })),
        ...spec.categories.map((category) => ({ category, enabled: true })),
      ],
      metrics: spec.metrics.map((category) => ({ category, enabled: true })),
      workspaceId,
      logAnalyticsDestinationType: workspaceId ? spec.logAnalyticsDestinationType : undefined,
      storageAccountId: spec.estateSinks ? sinks.storageAccountId : spec.storageAccountId,
      eventHubAuthorizationRuleId: eventHub?.authorizationRuleId,
      eventHubName: eventHub?.name,
    },
    opts,
  );
}
