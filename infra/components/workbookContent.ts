import type { ResolvedInsights } from "../model/types";

/** The time ranges the workbook offers, in milliseconds (1 hour .. 30 days); 24 hours by default. */
const RANGES = [3_600_000, 86_400_000, 604_800_000, 2_592_000_000];

/**
 * The workbook's `serializedData`: a Notebook/1.0 document (the format Azure Monitor Workbooks
 * stores, microsoft/Application-Insights-Workbooks `schema/workbook.json`) with a header, a time
 * range parameter and one log query item per resolved chart, each aimed at the workspace. Pure, so
 * the layout is tested without mocks and the README picture is drawn from the same data.
 */
export function workbookContent(
  workbook: ResolvedInsights["workbook"],
  workspaceId: string,
): string {
  const doc = {
    version: "Notebook/1.0",
    items: [
      {
        type: 1,
        name: "header",
        content: {
          json: `## ${workbook.displayName}\nRequests, callers, denials and expiries of the estate's vaults, from their audit logs (\`AZKVAuditLogs\`).`,
        },
      },
      {
        type: 9,
        name: "parameters",
        content: {
          version: "KqlParameterItem/1.0",
          parameters: [
            {
              id: "time-range",
              version: "KqlParameterItem/1.0",
              name: "TimeRange",
              label: "Time range",
              type: 4,
              isRequired: true,
              value: { durationMs: RANGES[1] },
              typeSettings: { selectableValues: RANGES.map((durationMs) => ({ durationMs })) },
            },
          ],
        },
      },
      ...workbook.charts.map((chart) => ({
        type: 3,
        name: chart.name,
        ...(chart.width === 50 ? { customWidth: "50" } : {}),
        content: {
          version: "KqlItem/1.0",
          title: chart.title,
          query: chart.query,
          size: 0,
          timeContextFromParameter: "TimeRange",
          queryType: 0,
          resourceType: "microsoft.operationalinsights/workspaces",
          crossComponentResources: [workspaceId],
          visualization: chart.visualization,
        },
      })),
    ],
    fallbackResourceIds: [workspaceId],
    $schema:
      "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json",
  };
  return JSON.stringify(doc);
}
