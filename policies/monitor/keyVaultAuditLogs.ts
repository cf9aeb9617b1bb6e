import type { PolicyResource } from "@pulumi/policy";
import { describe, isPropertySet, known, linkedTargets } from "../lib/links";
import { configOf, controls, type EstateStackPolicy } from "../lib/policy";
import { keyStores, ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

const configSchema = {
  properties: { requireStorageArchive: { type: "boolean" as const, default: true } },
};

interface LogSetting {
  category?: unknown;
  categoryGroup?: unknown;
  enabled?: unknown;
}

/** Audit logs: category group `audit` or `allLogs`, or the `AuditEvent` category, enabled. */
function sendsAuditLogs(setting: PolicyResource): boolean {
  const logs = known(() => setting.props.logs);
  if (!Array.isArray(logs)) return false;
  return logs.some((entry: LogSetting) => {
    const audit =
      sameText(entry.categoryGroup, "audit") ||
      sameText(entry.categoryGroup, "allLogs") ||
      sameText(entry.category, "AuditEvent");
    return audit && entry.enabled === true;
  });
}

export const monitorKeyVaultAuditLogs: EstateStackPolicy = {
  name: "monitor-diagnostics-keyvault-audit-logs",
  description:
    "Every vault and Managed HSM sends its audit logs to Log Analytics, and to a Storage archive where the environment requires one.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add a monitor.DiagnosticSetting with resourceUri set to the vault's id, logs [{ categoryGroup: 'audit', enabled: true }], workspaceId and, where required, storageAccountId.",
  controls: controls({
    azurePolicy: ["cf820ca0-f99e-4f3e-84fb-66e913812d21", "a2a5b911-5617-447e-a49e-59dbe0e0434b"],
    cis: ["5.1.5", "6.1.4"],
  }),
  configSchema,
  validateStack: (args, report) => {
    const { requireStorageArchive } = configOf<{ requireStorageArchive: boolean }>(
      args,
      configSchema,
    );
    const settings = ofType(args.resources, TOKENS.diagnosticSetting);
    for (const store of keyStores(args.resources)) {
      const audit = settings.filter(
        (s) =>
          sendsAuditLogs(s) &&
          linkedTargets(s, "resourceUri", [store], (p) => [p.resourceUri]).length > 0,
      );
      const kind = store.type === TOKENS.vault ? "Vault" : "Managed HSM";
      if (audit.length === 0) {
        report(
          `${kind} ${describe(store)} has no diagnostic setting sending audit logs.`,
          store.urn,
        );
        continue;
      }
      if (!audit.some((s) => isPropertySet(s, "workspaceId"))) {
        report(`${kind} ${describe(store)} does not send audit logs to Log Analytics.`, store.urn);
      }
      if (requireStorageArchive && !audit.some((s) => isPropertySet(s, "storageAccountId"))) {
        report(
          `${kind} ${describe(store)} does not archive audit logs to a Storage account.`,
          store.urn,
        );
      }
    }
  },
};
