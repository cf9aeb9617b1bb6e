import { PlannedAlias, PlannedResource, PolicyViolation } from "./planTypes";

/** One row of the access matrix: who can do what, where. */
export interface AccessEntry {
  readonly principalId: string;
  readonly principalType: string;
  readonly role: string;
  readonly roleDefinitionId: string;
  readonly scope: string;
  readonly vault: string;
  /** What a reviewer should look at (raw role GUIDs, broad roles at vault scope). */
  readonly notes?: readonly string[];
}

/** An input the pipeline must provide for `pulumi up` (a secret's source). Names only, never values. */
export interface RequiredInput {
  readonly kind: "env" | "config";
  readonly name: string;
  readonly vault: string;
  readonly secret: string;
  /** Whether the input was available to this plan run. */
  readonly present: boolean;
}

/** The plan report (DESIGN.md contract 5). Same inputs give byte-identical JSON. */
export interface PlanReport {
  readonly project: string;
  readonly stack: string;
  readonly environment: string;
  readonly summary: {
    readonly resources: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly vaults: number;
    readonly policyViolations: { readonly mandatory: number; readonly advisory: number };
    readonly requiredInputs: number;
    readonly missingInputs: number;
  };
  readonly resources: readonly ReportResource[];
  readonly policyViolations: readonly PolicyViolation[];
  readonly access: readonly AccessEntry[];
  readonly requiredInputs: readonly RequiredInput[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface ReportResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly dependsOn: readonly string[];
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly replaceOnChanges: readonly string[];
  readonly aliases: readonly PlannedAlias[];
  readonly id?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

const VAULT_TYPES = new Set(["azure-native:keyvault:Vault", "azure-native:keyvault:ManagedHsm"]);

export function buildReport(args: {
  project: string;
  stack: string;
  environment: string;
  resources: readonly PlannedResource[];
  outputs: Readonly<Record<string, unknown>>;
  policyViolations: readonly PolicyViolation[];
  access: readonly AccessEntry[];
  requiredInputs: readonly RequiredInput[];
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
  };
}

/** The JSON report text: stable key order comes from construction, so equal plans are equal bytes. */
export function renderJson(report: PlanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The resource tree, one line per resource, children under their parent. */
export function renderTree(report: PlanReport): string[] {
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
  return `${out.join("\n")}\n`;
}

function mdCell(v: string): string {
  return v.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The Markdown report a reviewer reads on a pull request. */
export function renderMarkdown(report: PlanReport): string {
  const s = report.summary;
  const out: string[] = [
    `# Offline plan: ${report.project} / ${report.stack} (${report.environment})`,
    "",
    `${s.resources} resources, ${s.vaults} vault${s.vaults === 1 ? "" : "s"}; ` +
      `${s.policyViolations.mandatory} mandatory and ${s.policyViolations.advisory} advisory policy findings.`,
    "",
    "## Resources by type",
    "",
    "| Type | Count |",
    "| --- | ---: |",
    ...Object.entries(s.byType).map(([t, n]) => `| \`${t}\` | ${n} |`),
    "",
    "## Resource tree",
    "",
    "```",
    ...renderTree(report),
    "```",
    "",
    "## Policy findings",
    "",
  ];
  if (report.policyViolations.length === 0) {
    out.push("None.", "");
  } else {
    out.push(
      "| Level | Policy | Resource | Finding | Controls |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const v of report.policyViolations) {
      out.push(
        `| ${v.enforcementLevel} | \`${v.policy}\` | ${v.urn ? `\`${mdCell(v.urn.split("::").pop() ?? v.urn)}\`` : "(stack)"} | ${mdCell(v.message)} | ${mdCell(v.controls.join(", "))} |`,
      );
    }
    out.push("");
  }
  out.push("## Access matrix", "");
  if (report.access.length === 0) {
    out.push("No role assignments.", "");
  } else {
    out.push(
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
  return `${out.join("\n")}`;
}
