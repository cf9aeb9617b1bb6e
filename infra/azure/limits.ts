/**
 * Azure limits the estate checks before deploying, so `pulumi up` never fails half-way on them.
 */

/**
 * Tags: ARM resources, resource groups and subscriptions take at most 50 tag name-value pairs
 * (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources, "Limitations"); Key
 * Vault keys, secrets and certificates take at most 15 (learn.microsoft.com/azure/key-vault/secrets/
 * about-secrets, "Secret tags"; Key Vault answers 16 with "Property has invalid value",
 * hashicorp/terraform-provider-azurerm#16780). Tag names are case-insensitive in ARM.
 */
export const MAX_TAGS = { resource: 50, vaultObject: 15 } as const;

/**
 * A secret's value: at most 25 KB, stored as octets (learn.microsoft.com/azure/key-vault/secrets/
 * about-secrets: "a maximum size of 25k bytes each").
 */
export const MAX_SECRET_VALUE_BYTES = 25 * 1024;

/**
 * The private DNS zone each store kind resolves through (learn.microsoft.com/azure/private-link/
 * private-endpoint-dns, "Security": Key Vault `vault` → privatelink.vaultcore.azure.net, Managed HSM
 * `managedhsm` → privatelink.managedhsm.azure.net). Another zone name leaves the private endpoint
 * unresolvable, so clients fall back to the public name, which the firewall refuses.
 */
export const PRIVATE_DNS_ZONE = {
  vault: "privatelink.vaultcore.azure.net",
  managedHsm: "privatelink.managedhsm.azure.net",
} as const;

/** The last segment of an ARM id, lower case (a DNS zone's name, for example). */
export function armName(id: string): string {
  const parts = id.split("/").filter((p) => p.length > 0);
  return (parts[parts.length - 1] ?? "").toLowerCase();
}
