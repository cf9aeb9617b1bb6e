import { TOKENS } from "../../infra/azure/tokens";
import { policies } from "../../policies/pack";
import {
  AzurePolicyReport,
  renderAzurePolicyBlockers,
  renderAzurePolicyConsole,
  renderAzurePolicyMarkdown,
} from "../azure-policy";
import { renderCostNotesConsole, renderCostNotesMarkdown } from "./costNotes";
import {
  AccessEntry,
  PlannedResource,
  PlanReport,
  PolicyViolation,
  RequiredInput,
  ReportResource,
} from "../contract/plan";
import { renderDiagram } from "../review/diagram";
import { mandatoryRisks, renderChangesConsole, renderChangesMarkdown } from "../review/render";

const VAULT_TYPES = new Set<string>([TOKENS.vault, TOKENS.managedHsm]);

export function buildReport(args: {
  project: string;
  stack: string;
  environment: string;
  resources: readonly PlannedResource[];
  outputs: Readonly<Record<string, unknown>>;
  policyViolations: readonly PolicyViolation[];
  access: readonly AccessEntry[];
  requiredInputs: readonly RequiredInput[];
  azurePolicy?: AzurePolicyReport;
}): PlanReport {
  const byType: Record<string, number> = {};
  for (const r of args.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const sortedByType = Object.fromEntries(
    Object.keys(byType)
      .sort()
      .map((t) => [t, byType[t]]),
  );
  return {
    project: args.project,
    stack: args.stack,
    environment: args.environment,
    summary: {
      resources: args.resources.length,
      byType: sortedByType,
      vaults: args.resources.filter((r) => VAULT_TYPES.has(r.type)).length,
      policyViolations: {
        mandatory: args.policyViolations.filter((v) => v.enforcementLevel === "mandatory").length,
        advisory: args.policyViolations.filter((v) => v.enforcementLevel === "advisory").length,
      },
      requiredInputs: args.requiredInputs.length,
      missingInputs: args.requiredInputs.filter((i) => !i.present).length,
    },
    resources: args.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      dependsOn: r.dependsOn,
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      retainOnDelete: r.retainOnDelete,
      deleteBeforeReplace: r.deleteBeforeReplace,
      replaceOnChanges: r.replaceOnChanges,
      aliases: r.aliases,
      ...(typeof r.outputs.id === "string" ? { id: r.outputs.id } : {}),
      inputs: r.inputs,
    })),
    policyViolations: args.policyViolations,
    access: args.access,
    requiredInputs: args.requiredInputs,
    outputs: args.outputs,
    ...(args.azurePolicy ? { azurePolicy: args.azurePolicy } : {}),
  };
}

/** The JSON report text: stable key order comes from construction, so equal plans are equal bytes. */
export function renderJson(report: PlanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The resource tree, one line per resource, children under their parent. */
function renderTree(report: PlanReport): string[] {
  const children = new Map<string | undefined, ReportResource[]>();
  for (const r of report.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, prefix: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const flags = r.protect ? " [protected]" : "";
      lines.push(`${prefix}${last ? "└─ " : "├─ "}${r.name}  (${r.type})${flags}`);
      walk(r.urn, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(undefined, "");
  return lines;
}

/** Said wherever missing inputs are listed. Values are never read by the plan, present or not. */
const MISSING_NOTE =
  "  The plan used secret placeholders for the missing inputs; `pulumi up` refuses to run until the pipeline provides them.";

/** What `npm run plan` prints. */
export function renderConsole(report: PlanReport): string {
  const s = report.summary;
  const out = [
    `Offline plan of stack "${report.stack}" (${report.environment}) — no cloud was contacted`,
    "",
    ...renderTree(report),
    "",
    `Resources: ${s.resources} (${s.vaults} vault${s.vaults === 1 ? "" : "s"})`,
    ...Object.entries(s.byType).map(([t, n]) => `  ${String(n).padStart(4)}  ${t}`),
    "",
  ];
  if (report.access.length > 0) {
    out.push(`Access (${report.access.length} role assignments):`);
    for (const a of report.access) {
      out.push(`  ${a.vault}  ${a.scope}  ${a.role}  ->  ${a.principalType} ${a.principalId}`);
      for (const note of a.notes ?? []) out.push(`      note: ${note}`);
    }
    out.push("");
  }
  if (report.requiredInputs.length > 0) {
    out.push(`Inputs the pipeline must provide (${s.missingInputs} missing in this run):`);
    for (const i of report.requiredInputs) {
      out.push(
        `  ${i.present ? "ok     " : "MISSING"}  ${i.kind} ${i.name}  -> ${i.vault}/${i.secret}`,
      );
    }
    if (s.missingInputs > 0) out.push(MISSING_NOTE);
    out.push("");
  }
  if (report.policyViolations.length === 0) {
    out.push("Policy violations: none");
  } else {
    out.push(
      `Policy violations: ${s.policyViolations.mandatory} mandatory, ${s.policyViolations.advisory} advisory`,
    );
    for (const v of report.policyViolations) {
      out.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}`);
      if (v.urn) out.push(`      at ${v.urn}`);
      if (v.controls.length > 0) out.push(`      controls: ${v.controls.join(", ")}`);
    }
  }
  out.push(...renderAzurePolicyConsole(report));
  out.push(...renderCostNotesConsole(report.costNotes));
  if (report.comparison) out.push("", ...renderChangesConsole(report.comparison));
  return `${out.join("\n")}\n`;
}

function mdCell(v: string): string {
  return v.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** What to do about each pack policy's findings, by policy name (the policies' remediationSteps). */
const REMEDIATION: ReadonlyMap<string, string> = new Map(
  policies.map((p) => [p.name, p.remediationSteps]),
);

const shortName = (urn: string) => urn.split("::").pop() ?? urn;

/** One access entry in words: who, why, what role, where. */
function accessInWords(a: AccessEntry): string {
  const description = (a as { description?: unknown }).description;
  const why = typeof description === "string" ? `, *${mdCell(description)}*,` : "";
  const scope = a.scope === "vault" ? "the whole vault" : `${a.scope.replace("/", " `")}\``;
  const notes = (a.notes ?? []).length > 0 ? ` Note: ${mdCell((a.notes ?? []).join("; "))}` : "";
  return `- **${a.vault}**: ${a.principalType} \`${a.principalId}\`${why} is **${mdCell(a.role)}** on ${scope}.${notes}`;
}

/**
 * The Markdown review page a reviewer reads on a pull request: what blocks the deploy, what
 * changes (with `--compare`), who gets access, the policy findings with their fixes, the inputs
 * the pipeline must provide, a diagram of the estate, and the counts and resource tree folded at
 * the end.
 */
export function renderMarkdown(report: PlanReport): string {
  const s = report.summary;
  const mandatoryFindings = report.policyViolations.filter(
    (v) => v.enforcementLevel === "mandatory",
  );
  const blockingRisks = report.comparison ? mandatoryRisks(report.comparison) : [];
  const blockers =
    mandatoryFindings.length + blockingRisks.length + (report.azurePolicy?.summary.mandatory ?? 0);
  const out: string[] = [
    `# Offline plan: ${report.project} / ${report.stack} (${report.environment})`,
    "",
    blockers === 0
      ? "**Nothing blocks the deploy**: no mandatory policy finding" +
        (report.comparison ? " and no mandatory change risk." : ".")
      : `**${blockers} finding${blockers === 1 ? "" : "s"} block${blockers === 1 ? "s" : ""} the deploy** (the plan exits 1).`,
    "",
  ];
  if (blockers > 0) {
    out.push("## What blocks", "", ...renderAzurePolicyBlockers(report));
    for (const { change, risk } of blockingRisks) {
      out.push(
        `- ${change.action} \`${change.name}\` (\`${change.type}\`): \`${risk.code}\`. ${mdCell(risk.message)}`,
      );
    }
    for (const v of mandatoryFindings) {
      const fix = REMEDIATION.get(v.policy);
      out.push(
        `- \`${v.policy}\` on ${v.urn ? `\`${mdCell(shortName(v.urn))}\`` : "the stack"}: ${mdCell(v.message)}${fix ? ` **Fix:** ${mdCell(fix)}` : ""}`,
      );
    }
    out.push("");
  }
  if (report.comparison) {
    out.push("## What changes", "", ...renderChangesMarkdown(report.comparison));
  }

  out.push("## Access", "");
  if (report.access.length === 0) {
    out.push("No role assignments.", "");
  } else {
    out.push(...report.access.map(accessInWords), "");
    // The same grants with their exact ids, for a reviewer who checks GUIDs.
    out.push(
      "## Access matrix",
      "",
      "| Vault | Principal | Type | Role | Role definition | Scope | Notes |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const a of report.access) {
      out.push(
        `| ${a.vault} | \`${a.principalId}\` | ${a.principalType} | ${mdCell(a.role)} | \`${a.roleDefinitionId.split("/").pop()}\` | ${mdCell(a.scope)} | ${mdCell((a.notes ?? []).join("; "))} |`,
      );
    }
    out.push("");
  }

  out.push("## Policy findings", "");
  if (report.policyViolations.length === 0) {
    out.push("None.", "");
  } else {
    for (const v of report.policyViolations) {
      const fix = REMEDIATION.get(v.policy);
      const controls = v.controls.length > 0 ? ` Controls: ${mdCell(v.controls.join(", "))}.` : "";
      out.push(
        `- **${v.enforcementLevel}** \`${v.policy}\` on ${v.urn ? `\`${mdCell(shortName(v.urn))}\`` : "the stack"}: ${mdCell(v.message)}${fix ? ` **Fix:** ${mdCell(fix)}` : ""}${controls}`,
      );
    }
    out.push("");
  }

  out.push(...renderAzurePolicyMarkdown(report));
  out.push("## Inputs the pipeline must provide", "");
  if (report.requiredInputs.length === 0) {
    out.push("None.", "");
  } else {
    out.push("| Kind | Name | Vault | Secret | In this run |", "| --- | --- | --- | --- | --- |");
    for (const i of report.requiredInputs) {
      out.push(
        `| ${i.kind} | \`${i.name}\` | ${i.vault} | ${i.secret} | ${i.present ? "present" : "**missing**"} |`,
      );
    }
    out.push("");
    if (s.missingInputs > 0) out.push(MISSING_NOTE.trim(), "");
  }

  out.push(...renderCostNotesMarkdown(report.costNotes));
  out.push("## The estate", "", ...renderDiagram(report), "");

  out.push(
    "<details>",
    `<summary>${s.resources} resources, ${s.vaults} vault${s.vaults === 1 ? "" : "s"}: counts by type and the resource tree</summary>`,
    "",
    "| Type | Count |",
    "| --- | ---: |",
    ...Object.entries(s.byType).map(([t, n]) => `| \`${t}\` | ${n} |`),
    "",
    "```",
    ...renderTree(report),
    "```",
    "",
    "</details>",
    "",
  );
  return `${out.join("\n")}`;
}
