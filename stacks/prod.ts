import { Baseline } from "./baseline";
import { minLogRetentionDays, minSoftDeleteRetentionDays, policyAccess } from "./policyConfig";

/**
 * Prod: nothing security-relevant is relaxable. Purge protection on, public network access off,
 * network default Deny, a CanNotDelete lock, `protect`ed vaults, 90-day soft delete, HSM keys of at
 * least 3072 bits, no generated secrets (every value comes from the pipeline), privileged roles only
 * for break-glass principals, and a year of audit logs in both sinks.
 */
export const prod: Baseline = {
  environment: "prod",
  shortName: "prd",
  vault: {
    softDeleteRetentionInDays: 90,
    // The pack's floor (keyvault-vault-soft-delete.minimumRetentionDays), written once there.
    get minSoftDeleteRetentionInDays() {
      return minSoftDeleteRetentionDays("prod");
    },
    purgeProtection: true,
    purgeProtectionRelaxable: false,
    publicNetworkAccess: "Disabled",
    publicNetworkAccessRelaxable: false,
    defaultAction: "Deny",
    defaultActionRelaxable: false,
    bypass: "AzureServices",
    lock: "CanNotDelete",
    lockRelaxable: false,
    protect: true,
    privateEndpointRequired: true,
  },
  keys: {
    minRsaSize: 3072,
    allowSoftwareKeysInPremium: false,
    defaultExpiresInDays: 730,
    maxExpiresInDays: 730,
    rotateBeforeExpiryDays: 60,
    notifyBeforeExpiryDays: 30,
  },
  secrets: {
    allowGenerate: false,
    defaultExpiresInDays: 90,
    maxExpiresInDays: 365,
  },
  // The pack's privileged-access rule and its break-glass allow-list, written once there.
  access: policyAccess("prod"),
  diagnostics: {
    logRetentionInDays: 365,
    // The pack's floor (operationalinsights-workspace-retention.minimumRetentionDays).
    get minLogRetentionInDays() {
      return minLogRetentionDays("prod");
    },
    storageSku: "Standard_GRS",
  },
  insights: {
    // On: saved queries, the action group, all three alert rules, an expiry subscription per vault
    // and the workbook. Any delete or purge of a key, secret or vault pages at severity 1.
    enabled: true,
    alerts: {
      deniedBurst: {
        enabled: true,
        threshold: 10,
        windowMinutes: 15,
        frequencyMinutes: 5,
        severity: 2,
      },
      unknownPrincipal: {
        enabled: true,
        threshold: 0,
        windowMinutes: 15,
        frequencyMinutes: 5,
        severity: 1,
      },
      deleteOrPurge: {
        enabled: true,
        threshold: 0,
        windowMinutes: 5,
        frequencyMinutes: 5,
        severity: 1,
      },
    },
    expirySeverity: 2,
  },
};
