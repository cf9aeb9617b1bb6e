import type * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { configOf, OWN_POLICY, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = {
  properties: {
    minimumRetentionDays: { type: "integer" as const, minimum: 30, maximum: 730, default: 90 },
  },
};

/** Retention of a PerGB2018 workspace when retentionInDays is absent. */
const DEFAULT_RETENTION_DAYS = 30;

export const logAnalyticsRetention: EstateResourcePolicy = {
  name: "operationalinsights-workspace-retention",
  description:
    "Log Analytics workspaces that receive audit logs keep them at least the configured days.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Set retentionInDays to at least the environment's minimum.",
  controls: OWN_POLICY,
  configSchema,
  validateResource: validateTyped<operationalinsights.WorkspaceArgs>(
    TOKENS.workspace,
    (ws, args, report) => {
      const { minimumRetentionDays } = configOf<{ minimumRetentionDays: number }>(
        args,
        configSchema,
      );
      const retention = ws.retentionInDays ?? DEFAULT_RETENTION_DAYS;
      if (retention < minimumRetentionDays) {
        report(
          `Retention is ${retention} days (absent means 30); the minimum is ${minimumRetentionDays}.`,
        );
      }
    },
  ),
};
