import { Baseline } from "./baseline";
import { minLogRetentionDays, minSoftDeleteRetentionDays, policyAccess } from "./policyConfig";

/**
 * Staging: a rehearsal of prod. Purge protection is on and stays on, networks default to Deny with
 * public access off, vaults are locked, and keys follow prod's sizes. What it still relaxes: public
 * access may be turned on (for example for an integration test runner outside the VNet), software
 * keys are allowed in premium vaults, generated secrets are allowed, soft delete and log retention
 * are shorter, and vaults are not `protect`ed so a rehearsal can be torn down.
 */
export const staging: Baseline = {
  environment: "staging",
  shortName: "stg",
  vault: {
    softDeleteRetentionInDays: 30,
    // The pack's floor (keyvault-vault-soft-delete.minimumRetentionDays), written once there.
    get minSoftDeleteRetentionInDays() {
      return minSoftDeleteRetentionDays("staging");
    },
    purgeProtection: true,
    purgeProtectionRelaxable: false,
    publicNetworkAccess: "Disabled",
    publicNetworkAccessRelaxable: true,
    defaultAction: "Deny",
    defaultActionRelaxable: false,
    bypass: "AzureServices",
    lock: "CanNotDelete",
    lockRelaxable: true,
    protect: false,
    privateEndpointRequired: false,
  },
  keys: {
    minRsaSize: 3072,
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
  access: policyAccess("staging"),
  diagnostics: {
    logRetentionInDays: 90,
    // The pack's floor (operationalinsights-workspace-retention.minimumRetentionDays).
    get minLogRetentionInDays() {
      return minLogRetentionDays("staging");
    },
    storageSku: "Standard_LRS",
  },
  insights: {
    // On, as in prod, so the alerts are rehearsed; deletes are expected when a rehearsal is torn
    // down, so the delete-or-purge rule is off unless the stack turns it on.
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
        frequencyMinutes: 15,
        severity: 2,
      },
      deleteOrPurge: {
        enabled: false,
        threshold: 0,
        windowMinutes: 5,
        frequencyMinutes: 5,
        severity: 2,
      },
    },
    expirySeverity: 2,
  },
};
