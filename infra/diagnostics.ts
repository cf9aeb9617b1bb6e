import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import { storageAccountName, SUFFIX_LENGTH, workspaceName } from "./naming";

/** Where every vault's audit logs go. */
export interface AuditSinksArgs {
  /** Resource group for sinks created here. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region for sinks created here. */
  readonly location: string;
  /** Short environment name used in physical names. */
  readonly envShort: string;
  /** Tags for every sink created here. */
  readonly tags: Readonly<Record<string, string>>;
  /** Create a workspace with this retention, or use the existing `workspaceId`. */
  readonly logAnalytics: { readonly retentionInDays: number } | { readonly workspaceId: string };
  /** Create an archive account keeping logs this many days, or use the existing `accountId`. */
  readonly storage: { readonly retentionInDays: number } | { readonly accountId: string };
  /** Optional stream to Event Hubs. No default. */
  readonly eventHub?: { readonly authorizationRuleId: string; readonly name: string };
  /** Storage replication for an archive created here. Defaults to Standard_LRS. */
  readonly storageSku?: "Standard_LRS" | "Standard_ZRS" | "Standard_GRS" | "Standard_GZRS";
}

/**
 * The estate's log sinks: a Log Analytics workspace (query, alerts) and a Storage account (archive),
 * each created here or referenced by ARM id, plus an optional Event Hubs stream.
 */
export class AuditSinks extends pulumi.ComponentResource {
  public readonly workspaceId: pulumi.Output<string>;
  public readonly storageAccountId: pulumi.Output<string>;
  public readonly eventHub?: { readonly authorizationRuleId: string; readonly name: string };

  constructor(name: string, args: AuditSinksArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:diagnostics:AuditSinks", name, {}, opts);

    if ("workspaceId" in args.logAnalytics) {
      this.workspaceId = pulumi.output(args.logAnalytics.workspaceId);
    } else {
      const workspace = new operationalinsights.Workspace(
        `${name}-workspace`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          workspaceName: workspaceName(args.envShort),
          sku: { name: "PerGB2018" },
          retentionInDays: args.logAnalytics.retentionInDays,
          // Queries authenticate with Entra ID only; no shared workspace keys.
          features: { disableLocalAuth: true },
          tags: args.tags,
        },
        { parent: this },
      );
      this.workspaceId = workspace.id;
    }

    if ("accountId" in args.storage) {
      this.storageAccountId = pulumi.output(args.storage.accountId);
    } else {
      this.storageAccountId = this.createArchive(name, args, args.storage.retentionInDays);
    }

    this.eventHub = args.eventHub;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      storageAccountId: this.storageAccountId,
    });
  }

  private createArchive(name: string, args: AuditSinksArgs, retentionInDays: number) {
    const suffix = new random.RandomString(
      `${name}-archive-suffix`,
      { length: SUFFIX_LENGTH + 1, upper: false, special: false, numeric: true, lower: true },
      { parent: this },
    );
    const account = new storage.StorageAccount(
      `${name}-archive`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        accountName: suffix.result.apply((s) => storageAccountName(args.envShort, s)),
        kind: "StorageV2",
        sku: { name: args.storageSku ?? "Standard_LRS" },
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
      { parent: this },
    );
    new storage.ManagementPolicy(
      `${name}-archive-lifecycle`,
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
                  baseBlob: { delete: { daysAfterModificationGreaterThan: retentionInDays } },
                },
              },
            },
          ],
        },
      },
      { parent: this },
    );
    return account.id;
  }
}

/** Creates the diagnostic setting that sends a vault's or pool's audit logs to every sink. */
export function auditDiagnosticSetting(
  name: string,
  resourceUri: pulumi.Input<string>,
  sinks: AuditSinks,
  allLogs: boolean,
  opts: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting {
  return new monitor.DiagnosticSetting(
    name,
    {
      name: "keyvault-estate-audit",
      resourceUri,
      logs: [{ categoryGroup: allLogs ? "allLogs" : "audit", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
      workspaceId: sinks.workspaceId,
      logAnalyticsDestinationType: "Dedicated",
      storageAccountId: sinks.storageAccountId,
      eventHubAuthorizationRuleId: sinks.eventHub?.authorizationRuleId,
      eventHubName: sinks.eventHub?.name,
    },
    opts,
  );
}
