import { roleAssignmentPrincipalType } from "./authorization/principalType";
import { authorizationPrivilegedAccess } from "./authorization/privilegedAccess";
import { keyAllowedTypes } from "./key/allowedTypes";
import { keyEcCurves } from "./key/ecCurves";
import { keyExportable } from "./key/exportable";
import { keyExpirySet } from "./key/expirySet";
import { keyHsmBacked } from "./key/hsmBacked";
import { keyMaxActiveDays } from "./key/maxActiveDays";
import { keyMaxValidity } from "./key/maxValidity";
import { keyMinDaysBeforeExpiry } from "./key/minDaysBeforeExpiry";
import { keyRotationPolicy } from "./key/rotationPolicy";
import { keyRsaMinimumSize } from "./key/rsaMinimumSize";
import type { EstatePolicy } from "./lib/policy";
import { managedHsmNetworkDeny } from "./managedHsm/networkDeny";
import { managedHsmPrivateLink } from "./managedHsm/privateLink";
import { managedHsmPurgeProtection } from "./managedHsm/purgeProtection";
import { monitorKeyVaultAuditLogs } from "./monitor/keyVaultAuditLogs";
import { monitorKeyVaultExpiryEventsAndAlerts } from "./monitor/expiryEventsAndAlerts";
import { logAnalyticsRetention } from "./monitor/logAnalyticsRetention";
import { secretContentType } from "./secret/contentType";
import { secretExpirySet } from "./secret/expirySet";
import { secretMaxActiveDays } from "./secret/maxActiveDays";
import { secretMaxValidity } from "./secret/maxValidity";
import { secretMinDaysBeforeExpiry } from "./secret/minDaysBeforeExpiry";
import { storageHttpsOnly } from "./storage/httpsOnly";
import { storageInfrastructureEncryption } from "./storage/infrastructureEncryption";
import { storageMinimumTls } from "./storage/minimumTls";
import { storageNoBlobPublicAccess } from "./storage/noBlobPublicAccess";
import { storageSharedKeyDisabled } from "./storage/sharedKeyDisabled";
import { vaultEnabledForFlags } from "./vault/enabledFor";
import { vaultFirewall } from "./vault/firewall";
import { vaultIpRuleBreadth } from "./vault/ipRuleBreadth";
import { vaultManagementLock } from "./vault/managementLock";
import { vaultPremiumForHsmKeys } from "./vault/premiumForHsmKeys";
import { vaultPrivateEndpoint } from "./vault/privateEndpoint";
import { vaultPublicNetworkAccess } from "./vault/publicNetworkAccess";
import { vaultPurgeProtection } from "./vault/purgeProtection";
import { vaultReferencesAllowedSubscriptions } from "./vault/referencesAllowedSubscriptions";
import { vaultRbacAuthorization } from "./vault/rbacAuthorization";
import { vaultSerializedWrites } from "./vault/serializedWrites";
import { vaultSoftDelete } from "./vault/softDelete";

/** Every policy of the keyvault-estate pack, in catalogue order. */
export const policies: readonly EstatePolicy[] = [
  vaultSoftDelete,
  vaultPurgeProtection,
  vaultRbacAuthorization,
  vaultPublicNetworkAccess,
  vaultFirewall,
  vaultIpRuleBreadth,
  vaultPrivateEndpoint,
  vaultEnabledForFlags,
  vaultPremiumForHsmKeys,
  vaultManagementLock,
  vaultSerializedWrites,
  monitorKeyVaultAuditLogs,
  monitorKeyVaultExpiryEventsAndAlerts,
  keyExpirySet,
  keyMaxValidity,
  keyHsmBacked,
  keyAllowedTypes,
  keyRsaMinimumSize,
  keyEcCurves,
  keyRotationPolicy,
  keyMinDaysBeforeExpiry,
  keyMaxActiveDays,
  keyExportable,
  secretExpirySet,
  secretMaxValidity,
  secretContentType,
  secretMinDaysBeforeExpiry,
  secretMaxActiveDays,
  managedHsmPurgeProtection,
  managedHsmNetworkDeny,
  managedHsmPrivateLink,
  storageHttpsOnly,
  storageMinimumTls,
  storageNoBlobPublicAccess,
  storageSharedKeyDisabled,
  storageInfrastructureEncryption,
  logAnalyticsRetention,
  roleAssignmentPrincipalType,
  authorizationPrivilegedAccess,
  vaultReferencesAllowedSubscriptions,
];
