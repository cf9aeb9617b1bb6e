import * as fs from "fs";
import { TOKENS } from "../../infra/azure/tokens";

/**
 * How each azure-native resource type this program creates appears to Azure Policy. Adding a type
 * is one entry here (and, for its aliases, one name in `ALIAS_TYPES` and a regenerated alias file).
 */
export interface ResourceTypeEntry {
  /** The Pulumi type token, e.g. `azure-native:keyvault:Vault`. */
  readonly token: string;
  /** The ARM resource type Azure Policy's `type` field returns. */
  readonly armType: string;
  /** The azure-native module of the SDK class (`keyvault/vault`): its doc comment names the API version. */
  readonly sdkModule: string;
  /**
   * Whether the type has both tags and a location, so `Indexed` mode evaluates it. Resource groups
   * are excluded: Azure evaluates them only in `All` mode.
   * (learn.microsoft.com/azure/governance/policy/concepts/definition-structure-basics#mode)
   */
  readonly indexed: boolean;
  /** Inputs that are parts of the request URL (names, scopes), not of the request body. */
  readonly urlInputs: readonly string[];
  /** The inputs already carry the body's `properties` object (the provider does not flatten it). */
  readonly nestedProperties?: boolean;
  /** Top-level body fields besides `location` and `tags`. Default: `kind`, `sku`, `identity`. */
  readonly topLevel?: readonly string[];
  /** Inputs that stay in `properties` although they are also URL parts (a role assignment's scope). */
  readonly keepInProperties?: readonly string[];
  /**
   * Array members the provider flattened: in the body, every key except `keep` sits under the
   * member's own `properties` (the Network API's sub-resources).
   */
  readonly unflatten?: readonly { readonly array: string; readonly keep: readonly string[] }[];
  /**
   * Body properties the SDK renames (`x-ms-client-name`), as SDK path -> wire name under
   * `properties`: `attributes.expires` is sent as `attributes.exp`.
   */
  readonly renames?: Readonly<Record<string, string>>;
  /** A Key Vault data-plane object this resource also creates (`Microsoft.KeyVault.Data` mode). */
  readonly dataPlane?: "keys" | "secrets";
}

const DEFAULT_TOP_LEVEL = ["kind", "sku", "identity"];

const RESOURCE_TYPES: readonly ResourceTypeEntry[] = [
  {
    token: TOKENS.resourceGroup,
    armType: "Microsoft.Resources/subscriptions/resourceGroups",
    sdkModule: "resources/resourceGroup",
    indexed: false,
    urlInputs: ["resourceGroupName"],
  },
  {
    token: TOKENS.vault,
    armType: "Microsoft.KeyVault/vaults",
    sdkModule: "keyvault/vault",
    indexed: true,
    urlInputs: ["resourceGroupName", "vaultName"],
    nestedProperties: true,
  },
  {
    token: TOKENS.managedHsm,
    armType: "Microsoft.KeyVault/managedHSMs",
    sdkModule: "keyvault/managedHsm",
    indexed: true,
    urlInputs: ["resourceGroupName", "name"],
    nestedProperties: true,
  },
  {
    token: TOKENS.key,
    armType: "Microsoft.KeyVault/vaults/keys",
    sdkModule: "keyvault/key",
    indexed: false,
    urlInputs: ["resourceGroupName", "vaultName", "keyName"],
    nestedProperties: true,
    // azure-rest-api-specs, specification/keyvault/resource-manager (keys.json, secrets.json):
    // KeyAttributes/SecretAttributes `exp` and `nbf` carry x-ms-client-name Expires/NotBefore.
    renames: { "attributes.expires": "exp", "attributes.notBefore": "nbf" },
    dataPlane: "keys",
  },
  {
    token: TOKENS.secret,
    armType: "Microsoft.KeyVault/vaults/secrets",
    sdkModule: "keyvault/secret",
    indexed: false,
    urlInputs: ["resourceGroupName", "vaultName", "secretName"],
    nestedProperties: true,
    // azure-rest-api-specs, specification/keyvault/resource-manager (keys.json, secrets.json):
    // KeyAttributes/SecretAttributes `exp` and `nbf` carry x-ms-client-name Expires/NotBefore.
    renames: { "attributes.expires": "exp", "attributes.notBefore": "nbf" },
    dataPlane: "secrets",
  },
  {
    token: TOKENS.storageAccount,
    armType: "Microsoft.Storage/storageAccounts",
    sdkModule: "storage/storageAccount",
    indexed: true,
    urlInputs: ["resourceGroupName", "accountName"],
  },
  {
    token: TOKENS.storageManagementPolicy,
    armType: "Microsoft.Storage/storageAccounts/managementPolicies",
    sdkModule: "storage/managementPolicy",
    indexed: false,
    urlInputs: ["resourceGroupName", "accountName", "managementPolicyName"],
  },
  {
    token: TOKENS.workspace,
    armType: "Microsoft.OperationalInsights/workspaces",
    sdkModule: "operationalinsights/workspace",
    indexed: true,
    urlInputs: ["resourceGroupName", "workspaceName"],
    // A workspace's SKU is `properties.sku` (see its aliases), not a top-level field.
    topLevel: ["identity"],
  },
  {
    token: TOKENS.savedSearch,
    armType: "Microsoft.OperationalInsights/workspaces/savedSearches",
    sdkModule: "operationalinsights/savedSearch",
    indexed: false,
    urlInputs: ["resourceGroupName", "workspaceName", "savedSearchId"],
    topLevel: ["etag"],
  },
  {
    token: TOKENS.diagnosticSetting,
    armType: "Microsoft.Insights/diagnosticSettings",
    sdkModule: "monitor/diagnosticSetting",
    indexed: false,
    urlInputs: ["resourceUri", "name"],
  },
  {
    token: TOKENS.actionGroup,
    armType: "Microsoft.Insights/actionGroups",
    sdkModule: "monitor/actionGroup",
    indexed: true,
    urlInputs: ["resourceGroupName", "actionGroupName"],
  },
  {
    token: TOKENS.scheduledQueryRule,
    armType: "Microsoft.Insights/scheduledQueryRules",
    sdkModule: "monitor/scheduledQueryRule",
    indexed: true,
    urlInputs: ["resourceGroupName", "ruleName"],
  },
  {
    token: TOKENS.lock,
    armType: "Microsoft.Authorization/locks",
    sdkModule: "authorization/managementLockByScope",
    indexed: false,
    urlInputs: ["scope", "lockName"],
  },
  {
    token: TOKENS.roleAssignment,
    armType: "Microsoft.Authorization/roleAssignments",
    sdkModule: "authorization/roleAssignment",
    indexed: false,
    urlInputs: ["scope", "roleAssignmentName"],
    // ARM returns the scope in the body too (alias Microsoft.Authorization/roleAssignments/scope).
    keepInProperties: ["scope"],
  },
  {
    token: TOKENS.privateEndpoint,
    armType: "Microsoft.Network/privateEndpoints",
    sdkModule: "network/privateEndpoint",
    indexed: true,
    urlInputs: ["resourceGroupName", "privateEndpointName"],
    topLevel: ["extendedLocation"],
    unflatten: [
      { array: "privateLinkServiceConnections", keep: ["id", "name"] },
      { array: "manualPrivateLinkServiceConnections", keep: ["id", "name"] },
    ],
  },
  {
    token: TOKENS.privateDnsZoneGroup,
    armType: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    sdkModule: "network/privateDnsZoneGroup",
    indexed: false,
    urlInputs: ["resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName", "name"],
    unflatten: [{ array: "privateDnsZoneConfigs", keep: ["id", "name"] }],
  },
  {
    token: TOKENS.systemTopic,
    armType: "Microsoft.EventGrid/systemTopics",
    sdkModule: "eventgrid/systemTopic",
    indexed: true,
    urlInputs: ["resourceGroupName", "systemTopicName"],
  },
  {
    token: TOKENS.systemTopicEventSubscription,
    armType: "Microsoft.EventGrid/systemTopics/eventSubscriptions",
    sdkModule: "eventgrid/systemTopicEventSubscription",
    indexed: false,
    urlInputs: ["resourceGroupName", "systemTopicName", "eventSubscriptionName"],
  },
  {
    token: TOKENS.workbook,
    armType: "Microsoft.Insights/workbooks",
    sdkModule: "applicationinsights/workbook",
    indexed: true,
    urlInputs: ["resourceGroupName", "resourceName"],
  },
];

/** The ARM types whose aliases the committed alias file holds. */
export const ALIAS_TYPES: readonly string[] = [
  ...RESOURCE_TYPES.map((t) => t.armType),
  // Read through a vault's private endpoint connections (server-populated on the vault).
  "Microsoft.KeyVault/vaults/privateEndpointConnections",
  "Microsoft.KeyVault/managedHSMs/privateEndpointConnections",
];

const BY_TOKEN = new Map(RESOURCE_TYPES.map((t) => [t.token, t]));

export function resourceTypeEntry(token: string): ResourceTypeEntry | undefined {
  return BY_TOKEN.get(token);
}

export function topLevelFields(entry: ResourceTypeEntry): readonly string[] {
  return entry.topLevel ?? DEFAULT_TOP_LEVEL;
}

const apiVersions = new Map<string, string | undefined>();

/**
 * The Azure REST API version the installed `@pulumi/azure-native` class for this type calls, read
 * from the class's own documentation (`Uses Azure REST API version 2024-11-01.`), so upgrading the
 * provider updates `requestContext().apiVersion` with it. Undefined when it cannot be found.
 */
export function sdkApiVersion(entry: ResourceTypeEntry): string | undefined {
  if (!apiVersions.has(entry.sdkModule)) {
    let version: string | undefined;
    try {
      const file = require.resolve(`@pulumi/azure-native/${entry.sdkModule}`);
      const m = /Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-preview)?)/.exec(
        fs.readFileSync(file, "utf8"),
      );
      version = m?.[1];
    } catch {
      version = undefined;
    }
    apiVersions.set(entry.sdkModule, version);
  }
  return apiVersions.get(entry.sdkModule);
}
