/**
 * A generated prod estate for the benchmark: `vaults` premium vaults of the mix a platform team
 * runs in prod. Each vault has 3 HSM keys, 10 secrets seeded by the pipeline, 5 role assignments
 * scoped to a key or a secret, the prod lock, a private endpoint and its audit diagnostic setting,
 * plus what the prod baseline adds to every vault (its name suffix, its expiry events).
 */

const SUBNET =
  "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-network-prod/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-private-endpoints";
const DNS_ZONE =
  "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net";

/** The logical name of the `i`th generated vault (fits the 11 characters a prod name may have). */
function benchVaultName(i: number): string {
  return `app${String(i).padStart(4, "0")}`;
}

function principal(vault: number, n: number): string {
  return `6f1c2d3e-4b5a-4c6d-8e7f-${String(vault * 10 + n).padStart(12, "0")}`;
}

/** The stack file's `config:` mapping of a generated prod estate with `vaults` vaults. */
export function benchStackConfig(vaults: number): Record<string, unknown> {
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": "prod",
    "keyvault-estate:tenantId": "72f988bf-0000-4a1b-9c2d-3e4f5a6b7c8d",
    "keyvault-estate:resourceGroup": "rg-kv-bench",
    "keyvault-estate:tags": { owner: "platform-team", "cost-center": "cc-1042" },
    "keyvault-estate:breakGlassPrincipals": ["4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"],
    "keyvault-estate:diagnostics": {
      logAnalytics: { retentionInDays: 365 },
      storage: { retentionInDays: 730 },
    },
    // Prod builds usage insights, which need someone to receive their alerts.
    "keyvault-estate:insights": {
      receivers: { email: [{ name: "platform-oncall", address: "kv-oncall@example.com" }] },
    },
    "keyvault-estate:vaults": Array.from({ length: vaults }, (_, i) => benchVault(i)),
  };
}

function benchVault(i: number): Record<string, unknown> {
  const name = benchVaultName(i);
  const env = name.toUpperCase();
  return {
    name,
    tier: "premium",
    lock: "CanNotDelete",
    network: {
      publicNetworkAccess: "Disabled",
      defaultAction: "Deny",
      privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: DNS_ZONE },
    },
    keys: [
      { name: "cmk-db", type: "RSA", protection: "hsm", size: 3072, ops: ["wrapKey", "unwrapKey"] },
      {
        name: "cmk-blob",
        type: "RSA",
        protection: "hsm",
        size: 4096,
        ops: ["wrapKey", "unwrapKey"],
      },
      { name: "signing", type: "EC", protection: "hsm", curve: "P-384", ops: ["sign", "verify"] },
    ],
    secrets: Array.from({ length: 10 }, (_, s) => ({
      name: `secret-${s}`,
      source: { env: `${env}_SECRET_${s}` },
      contentType: "text/plain",
      expiresInDays: 90,
    })),
    access: [
      ...[0, 1, 2].map((s) => ({
        principalId: principal(i, s),
        principalType: "ServicePrincipal",
        role: "Key Vault Secrets User",
        scope: `secret/secret-${s}`,
      })),
      {
        principalId: principal(i, 3),
        principalType: "ServicePrincipal",
        role: "Key Vault Crypto Service Encryption User",
        scope: "key/cmk-db",
      },
      {
        principalId: principal(i, 4),
        principalType: "ServicePrincipal",
        role: "Key Vault Crypto User",
        scope: "key/signing",
      },
    ],
  };
}
