import { Baseline } from "./baseline";
import { minLogRetentionDays, minSoftDeleteRetentionDays, policyAccess } from "./policyConfig";

/**
 * Dev: cheap to tear down and recreate. Purge protection may be off so names can be reused, soft
 * delete is the 7-day minimum, public access from listed IP ranges is allowed, and there is no lock.
 * Audit logs still flow to both sinks (every environment archives to Storage): a dev vault's reads are as worth knowing as prod's.
 */
export const dev: Baseline = {
  environment: "dev",
  shortName: "dev",
  vault: {
    softDeleteRetentionInDays: 7,
    // The pack's floor (keyvault-vault-soft-delete.minimumRetentionDays), written once there.
    get minSoftDeleteRetentionInDays() {
      return minSoftDeleteRetentionDays("dev");
    },
    purgeProtection: false,
    purgeProtectionRelaxable: true,
    publicNetworkAccess: "Enabled",
    publicNetworkAccessRelaxable: true,
    defaultAction: "Deny",
    defaultActionRelaxable: true,
    bypass: "AzureServices",
    lock: "none",
    lockRelaxable: true,
    protect: false,
    privateEndpointRequired: false,
  },
  keys: {
    minRsaSize: 2048,
    allowSoftwareKeysInPremium: true,
    defaultExpiresInDays: 365,
    maxExpiresInDays: 730,
    rotateBeforeExpiryDays: 30,
    notifyBeforeExpiryDays: 14,
  },
  secrets: {
    allowGenerate: true,
    defaultExpiresInDays: 90,
    maxExpiresInDays: 365,
  },
  // The pack's privileged-access rule and its break-glass allow-list, written once there.
  access: policyAccess("dev"),
  diagnostics: {
    logRetentionInDays: 30,
    // The pack's floor (operationalinsights-workspace-retention.minimumRetentionDays).
    get minLogRetentionInDays() {
      return minLogRetentionDays("dev");
    },
    storageSku: "Standard_LRS",
  },
  insights: {
    // Off: a dev estate's audit logs still reach the workspace, but nobody is paged for them.
    // A dev stack may turn insights on (`insights.enabled: true`) to try the alerts.
    enabled: false,
    alerts: {
      deniedBurst: {
        enabled: true,
        threshold: 20,
        windowMinutes: 15,
        frequencyMinutes: 15,
        severity: 3,
      },
      unknownPrincipal: {
        enabled: true,
        threshold: 0,
        windowMinutes: 60,
        frequencyMinutes: 60,
        severity: 3,
      },
      deleteOrPurge: {
        enabled: false,
        threshold: 0,
        windowMinutes: 60,
        frequencyMinutes: 60,
        severity: 3,
      },
    },
    expirySeverity: 3,
  },
};
