import type * as authorization from "@pulumi/azure-native/authorization";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as monitor from "@pulumi/azure-native/monitor";
import type * as network from "@pulumi/azure-native/network";
import type * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type * as storage from "@pulumi/azure-native/storage";
import type { Unwrap } from "@pulumi/pulumi";
import { TOKENS } from "../../policies/lib/tokens";
import { INSIGHT_TOKENS } from "../../policies/monitor/expiryEventsAndAlerts";
import type { PlannedResource } from "../../tools/contract/plan";
import { inDays, planned } from "./helpers";

/**
 * Compliant-by-default inputs, typed with azure-native's own argument types (unwrapped, as a
 * policy sees them). Each test changes one field.
 */
const TENANT = "11111111-1111-1111-1111-111111111111";
export const SUB = "/subscriptions/22222222-2222-2222-2222-222222222222";
const RG = `${SUB}/resourceGroups/rg-kv`;
export const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv-payments`;
export const BREAK_GLASS = "33333333-3333-3333-3333-333333333333";
export const APP_PRINCIPAL = "44444444-4444-4444-4444-444444444444";

export function vaultArgs(): Unwrap<keyvault.VaultArgs> {
  return {
    resourceGroupName: "rg-kv",
    vaultName: "kv-payments",
    properties: {
      tenantId: TENANT,
      sku: { family: "A", name: "premium" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkAcls: {
        defaultAction: "Deny",
        bypass: "AzureServices",
        ipRules: [],
        virtualNetworkRules: [],
      },
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
    },
  };
}

export function keyArgs(): Unwrap<keyvault.KeyArgs> {
  return {
    resourceGroupName: "rg-kv",
    vaultName: "kv-payments",
    keyName: "cmk-storage",
    properties: {
      kty: "RSA-HSM",
      keySize: 3072,
      keyOps: ["wrapKey", "unwrapKey"],
      attributes: { enabled: true, expires: inDays(365) },
      rotationPolicy: {
        attributes: { expiryTime: "P365D" },
        lifetimeActions: [
          { action: { type: "rotate" }, trigger: { timeBeforeExpiry: "P60D" } },
          { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
        ],
      },
    },
  };
}

export function secretArgs(): Unwrap<keyvault.SecretArgs> {
  return {
    resourceGroupName: "rg-kv",
    vaultName: "kv-payments",
    secretName: "db-password",
    properties: {
      value: "[secret]",
      contentType: "text/plain",
      attributes: { enabled: true, expires: inDays(90) },
    },
  };
}

export function managedHsmArgs(): Unwrap<keyvault.ManagedHsmArgs> {
  return {
    resourceGroupName: "rg-kv",
    name: "mhsm-payments",
    sku: { family: "B", name: "Standard_B1" },
    properties: {
      tenantId: TENANT,
      initialAdminObjectIds: [BREAK_GLASS],
      enableSoftDelete: true,
      enablePurgeProtection: true,
      softDeleteRetentionInDays: 90,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
    },
  };
}

export function storageAccountArgs(): Unwrap<storage.StorageAccountArgs> {
  return {
    resourceGroupName: "rg-kv",
    accountName: "stkvaudit",
    kind: "StorageV2",
    sku: { name: "Standard_ZRS" },
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true },
  };
}

export function workspaceArgs(): Unwrap<operationalinsights.WorkspaceArgs> {
  return { resourceGroupName: "rg-kv", workspaceName: "log-kv", retentionInDays: 365 };
}

export function roleAssignmentArgs(): Unwrap<authorization.RoleAssignmentArgs> {
  return {
    scope: VAULT_ID,
    principalId: APP_PRINCIPAL,
    principalType: "ServicePrincipal",
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
  };
}

export function diagnosticSettingArgs(): Unwrap<monitor.DiagnosticSettingArgs> {
  return {
    name: "kv-audit",
    resourceUri: VAULT_ID,
    logs: [{ categoryGroup: "audit", enabled: true }],
    metrics: [{ category: "AllMetrics", enabled: true }],
    workspaceId: `${RG}/providers/Microsoft.OperationalInsights/workspaces/log-kv`,
    storageAccountId: `${RG}/providers/Microsoft.Storage/storageAccounts/stkvaudit`,
  };
}

function lockArgs(): Unwrap<authorization.ManagementLockByScopeArgs> {
  return { scope: VAULT_ID, level: "CanNotDelete", lockName: "kv-payments-lock" };
}

export function privateEndpointArgs(): Unwrap<network.PrivateEndpointArgs> {
  return {
    resourceGroupName: "rg-kv",
    privateEndpointName: "pe-kv-payments",
    subnet: { id: `${RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe` },
    privateLinkServiceConnections: [
      { name: "kv-payments", privateLinkServiceId: VAULT_ID, groupIds: ["vault"] },
    ],
  };
}

/** The pieces of a compliant estate; tests replace one to break one rule. */
export interface Estate {
  vault: PlannedResource;
  key: PlannedResource;
  secret: PlannedResource;
  diagnostics: PlannedResource;
  lock: PlannedResource;
  endpoint: PlannedResource;
  storage: PlannedResource;
  workspace: PlannedResource;
  access: PlannedResource;
  /** Usage insights: the vault's Event Grid topic, its expiry subscription, an alert rule. */
  topic: PlannedResource;
  expirySubscription: PlannedResource;
  actionGroup: PlannedResource;
  alertRule: PlannedResource;
}

export function estate(): Estate {
  const vault = planned(TOKENS.vault, "payments", { ...vaultArgs() });
  const onVault = { propertyDependencies: { vaultName: [vault] } };
  const key = planned(TOKENS.key, "payments-cmk-storage", { ...keyArgs() }, onVault);
  const secret = planned(
    TOKENS.secret,
    "payments-db-password",
    { ...secretArgs() },
    { ...onVault, dependsOn: [key] },
  );
  const storageAccount = planned(TOKENS.storageAccount, "audit", { ...storageAccountArgs() });
  const workspace = planned(TOKENS.workspace, "audit", { ...workspaceArgs() });
  const topic = planned(
    INSIGHT_TOKENS.systemTopic,
    "payments/events/topic",
    {
      resourceGroupName: "rg-kv",
      systemTopicName: "evgt-kv-payments",
      source: VAULT_ID,
      topicType: "Microsoft.KeyVault.vaults",
    },
    { propertyDependencies: { source: [vault] } },
  );
  const actionGroup = planned("azure-native:monitor:ActionGroup", "insights/action-group", {
    actionGroupName: "ag-kv-insights",
  });
  return {
    topic,
    expirySubscription: planned(
      INSIGHT_TOKENS.eventSubscription,
      "payments/events/expiry",
      {
        resourceGroupName: "rg-kv",
        systemTopicName: "evgt-kv-payments",
        eventSubscriptionName: "kv-expiry",
        filter: {
          includedEventTypes: [
            "Microsoft.KeyVault.SecretNearExpiry",
            "Microsoft.KeyVault.SecretExpired",
            "Microsoft.KeyVault.KeyNearExpiry",
            "Microsoft.KeyVault.KeyExpired",
          ],
        },
        destination: { endpointType: "MonitorAlert", severity: "Sev2" },
      },
      { propertyDependencies: { systemTopicName: [topic], destination: [actionGroup] } },
    ),
    actionGroup,
    alertRule: planned(
      INSIGHT_TOKENS.scheduledQueryRule,
      "insights/alerts/delete-or-purge",
      {
        ruleName: "kv-delete-or-purge",
        criteria: { allOf: [{ query: "AZKVAuditLogs | where OperationName == 'SecretPurge'" }] },
      },
      { propertyDependencies: { actions: [actionGroup] } },
    ),
    vault,
    key,
    secret,
    storage: storageAccount,
    workspace,
    diagnostics: planned(
      TOKENS.diagnosticSetting,
      "payments-audit",
      { ...diagnosticSettingArgs() },
      {
        propertyDependencies: {
          resourceUri: [vault],
          workspaceId: [workspace],
          storageAccountId: [storageAccount],
        },
      },
    ),
    lock: planned(
      TOKENS.lock,
      "payments-lock",
      { ...lockArgs() },
      { propertyDependencies: { scope: [vault] } },
    ),
    endpoint: planned(
      TOKENS.privateEndpoint,
      "payments-pe",
      { ...privateEndpointArgs() },
      {
        propertyDependencies: { privateLinkServiceConnections: [vault] },
      },
    ),
    access: planned(
      TOKENS.roleAssignment,
      "payments-app-secrets",
      { ...roleAssignmentArgs() },
      {
        propertyDependencies: { scope: [vault] },
      },
    ),
  };
}

export function resourcesOf(e: Estate): PlannedResource[] {
  return Object.values(e);
}
