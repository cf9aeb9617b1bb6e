import type { AccessEntry, PlanReport, ReportResource } from "../contract/plan";
import { TOKENS } from "../../infra/azure/tokens";

/**
 * A Mermaid flowchart of the estate, as GitHub renders it in the Markdown review page: the audit
 * sinks, the vaults that send them logs, each vault's keys and secrets, and who is granted what on
 * each. Deterministic: nodes are numbered in report order.
 */
export function renderDiagram(report: PlanReport): string[] {
  const ids = new Map<string, string>();
  const node = (key: string) => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
    }
    return id;
  };
  const lines = ["```mermaid", "flowchart LR"];
  const of = (type: string) => report.resources.filter((r) => r.type === type);
  const idOf = (r: ReportResource) => (r.id ?? r.urn).toLowerCase();

  // Sinks: the estate's own, then any existing one a diagnostic setting names by ARM id.
  const sinkLabel = new Map<string, string>();
  for (const w of of(TOKENS.workspace)) {
    sinkLabel.set(idOf(w), `Log Analytics ${String(w.inputs.workspaceName ?? w.name)}`);
  }
  for (const s of of(TOKENS.storageAccount)) {
    sinkLabel.set(idOf(s), `Storage archive ${String(s.inputs.accountName ?? s.name)}`);
  }
  const settings = of(TOKENS.diagnosticSetting);
  for (const d of settings) {
    for (const k of ["workspaceId", "storageAccountId", "eventHubAuthorizationRuleId"]) {
      const v = d.inputs[k];
      if (typeof v === "string" && !sinkLabel.has(v.toLowerCase())) {
        sinkLabel.set(
          v.toLowerCase(),
          `${k === "eventHubAuthorizationRuleId" ? "Event Hubs" : "existing"} ${v.split("/").pop()}`,
        );
      }
    }
  }
  if (sinkLabel.size > 0) {
    lines.push('  subgraph sinks["Audit log sinks"]');
    for (const [id, label] of sinkLabel) lines.push(`    ${node(id)}[("${text(label)}")]`);
    lines.push("  end");
  }

  const stores = [...of(TOKENS.vault), ...of(TOKENS.managedHsm)];
  const byPhysical = new Map<string, ReportResource>();
  for (const v of stores) {
    const physical = String(v.inputs.vaultName ?? v.inputs.name ?? v.name);
    byPhysical.set(physical, v);
    const kind = v.type === TOKENS.vault ? "vault" : "Managed HSM";
    lines.push(`  ${node(idOf(v))}["${text(`${kind} ${v.name}`)}<br/>${text(physical)}"]`);
  }
  for (const d of settings) {
    const target =
      typeof d.inputs.resourceUri === "string" ? d.inputs.resourceUri.toLowerCase() : "";
    if (!ids.has(target)) continue;
    for (const k of ["workspaceId", "storageAccountId", "eventHubAuthorizationRuleId"]) {
      const v = d.inputs[k];
      if (typeof v === "string")
        lines.push(`  ${node(v.toLowerCase())} ---|audit logs| ${node(target)}`);
    }
  }

  // Keys and secrets, keyed by vault logical name and access scope (`key/<name>`).
  const scopeNode = new Map<string, string>();
  for (const v of stores) scopeNode.set(`${v.name}|vault`, node(idOf(v)));
  for (const [type, kind, nameInput] of [
    [TOKENS.key, "key", "keyName"],
    [TOKENS.secret, "secret", "secretName"],
  ] as const) {
    for (const r of of(type)) {
      const vault = byPhysical.get(String(r.inputs.vaultName));
      if (!vault) continue;
      const objectName = String(r.inputs[nameInput] ?? r.name);
      const id = node(idOf(r));
      scopeNode.set(`${vault.name}|${kind}/${objectName}`, id);
      const shape =
        kind === "key" ? `(["key ${text(objectName)}"])` : `[["secret ${text(objectName)}"]]`;
      lines.push(`  ${id}${shape}`, `  ${node(idOf(vault))} --> ${id}`);
    }
  }

  report.access.forEach((a: AccessEntry, i) => {
    const from = scopeNode.get(`${a.vault}|${a.scope}`);
    if (!from) return;
    const description = (a as { description?: unknown }).description;
    const who = `${a.principalType} ${a.principalId.slice(0, 8)}…`;
    const why = typeof description === "string" ? `<br/>${text(description)}` : "";
    lines.push(`  ${from} --> g${i}>"${text(a.role)}<br/>${text(who)}${why}"]`);
  });
  lines.push("```");
  return lines;
}

/** Label text Mermaid reads literally inside double quotes. */
function text(s: string): string {
  return s.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));
}
