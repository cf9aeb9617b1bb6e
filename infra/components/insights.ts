import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type { ResolvedInsights } from "../model/types";
import { workbookContent } from "./workbookContent";

/** Arguments of `Insights`. */
export interface InsightsArgs {
  /** The resolved insights (`resolveEstate(...).insights`). */
  readonly insights: ResolvedInsights;
  /** Resource group of the action group, the alert rules and the workbook. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region of the alert rules and the workbook (the action group is global). */
  readonly location: string;
  /** The Log Analytics workspace the vaults' audit logs reach (`AuditSinks.workspaceId`). */
  readonly workspaceId: pulumi.Input<string>;
  /** The webhook receiver's URL, a secret read by the entry. Required when the model has a webhook. */
  readonly webhookUrl?: pulumi.Input<string>;
}

/** The resource group and name of a workspace, from its ARM id. */
export function workspaceParts(id: string): { resourceGroupName: string; workspaceName: string } {
  const m =
    /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)$/i.exec(
      id,
    );
  if (!m) throw new Error(`not the ARM id of a Log Analytics workspace: ${id}`);
  return { resourceGroupName: m[1], workspaceName: m[2] };
}

/**
 * Usage insights over the vaults' audit logs: saved queries in the workspace, an action group
 * (e-mail receivers and an optional webhook), one scheduled query rule per enabled alert, each
 * wired to the action group, and a workbook drawing the same questions. The per-vault expiry
 * events are `VaultExpiryEvents`, built beside each vault so they join its write chain.
 */
export class Insights extends pulumi.ComponentResource {
  public readonly actionGroupId: pulumi.Output<string>;
  public readonly workbookId: pulumi.Output<string>;

  constructor(name: string, args: InsightsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:insights:Insights", name, {}, opts);
    const { insights: spec } = args;
    const ag = spec.actionGroup;
    if (ag.webhook && args.webhookUrl === undefined) {
      throw new Error(`${ag.webhook.source.path}: the webhook URL was not passed to Insights`);
    }

    // Saved searches live in the workspace itself, wherever it is (created here or referenced).
    const workspace = pulumi.output(args.workspaceId).apply(workspaceParts);
    for (const q of spec.savedQueries) {
      new operationalinsights.SavedSearch(
        q.resource.name,
        {
          resourceGroupName: workspace.resourceGroupName,
          workspaceName: workspace.workspaceName,
          savedSearchId: q.savedSearchId,
          category: spec.category,
          displayName: q.displayName,
          query: q.query,
          version: 2,
        },
        { parent: this },
      );
    }

    const actionGroup = new monitor.ActionGroup(
      spec.names.actionGroup,
      {
        resourceGroupName: args.resourceGroupName,
        // Action groups are global resources; "Global" keeps notifications independent of a region.
        location: "Global",
        actionGroupName: ag.name,
        groupShortName: ag.shortName,
        enabled: true,
        emailReceivers: ag.emails.map((e) => ({
          name: e.name,
          emailAddress: e.address,
          useCommonAlertSchema: true,
        })),
        webhookReceivers: ag.webhook
          ? [
              {
                name: ag.webhook.name,
                // The URL carries its own credential: a secret in state, plan and preview.
                serviceUri: pulumi.secret(args.webhookUrl as pulumi.Input<string>),
                useCommonAlertSchema: true,
              },
            ]
          : [],
        tags: spec.tags,
      },
      { parent: this },
    );
    this.actionGroupId = actionGroup.id;

    for (const rule of spec.alerts) {
      new monitor.ScheduledQueryRule(
        rule.resource.name,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          ruleName: rule.ruleName,
          displayName: rule.displayName,
          description: rule.description,
          kind: "LogAlert",
          enabled: true,
          severity: rule.severity,
          evaluationFrequency: rule.evaluationFrequency,
          windowSize: rule.windowSize,
          scopes: [args.workspaceId],
          criteria: {
            allOf: [
              {
                query: rule.query,
                timeAggregation: "Count",
                operator: "GreaterThan",
                threshold: rule.threshold,
                failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
              },
            ],
          },
          actions: { actionGroups: [actionGroup.id] },
          autoMitigate: true,
          // A new workspace has no AZKVAuditLogs table until the first audit record arrives, and
          // Azure validates a rule's query at creation unless told not to; the query is tested here.
          skipQueryValidation: true,
          tags: spec.tags,
        },
        { parent: this },
      );
    }

    const workbook = new applicationinsights.Workbook(
      spec.names.workbook,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        resourceName: spec.workbook.resourceName,
        kind: "shared",
        category: "workbook",
        displayName: spec.workbook.displayName,
        version: "Notebook/1.0",
        // Azure stores a workbook's source id lower-cased; sending it so avoids a diff on every
        // refresh (azurerm's application_insights_workbook documents the same for source_id).
        sourceId: pulumi.output(args.workspaceId).apply((id) => id.toLowerCase()),
        serializedData: pulumi
          .output(args.workspaceId)
          .apply((id) => workbookContent(spec.workbook, id)),
        tags: spec.tags,
      },
      { parent: this },
    );
    this.workbookId = workbook.id;

    this.registerOutputs({ actionGroupId: this.actionGroupId, workbookId: this.workbookId });
  }
}
