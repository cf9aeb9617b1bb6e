import { AzurePolicyFinding, AzurePolicyReport } from "./whatIf";

/** The report section's input: a plan report that may carry an Azure Policy what-if. */
interface WithAzurePolicy {
  readonly azurePolicy?: AzurePolicyReport;
}

function where(f: AzurePolicyFinding): string {
  return f.assignment.split("/").pop() ?? f.assignment;
}

function cell(v: string): string {
  return v.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Console lines for the what-if, printed after the policy pack's findings. Empty without one. */
export function renderAzurePolicyConsole(report: WithAzurePolicy): string[] {
  const ap = report.azurePolicy;
  if (!ap) return [];
  const s = ap.summary;
  const out = [
    "",
    `Azure Policy what-if (${s.definitions} definitions from ${ap.files.length} file${ap.files.length === 1 ? "" : "s"}): ${s.mandatory} would deny, ${s.advisory} advisory, ${s.unsupported} not evaluable`,
  ];
  for (const f of ap.findings) {
    const mode = f.enforcementMode === "DoNotEnforce" ? ", DoNotEnforce" : "";
    out.push(`  [${f.enforcement}] ${f.effect}${mode}: ${f.displayName} (assignment ${where(f)})`);
    out.push(`      ${f.resource}`);
    out.push(`      because ${f.condition}`);
    for (const c of f.changes ?? []) out.push(`      ${c}`);
    if (f.message) out.push(`      message: ${f.message}`);
  }
  for (const x of ap.scopes)
    out.push(
      `  scope ${x.outcome}: ${x.scope} (${where({ assignment: x.assignment } as AzurePolicyFinding)}): ${x.reason}`,
    );
  for (const u of ap.unsupported) {
    out.push(
      `  [not evaluated] ${u.displayName}${u.urn ? ` on ${u.urn.split("::").pop()}` : ""}: ${u.reason}`,
    );
  }
  return out;
}

/** The Markdown section a reviewer reads next to the policy pack's findings. Empty without a what-if. */
export function renderAzurePolicyMarkdown(report: WithAzurePolicy): string[] {
  const ap = report.azurePolicy;
  if (!ap) return [];
  const s = ap.summary;
  const out = [
    "## Azure Policy what-if",
    "",
    `${s.definitions} definitions evaluated from ${ap.files.length} exported file${ap.files.length === 1 ? "" : "s"}: ` +
      `**${s.mandatory} would deny the deployment**, ${s.advisory} advisory, ${s.unsupported} not evaluable offline.`,
    "",
  ];
  if (ap.findings.length === 0) {
    out.push("No findings.", "");
  } else {
    out.push(
      "| Enforcement | Effect | Definition | Assignment | Resource | Why | What Azure would do |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const f of ap.findings) {
      const effect = f.enforcementMode === "DoNotEnforce" ? `${f.effect} (DoNotEnforce)` : f.effect;
      out.push(
        `| ${f.enforcement} | ${effect} | ${cell(f.displayName)} | \`${cell(where(f))}\` | \`${cell(f.resource)}\` | ${cell(f.condition)} | ${cell([...(f.changes ?? []), ...(f.message ? [f.message] : [])].join("; ") || (f.enforcement === "mandatory" ? "refuse the request (RequestDisallowedByPolicy)" : "record as non-compliant"))} |`,
      );
    }
    out.push("");
  }
  if (ap.scopes.length > 0) {
    out.push("| Assignment | Scope | Outcome | Reason |", "| --- | --- | --- | --- |");
    for (const x of ap.scopes)
      out.push(
        `| \`${cell(x.assignment.split("/").pop() ?? x.assignment)}\` | \`${cell(x.scope)}\` | ${x.outcome} | ${cell(x.reason)} |`,
      );
    out.push("");
  }
  if (ap.unsupported.length > 0) {
    out.push(
      "Not evaluable offline (judge these by hand; they are never counted as compliant):",
      "",
    );
    for (const u of ap.unsupported)
      out.push(
        `- ${cell(u.displayName)}${u.urn ? ` on \`${cell(u.urn.split("::").pop() ?? u.urn)}\`` : ""}: ${cell(u.reason)}`,
      );
    out.push("");
  }
  out.push(
    "<details><summary>Definitions evaluated</summary>",
    "",
    "| Definition | Effect | Assignment | Parameters |",
    "| --- | --- | --- | --- |",
  );
  for (const e of ap.evaluated) {
    out.push(
      `| ${cell(e.displayName)} | ${e.effect}${e.enforcementMode === "DoNotEnforce" ? " (DoNotEnforce)" : ""} | \`${cell(e.assignment.split("/").pop() ?? e.assignment)}\` | \`${cell(JSON.stringify(e.parameters))}\` |`,
    );
  }
  out.push("", "</details>", "");
  return out;
}

/** One line per Azure Policy deny the deployment would meet, for the report's "What blocks" list. */
export function renderAzurePolicyBlockers(report: WithAzurePolicy): string[] {
  return (report.azurePolicy?.findings ?? [])
    .filter((f) => f.enforcement === "mandatory")
    .map(
      (f) =>
        `- Azure Policy \`${cell(where(f))}\` would deny \`${cell(f.resource)}\`: ${cell(f.displayName)} (see "Azure Policy what-if").`,
    );
}
