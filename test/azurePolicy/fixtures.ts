import { PolicyExport } from "../../tools/azure-policy/load";
import { parseDocument } from "../../tools/azure-policy/load";
import { PlanResourceLike, projectResources } from "../../tools/plan/armProjection";
import { AzurePolicyReport, evaluateExport } from "../../tools/azure-policy/whatIf";

/** Typed fixtures for the Azure Policy what-if: a compliant estate by default, one field changed per case. */

export const NOW = new Date("2026-06-01T00:00:00Z");
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
export const RG = `${SUB}/resourceGroups/rg-kv-test`;
export const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv-test`;
const HSM_ID = `${RG}/providers/Microsoft.KeyVault/managedHSMs/hsm-test`;
const EPOCH = (iso: string) => Date.parse(iso) / 1000;

function res(
  type: string,
  name: string,
  id: string,
  inputs: Record<string, unknown>,
): PlanResourceLike {
  return {
    urn: `urn:pulumi:test::keyvault-estate::${type}::${name}`,
    type,
    inputs,
    outputs: { id },
  };
}

export interface EstateFixture {
  vault: Record<string, unknown>;
  hsm: Record<string, unknown>;
  key: Record<string, unknown>;
  secret: Record<string, unknown>;
  privateEndpoint: boolean;
  hsmPrivateEndpoint: boolean;
  diagnostics: boolean;
}

export function compliantEstate(): EstateFixture {
  return {
    vault: {
      location: "westeurope",
      resourceGroupName: "rg-kv-test",
      vaultName: "kv-test",
      tags: { "cost-center": "cc-1", owner: "platform" },
      properties: {
        tenantId: "11111111-1111-1111-1111-111111111111",
        sku: { family: "A", name: "premium" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        publicNetworkAccess: "Disabled",
        networkAcls: {
          bypass: "AzureServices",
          defaultAction: "Deny",
          ipRules: [],
          virtualNetworkRules: [],
        },
      },
    },
    hsm: {
      location: "westeurope",
      resourceGroupName: "rg-kv-test",
      name: "hsm-test",
      sku: { family: "B", name: "Standard_B1" },
      tags: { "cost-center": "cc-1" },
      properties: {
        tenantId: "11111111-1111-1111-1111-111111111111",
        initialAdminObjectIds: ["22222222-2222-2222-2222-222222222222"],
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        publicNetworkAccess: "Disabled",
        networkAcls: { bypass: "AzureServices", defaultAction: "Deny", ipRules: [] },
      },
    },
    key: {
      resourceGroupName: "rg-kv-test",
      vaultName: "kv-test",
      keyName: "cmk",
      properties: {
        kty: "RSA-HSM",
        keySize: 3072,
        keyOps: ["wrapKey", "unwrapKey"],
        attributes: { enabled: true, expires: EPOCH("2027-06-01T00:00:00Z") },
        rotationPolicy: {
          attributes: { expiryTime: "P365D" },
          lifetimeActions: [
            { action: { type: "rotate" }, trigger: { timeBeforeExpiry: "P60D" } },
            { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
          ],
        },
      },
    },
    secret: {
      resourceGroupName: "rg-kv-test",
      vaultName: "kv-test",
      secretName: "db-password",
      properties: {
        value: "[secret]",
        contentType: "text/plain",
        attributes: { enabled: true, expires: EPOCH("2026-09-01T00:00:00Z") },
      },
    },
    privateEndpoint: true,
    hsmPrivateEndpoint: true,
    diagnostics: true,
  };
}

function diag(target: string, name: string): PlanResourceLike {
  return res(
    "azure-native:monitor:DiagnosticSetting",
    name,
    `${target}/providers/Microsoft.Insights/diagnosticSettings/audit`,
    {
      name: "audit",
      resourceUri: target,
      logs: [{ categoryGroup: "audit", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
      workspaceId: `${RG}/providers/Microsoft.OperationalInsights/workspaces/log`,
      storageAccountId: `${RG}/providers/Microsoft.Storage/storageAccounts/starchive`,
    },
  );
}

function pe(target: string, name: string, groupId: string): PlanResourceLike {
  return res(
    "azure-native:network:PrivateEndpoint",
    name,
    `${RG}/providers/Microsoft.Network/privateEndpoints/${name}`,
    {
      location: "westeurope",
      resourceGroupName: "rg-kv-test",
      privateEndpointName: name,
      privateLinkServiceConnections: [{ name, groupIds: [groupId], privateLinkServiceId: target }],
      subnet: {
        id: `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/s`,
      },
    },
  );
}

/** The fixture as planned resources. */
export function estateResources(f: EstateFixture): PlanResourceLike[] {
  return [
    res("azure-native:resources:ResourceGroup", "rg", RG, {
      location: "westeurope",
      resourceGroupName: "rg-kv-test",
    }),
    res("azure-native:keyvault:Vault", "vault", VAULT_ID, f.vault),
    res("azure-native:keyvault:ManagedHsm", "hsm", HSM_ID, f.hsm),
    res("azure-native:keyvault:Key", "key", `${VAULT_ID}/keys/cmk`, f.key),
    res("azure-native:keyvault:Secret", "secret", `${VAULT_ID}/secrets/db-password`, f.secret),
    ...(f.privateEndpoint ? [pe(VAULT_ID, "pe-vault", "vault")] : []),
    ...(f.hsmPrivateEndpoint ? [pe(HSM_ID, "pe-hsm", "managedhsm")] : []),
    ...(f.diagnostics ? [diag(VAULT_ID, "vault-audit"), diag(HSM_ID, "hsm-audit")] : []),
  ];
}

/** An export of these JSON documents (each as one file). */
export function exportOf(...docs: unknown[]): PolicyExport {
  const objects = docs.flatMap((d, i) => parseDocument(d, `file${i}.json`));
  const definitions = new Map();
  const setDefinitions = new Map();
  const assignments = [];
  for (const o of objects) {
    if (o.kind === "definition") definitions.set(o.id.toLowerCase(), o);
    else if (o.kind === "setDefinition") setDefinitions.set(o.id.toLowerCase(), o);
    else assignments.push(o);
  }
  return { definitions, setDefinitions, assignments, files: docs.map((_, i) => `file${i}.json`) };
}

export function whatIf(
  resources: readonly PlanResourceLike[],
  ...docs: unknown[]
): AzurePolicyReport {
  return evaluateExport(exportOf(...docs), projectResources(resources, NOW), { now: NOW });
}

export const BUILT_IN = (guid: string) =>
  `/providers/Microsoft.Authorization/policyDefinitions/${guid}`;

/** An assignment of a definition or initiative. */
export function assignment(
  policyDefinitionId: string,
  parameters: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const name = (extra.name as string | undefined) ?? "a1";
  return {
    id: `/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyAssignments/${name}`,
    name,
    scope: "/providers/Microsoft.Management/managementGroups/mg",
    policyDefinitionId,
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, { value: v }])),
    ...extra,
  };
}

/** A custom definition in the CLI's flat shape. */
export function definition(
  name: string,
  rule: { if: unknown; then: unknown },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: `/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/${name}`,
    name,
    displayName: name,
    mode: "All",
    policyRule: rule,
    ...extra,
  };
}
