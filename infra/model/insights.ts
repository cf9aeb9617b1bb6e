import { v5 as uuidv5 } from "uuid";
import { z } from "zod";
import type { AlertBaseline, AlertRuleKey, Baseline } from "../../stacks/baseline";
import { alertQueries, insightQueries, workbookQueries } from "./insightsQueries";
import { childName, PROJECT, WEBHOOK_SOURCE } from "./names";
import { secretSourceSchema } from "./secrets";
import type { ResolvedAlertRule, ResolvedInsights, ResolvedVault, Tags } from "./types";
import { formatPath, guid } from "./validation";

/**
 * Usage insights over the vaults' audit logs (`keyvault-estate:insights`): saved queries, an action
 * group with the alert rules wired to it, an Event Grid expiry subscription per vault and a
 * workbook. The schema validates every receiver, threshold and window with its path; `resolveInsights`
 * fixes every name, query and default, so the components only build.
 */

/** Evaluation frequencies a log search alert accepts, in minutes (PT5M..P1D). */
const FREQUENCIES = [5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440] as const;
/** Windows (aggregation granularity) a log search alert accepts, in minutes (PT5M..P2D). */
const WINDOWS = [...FREQUENCIES, 2880] as const;
// Azure Monitor's scheduled query rules (2025-01-01-preview) take these ISO 8601 durations; a
// one-minute frequency is refused for queries over most tables (aka.ms/lsa_1m_limits), so the
// smallest offered is five minutes.

const RULE_KEYS: readonly AlertRuleKey[] = ["deniedBurst", "unknownPrincipal", "deleteOrPurge"];

const minutes = (allowed: readonly number[]) =>
  z
    .number({ error: `must be a whole number of minutes: one of ${allowed.join(", ")}` })
    .refine((m) => allowed.includes(m), {
      error: `must be one of ${allowed.join(", ")} minutes (what Azure Monitor log alerts accept)`,
    });

const severity = z
  .number({ error: "must be a whole number 0 (critical) .. 4 (verbose)" })
  .int({ error: "must be a whole number 0 (critical) .. 4 (verbose)" })
  .min(0, { error: "must be 0 (critical) .. 4 (verbose)" })
  .max(4, { error: "must be 0 (critical) .. 4 (verbose)" });

function alertSchema(d: AlertBaseline) {
  return z
    .strictObject({
      enabled: z.boolean().default(d.enabled),
      threshold: z
        .number({ error: "must be a whole number of requests, 0..10000" })
        .int({ error: "must be a whole number of requests, 0..10000" })
        .min(0, { error: "must be 0..10000" })
        .max(10000, { error: "must be 0..10000" })
        .default(d.threshold),
      windowMinutes: minutes(WINDOWS).default(d.windowMinutes),
      frequencyMinutes: minutes(FREQUENCIES).default(d.frequencyMinutes),
      severity: severity.default(d.severity),
    })
    .prefault({})
    .superRefine((a, ctx) => {
      // A rule that runs less often than its window leaves gaps no evaluation covers. (Only once
      // both are valid: otherwise the message above already says what to fix.)
      const valid =
        (WINDOWS as readonly number[]).includes(a.windowMinutes) &&
        (FREQUENCIES as readonly number[]).includes(a.frequencyMinutes);
      if (valid && a.frequencyMinutes > a.windowMinutes) {
        ctx.addIssue({
          code: "custom",
          path: ["frequencyMinutes"],
          message: `must not exceed windowMinutes (${a.windowMinutes}): requests between evaluations would never be counted`,
        });
      }
    });
}

/** A receiver's name: Azure requires names unique within the action group. */
const receiverName = z
  .string({ error: "must be a string" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, {
    error: "must be 1-64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit",
  });

const webhookSource = secretSourceSchema
  .pick({ env: true, config: true })
  .refine((s) => (s.env === undefined) !== (s.config === undefined), {
    error:
      "must name exactly one pipeline-seeded source: { env: <variable> } or { config: <secret config key> }; the URL itself never goes in the stack file",
  });

export function insightsSchema(b: Baseline) {
  return z
    .strictObject({
      /** Build the insights. Defaults to the baseline (on in prod and staging, off in dev). */
      enabled: z.boolean().optional(),
      receivers: z
        .strictObject({
          email: z
            .array(
              z.strictObject({
                name: receiverName,
                address: z.email({ error: "must be an e-mail address" }),
              }),
            )
            .default([]),
          /** A webhook whose URL is itself a pipeline-seeded secret (it carries its own token). */
          webhook: z.strictObject({ name: receiverName, source: webhookSource }).optional(),
        })
        .prefault({})
        .superRefine((r, ctx) => checkReceiverNames(r, ctx)),
      /** Principals that may use the vaults without a role in this estate (the deploying identity). */
      knownPrincipals: z.array(guid).default([]),
      alerts: z
        .strictObject({
          deniedBurst: alertSchema(b.insights.alerts.deniedBurst),
          unknownPrincipal: alertSchema(b.insights.alerts.unknownPrincipal),
          deleteOrPurge: alertSchema(b.insights.alerts.deleteOrPurge),
        })
        .prefault({}),
      expiry: z
        .strictObject({
          /**
           * `actionGroup` (default): an Azure Monitor alert that notifies the action group;
           * `webhook`: the events themselves, posted to the webhook receiver's URL.
           */
          delivery: z
            .enum(["actionGroup", "webhook"], { error: 'must be "actionGroup" or "webhook"' })
            .default("actionGroup"),
          severity: severity.default(b.insights.expirySeverity),
        })
        .prefault({}),
    })
    .prefault({})
    .superRefine((c, ctx) => {
      const issue = (path: PropertyKey[], message: string) =>
        ctx.addIssue({ code: "custom", path, message });
      // Turned on by the stack itself: then it must say who receives the alerts. On by the
      // baseline alone, the alerts still fire (Azure Monitor's alerts view) until receivers are set.
      if (c.enabled === true && c.receivers.email.length === 0 && !c.receivers.webhook) {
        issue(
          ["receivers"],
          "needs at least one e-mail or webhook receiver when the stack turns insights on: alerts nobody receives are not monitoring",
        );
      }
      if (!(c.enabled ?? b.insights.enabled)) return;
      if (c.expiry.delivery === "webhook" && !c.receivers.webhook) {
        issue(["expiry", "delivery"], "is webhook, but receivers.webhook is not set");
      }
    });
}

/** Azure requires receiver names unique within an action group (case-insensitively). */
function checkReceiverNames(
  r: { email: readonly { name: string }[]; webhook?: { name: string } },
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, string>();
  const names: [string, PropertyKey[]][] = [
    ...r.email.map((e, i): [string, PropertyKey[]] => [e.name, ["email", i, "name"]]),
    ...(r.webhook ? [[r.webhook.name, ["webhook", "name"]] as [string, PropertyKey[]]] : []),
  ];
  for (const [name, path] of names) {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `duplicate receiver name "${name}" (also at insights.receivers.${first})`,
      });
    } else {
      seen.set(name.toLowerCase(), formatPath(path));
    }
  }
}

type InsightsConfig = z.output<ReturnType<typeof insightsSchema>>;

/** The config key named by `insights.receivers.webhook.source.config`, read leniently. */
export function insightsConfigSources(insights: unknown): string[] {
  const key = (insights as { receivers?: { webhook?: { source?: { config?: unknown } } } } | null)
    ?.receivers?.webhook?.source?.config;
  return typeof key === "string" ? [key] : [];
}

/** The event types an expiry subscription receives (Event Grid's Key Vault source). */
const EXPIRY_EVENT_TYPES = [
  "Microsoft.KeyVault.SecretNearExpiry",
  "Microsoft.KeyVault.SecretExpired",
  "Microsoft.KeyVault.KeyNearExpiry",
  "Microsoft.KeyVault.KeyExpired",
] as const;
// Names from Event Grid's "Azure Key Vault as Event Grid source" (MicrosoftDocs/azure-docs,
// articles/event-grid/event-schema-key-vault.md). Near-expiry fires 30 days before the current
// version expires; a key's rotation policy `Notify` action raises KeyNearExpiry at its own time.

/** The UUIDv5 namespace of workbook names (a fixed random UUID; never change it). */
const WORKBOOK_NAMESPACE = "0f3b6f3e-5a7c-4e0b-9d57-2c8f1d6a4b91";

const iso = (m: number) =>
  m % 1440 === 0 ? `P${m / 1440}D` : m % 60 === 0 ? `PT${m / 60}H` : `PT${m}M`;

const ALERT_TEXT: Record<AlertRuleKey, { title: string; description: string }> = {
  deniedBurst: {
    title: "burst of denied requests",
    description:
      "More requests to the estate's vaults were denied (HTTP 403: no role, or a network rule) than the threshold allows in the window: a misconfigured application, or someone probing.",
  },
  unknownPrincipal: {
    title: "access by an unknown principal",
    description:
      "A principal with no role assignment in this estate (and not listed in insights.knownPrincipals) called a vault.",
  },
  deleteOrPurge: {
    title: "key, secret or vault deleted or purged",
    description:
      "A key, secret, certificate or vault of the estate was deleted or purged. This program never deletes them (they leave the stack with retainOnDelete): check who did and why.",
  },
};

/** The saved queries: what each answers, in the order the README lists them. */
const SAVED = [
  ["secret-reads", "secretReads", "Secret reads", "Who read which secret, and when."],
  [
    "key-operations",
    "keyOperations",
    "Key operations by identity",
    "Which identity used which key, for what operation, and how often.",
  ],
  [
    "failed-requests",
    "failedRequests",
    "Failed and denied requests",
    "Which callers fail or are denied, on which operation, and why (status code and reason).",
  ],
  [
    "unknown-principals",
    "unknownPrincipals",
    "Access by unknown principals",
    "Which callers hold no role in this estate (and are not listed as known), and what they did.",
  ],
  [
    "configuration-changes",
    "configurationChanges",
    "Vault configuration changes",
    "Who changed a vault's configuration (network rules, purge protection, RBAC mode) and when.",
  ],
  [
    "delete-recover",
    "deleteAndRecover",
    "Deletes, purges and recoveries",
    "Who deleted, purged or recovered a key, secret, certificate or vault.",
  ],
  [
    "nearing-expiry",
    "nearingExpiry",
    "Secrets and keys nearing expiry",
    "Which secrets and keys Key Vault reported as near expiry or expired, and when it last did.",
  ],
] as const;

export interface InsightsInput {
  readonly config: InsightsConfig;
  readonly baseline: Baseline;
  readonly environment: string;
  readonly resourceGroup: string;
  readonly breakGlassPrincipals: readonly string[];
  readonly vaults: readonly ResolvedVault[];
  readonly tags: Tags;
}

/** The resolved insights, or undefined when they are off for this stack. */
export function resolveInsights(input: InsightsInput): ResolvedInsights | undefined {
  const c = input.config;
  if (!(c.enabled ?? input.baseline.insights.enabled)) return undefined;
  const env = input.baseline.shortName;
  const component = childName("estate", "insights");
  const knownPrincipals = [
    ...new Set(
      [
        ...input.breakGlassPrincipals,
        ...input.vaults.flatMap((v) => [
          ...v.access.map((a) => a.principalId),
          ...v.initialAdminObjectIds,
        ]),
        ...c.knownPrincipals,
      ].map((p) => p.toLowerCase()),
    ),
  ].sort();
  const queries = insightQueries(input.resourceGroup, knownPrincipals);
  const conditions = alertQueries(input.resourceGroup, knownPrincipals);
  const charts = workbookQueries(input.resourceGroup);
  const webhook = c.receivers.webhook;
  const webhookPath = "insights.receivers.webhook";
  return {
    names: {
      component,
      actionGroup: childName(component, "action-group"),
      workbook: childName(component, "workbook"),
    },
    category: `Key Vault estate (${input.environment})`,
    savedQueries: SAVED.map(([key, q, displayName, answers]) => ({
      key,
      resource: { name: childName(component, "queries", key) },
      savedSearchId: `${PROJECT}-${env}-${key}`,
      displayName,
      answers,
      query: queries[q],
    })),
    actionGroup: {
      name: `ag-kv-insights-${env}`,
      shortName: `kv-${env}`,
      emails: c.receivers.email.map((e) => ({ name: e.name, address: e.address })),
      ...(webhook
        ? {
            webhook: {
              name: webhook.name,
              source: {
                kind: webhook.source.env !== undefined ? "env" : "config",
                name:
                  webhook.source.env !== undefined
                    ? webhook.source.env
                    : `${PROJECT}:${webhook.source.config}`,
                ...WEBHOOK_SOURCE,
                path: webhookPath,
                contentType: "text/plain",
              },
            },
          }
        : {}),
    },
    knownPrincipals,
    alerts: RULE_KEYS.filter((k) => c.alerts[k].enabled).map((key): ResolvedAlertRule => {
      const a = c.alerts[key];
      const slug = key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
      return {
        key,
        resource: { name: childName(component, "alerts", slug) },
        ruleName: `kv-${env}-${slug}`,
        displayName: `Key Vault estate (${input.environment}): ${ALERT_TEXT[key].title}`,
        description: ALERT_TEXT[key].description,
        query: conditions[key],
        threshold: a.threshold,
        windowSize: iso(a.windowMinutes),
        evaluationFrequency: iso(a.frequencyMinutes),
        severity: a.severity,
      };
    }),
    expiry: {
      eventTypes: [...EXPIRY_EVENT_TYPES],
      delivery: c.expiry.delivery,
      severity: `Sev${c.expiry.severity}`,
      vaults: input.vaults
        .filter((v) => v.kind === "vault")
        .map((v) => ({
          vault: v.name,
          path: v.path,
          names: {
            component: childName(v.name, "events"),
            topic: childName(v.name, "events", "topic"),
            subscription: childName(v.name, "events", "expiry"),
          },
          topicName: `evgt-kv-${v.name}-${env}`,
          subscriptionName: "kv-expiry",
        })),
      unsupported: input.vaults
        .filter((v) => v.kind === "managedHsm")
        .map((v) => ({
          vault: v.name,
          path: v.path,
          reason:
            "Event Grid has no Managed HSM source (its Key Vault source is Microsoft.KeyVault.vaults only), so a pool's keys raise no expiry event; the nearing-expiry query and the key rotation policy cover them",
        })),
    },
    workbook: {
      resourceName: uuidv5(
        `${PROJECT}/${input.environment}/${input.resourceGroup}/usage`,
        WORKBOOK_NAMESPACE,
      ),
      displayName: `Key Vault estate usage (${input.environment})`,
      charts: [
        {
          name: "requests-over-time",
          title: "Requests over time by vault and result",
          query: charts.requestsOverTime,
          visualization: "timechart",
          width: 100,
        },
        {
          name: "top-callers",
          title: "Top callers",
          query: charts.topCallers,
          visualization: "barchart",
          width: 50,
        },
        {
          name: "denied-requests",
          title: "Denied requests",
          query: charts.deniedRequests,
          visualization: "table",
          width: 50,
        },
        {
          name: "operations-by-identity",
          title: "Operations by identity",
          query: charts.operationsByIdentity,
          visualization: "table",
          width: 50,
        },
        {
          name: "nearing-expiry",
          title: "Objects nearing expiry",
          query: charts.nearingExpiry,
          visualization: "table",
          width: 50,
        },
      ],
    },
    tags: input.tags,
  };
}
