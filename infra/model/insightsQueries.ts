/**
 * The KQL the usage insights run over the vaults' audit logs: the saved queries, the alert rules'
 * conditions and the workbook's charts. Pure text built from the resolved estate; nothing here
 * reads config or talks to Azure.
 *
 * Evidence for every table, column and operation name used below:
 * - `AZKVAuditLogs` is the resource-specific table Key Vault's `AuditEvent` logs land in when a
 *   diagnostic setting sends them with `logAnalyticsDestinationType: Dedicated` (as
 *   `auditDiagnosticSetting` does). Its columns (`TimeGenerated`, `OperationName`, `ResultType`,
 *   `ResultSignature`, `ResultDescription`, `HttpStatusCode`, `CallerIpAddress`, `Identity`, `Id`,
 *   `NetworkAcls`, `EnablePurgeProtection`, `EnableRbacAuthorization`, `_ResourceId`, …) are
 *   listed in Azure Monitor's table reference (MicrosoftDocs/azure-reference-other,
 *   azure-monitor-ref/tables/includes/azkvauditlogs-include.md).
 * - `Identity` holds the token's claims: the caller's object id as `oid` or, in older records, as
 *   `http://schemas.microsoft.com/identity/claims/objectidentifier`, with `appid` and `upn`
 *   (MicrosoftDocs/azure-docs, articles/key-vault/general/logging.md, "Interpret your Key Vault
 *   logs"; the same record shape for Managed HSM in articles/key-vault/managed-hsm/logging.md).
 * - Operation names (`SecretGet`, `KeyDelete`, `SecretPurge`, `VaultPatch`,
 *   `KeyNearExpiryEventGridNotification`, …) are the "Operation names table" of the same
 *   logging.md. `…EventGridNotification` records are written when Key Vault publishes an
 *   expiry event.
 * - `Id` is the object's URI (`https://<vault>.vault.azure.net/secrets/<name>/<version>`), so
 *   its path's second segment is the object's name; `_ResourceId` is the store's ARM id, whose
 *   ninth "/"-separated segment is the store's name.
 */

/** Operations that delete or purge key material or a whole store. */
const DELETE_OR_PURGE_OPERATIONS = [
  "SecretDelete",
  "SecretPurge",
  "KeyDelete",
  "KeyPurge",
  "CertificateDelete",
  "CertificatePurge",
  "VaultDelete",
  "VaultPurge",
] as const;

/** Operations that bring deleted material back (soft delete's other half). */
const RECOVER_OPERATIONS = [
  "SecretRecover",
  "KeyRecover",
  "CertificateRecover",
  "VaultRecover",
] as const;

/** Operations that change a store's configuration (network rules, purge protection, RBAC mode). */
const CONFIGURATION_OPERATIONS = [
  "VaultPut",
  "VaultPatch",
  "VaultDelete",
  "VaultRecover",
  "VaultPurge",
  "VaultAccessPolicyChangedEventGridNotification",
] as const;

/** The expiry notifications Key Vault records when it publishes an expiry event. */
const EXPIRY_NOTIFICATIONS = [
  "SecretNearExpiryEventGridNotification",
  "SecretExpiredEventGridNotification",
  "KeyNearExpiryEventGridNotification",
  "KeyExpiredEventGridNotification",
  "CertificateNearExpiryEventGridNotification",
  "CertificateExpiredEventGridNotification",
] as const;

const list = (items: readonly string[]) => items.map((i) => `"${i}"`).join(", ");

/**
 * The lines every query starts with: the table, narrowed to the estate's resource group (a shared
 * workspace may hold other teams' vaults), and the caller and object columns the queries share.
 * `contains` is case-insensitive, and ARM ids in logs are lower-cased.
 */
function auditPrelude(resourceGroup: string): string {
  return [
    "AZKVAuditLogs",
    `| where _ResourceId contains "/resourcegroups/${resourceGroup.toLowerCase()}/providers/microsoft.keyvault/"`,
    '| extend Vault = tostring(split(_ResourceId, "/")[8]),',
    '    ObjectType = tostring(split(tostring(parse_url(Id).Path), "/")[1]),',
    '    ObjectName = tostring(split(tostring(parse_url(Id).Path), "/")[2]),',
    '    CallerObjectId = tolower(tostring(coalesce(Identity.claim.oid, Identity.claim["http://schemas.microsoft.com/identity/claims/objectidentifier"]))),',
    "    CallerAppId = tostring(Identity.claim.appid),",
    '    CallerUpn = tostring(coalesce(Identity.claim.upn, Identity.claim["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"]))',
  ].join("\n");
}

/** The principals the estate knows, as a KQL dynamic array (lower-case GUIDs, sorted). */
function knownPrincipalsLiteral(principals: readonly string[]): string {
  return `dynamic([${list(principals)}])`;
}

/** The queries, by what they answer. Each is complete KQL over `AZKVAuditLogs`. */
export function insightQueries(resourceGroup: string, knownPrincipals: readonly string[]) {
  const p = auditPrelude(resourceGroup);
  return {
    secretReads: [
      p,
      '| where OperationName == "SecretGet"',
      "| project TimeGenerated, Vault, Secret = ObjectName, CallerObjectId, CallerUpn, CallerAppId, CallerIpAddress, HttpStatusCode",
      "| order by TimeGenerated desc",
    ].join("\n"),
    keyOperations: [
      p,
      '| where OperationName startswith "Key" and not(OperationName endswith "EventGridNotification")',
      "| summarize Operations = count(), Failed = countif(HttpStatusCode >= 400), LastSeen = max(TimeGenerated) by Vault, Key = ObjectName, OperationName, CallerObjectId, CallerAppId",
      "| order by Operations desc",
    ].join("\n"),
    failedRequests: [
      p,
      "| where HttpStatusCode >= 400",
      "| summarize Requests = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Vault, CallerObjectId, CallerAppId, CallerIpAddress, OperationName, HttpStatusCode, Reason = ResultDescription",
      "| order by Requests desc",
    ].join("\n"),
    unknownPrincipals: unknownPrincipalRows(p, knownPrincipals)
      .concat([
        "| summarize Requests = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), Operations = make_set(OperationName, 20) by Vault, CallerObjectId, CallerAppId, CallerUpn, CallerIpAddress",
        "| order by Requests desc",
      ])
      .join("\n"),
    configurationChanges: [
      p,
      `| where OperationName in (${list(CONFIGURATION_OPERATIONS)})`,
      "| project TimeGenerated, Vault, OperationName, HttpStatusCode, CallerObjectId, CallerUpn, CallerIpAddress, NetworkAcls, EnablePurgeProtection, EnableRbacAuthorization",
      "| order by TimeGenerated desc",
    ].join("\n"),
    deleteAndRecover: [
      p,
      `| where OperationName in (${list([...DELETE_OR_PURGE_OPERATIONS, ...RECOVER_OPERATIONS])})`,
      "| project TimeGenerated, Vault, OperationName, ObjectType, ObjectName, HttpStatusCode, CallerObjectId, CallerUpn, CallerIpAddress",
      "| order by TimeGenerated desc",
    ].join("\n"),
    nearingExpiry: [
      p,
      `| where OperationName in (${list(EXPIRY_NOTIFICATIONS)})`,
      '| extend State = iff(OperationName has "NearExpiry", "near expiry", "expired")',
      "| summarize LastNotified = max(TimeGenerated) by Vault, ObjectType, ObjectName, State",
      "| order by LastNotified desc",
    ].join("\n"),
  } as const;
}

/**
 * Requests by a caller that holds no role in this estate. Unauthenticated requests carry no
 * identity (Key Vault's clients send one to obtain the authentication challenge), so they are not
 * counted as an unknown principal.
 */
function unknownPrincipalRows(prelude: string, knownPrincipals: readonly string[]): string[] {
  return [
    prelude,
    `| where isnotempty(CallerObjectId) and CallerObjectId !in (${knownPrincipalsLiteral(knownPrincipals)})`,
  ];
}

/** The alert rules' conditions: each returns one row per matching request, counted by the rule. */
export function alertQueries(resourceGroup: string, knownPrincipals: readonly string[]) {
  const p = auditPrelude(resourceGroup);
  return {
    // 403 only: a 401 is the challenge every new client connection receives before it
    // authenticates (logging.md: "Unauthenticated requests that result in a 401 response"), so
    // counting 401s would page on every application restart.
    deniedBurst: [p, "| where HttpStatusCode == 403"].join("\n"),
    unknownPrincipal: unknownPrincipalRows(p, knownPrincipals).join("\n"),
    deleteOrPurge: [p, `| where OperationName in (${list(DELETE_OR_PURGE_OPERATIONS)})`].join("\n"),
  } as const;
}

/** The workbook's charts: the same questions as the saved queries, drawn. */
export function workbookQueries(resourceGroup: string) {
  const p = auditPrelude(resourceGroup);
  return {
    requestsOverTime: [
      p,
      '| extend Series = strcat(Vault, " / ", ResultSignature)',
      "| summarize Requests = count() by bin(TimeGenerated, 1h), Series",
    ].join("\n"),
    topCallers: [
      p,
      "| where isnotempty(CallerObjectId)",
      "| summarize Requests = count() by Caller = coalesce(CallerUpn, CallerAppId, CallerObjectId)",
      "| top 10 by Requests",
    ].join("\n"),
    deniedRequests: [
      p,
      "| where HttpStatusCode == 403",
      "| summarize Denied = count(), LastSeen = max(TimeGenerated) by Vault, CallerObjectId, CallerIpAddress, OperationName, Reason = ResultDescription",
      "| order by Denied desc",
    ].join("\n"),
    operationsByIdentity: [
      p,
      "| where isnotempty(CallerObjectId)",
      "| summarize Operations = count() by Caller = coalesce(CallerUpn, CallerAppId, CallerObjectId), OperationName",
      "| order by Operations desc",
    ].join("\n"),
    nearingExpiry: insightQueries(resourceGroup, []).nearingExpiry,
  } as const;
}
