import type { AccessEntry } from "../contract/plan";
import {
  Finding,
  isPackFinding,
  PlanComparison,
  PropertyChange,
  ResourceChange,
  Risk,
} from "../contract/review";

/** "What changes", for the console and for the Markdown review page. */

const SIGN: Record<ResourceChange["action"], string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
};

/** Instants ARM carries as epoch seconds, shown with their date so a reviewer can read them. */
const INSTANT_PATH = /attributes\.(expires|notBefore)$/;

function formatValue(v: unknown, path = ""): string {
  if (v === undefined) return "(absent)";
  if (typeof v === "number" && INSTANT_PATH.test(path)) {
    return `${v} (${new Date(v * 1000).toISOString().slice(0, 10)})`;
  }
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** One line: `1 to create, 2 to update; 1 mandatory and 3 advisory risks`. */
function summaryLine(c: PlanComparison): string {
  const s = c.summary;
  const counts = (["create", "update", "replace", "delete"] as const)
    .filter((a) => s[a] > 0)
    .map((a) => `${s[a]} to ${a}`);
  if (counts.length === 0) return "no changes";
  const risks = [
    ...(s.risks.mandatory > 0 ? [`${s.risks.mandatory} mandatory`] : []),
    ...(s.risks.advisory > 0 ? [`${s.risks.advisory} advisory`] : []),
  ];
  return `${counts.join(", ")}; ${risks.length > 0 ? `${risks.join(" and ")} risk${s.risks.mandatory + s.risks.advisory === 1 ? "" : "s"}` : "no risks"}`;
}

/** A long or multi-line text (a query, a workbook, a policy document) is shown by its changed lines. */
const LONG_TEXT = 120;

function isLongText(v: unknown): v is string {
  return typeof v === "string" && (v.includes("\n") || v.length > LONG_TEXT);
}

/** `before → after`, or for long texts the lines that differ (`- old line; + new line`). */
export function changeText(p: PropertyChange, wrap: (s: string) => string = (s) => s): string {
  if (!isLongText(p.before) && !isLongText(p.after)) {
    return `${wrap(formatValue(p.before, p.path))} → ${wrap(formatValue(p.after, p.path))}`;
  }
  const lines = (v: unknown) => (typeof v === "string" ? v.split("\n") : []);
  const before = lines(p.before);
  const after = lines(p.after);
  const gone = before.filter((l) => !after.includes(l)).map((l) => l.trim());
  const come = after.filter((l) => !before.includes(l)).map((l) => l.trim());
  // One line changed: show where it changed, not its (possibly long) common start.
  const [oldLine, newLine] =
    gone.length === 1 && come.length === 1 ? focus(gone[0], come[0]) : [undefined, undefined];
  const clip = (l: string) => (l.length > LONG_TEXT ? `${l.slice(0, LONG_TEXT)}…` : l);
  const removed = (oldLine !== undefined ? [oldLine] : gone.map(clip)).map((l) => `- ${l}`);
  const added = (newLine !== undefined ? [newLine] : come.map(clip)).map((l) => `+ ${l}`);
  const what =
    p.before === undefined ? "text added" : p.after === undefined ? "text removed" : "text changed";
  return `${what} (${before.length} → ${after.length} lines): ${[...removed, ...added].map(wrap).join("; ")}`;
}

/** Two versions of a line, cut to where they differ with a little context on each side. */
function focus(a: string, b: string): [string, string] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (
    end < a.length - start &&
    end < b.length - start &&
    a[a.length - 1 - end] === b[b.length - 1 - end]
  ) {
    end++;
  }
  const context = 24;
  const cut = (l: string) => {
    const from = Math.max(0, start - context);
    const to = Math.min(l.length, l.length - end + context);
    const middle = l.slice(from, to);
    const text = middle.length > LONG_TEXT ? `${middle.slice(0, LONG_TEXT)}…` : middle;
    return `${from > 0 ? "…" : ""}${text}${to < l.length ? "…" : ""}`;
  };
  return [cut(a), cut(b)];
}

function propertyText(p: PropertyChange): string {
  return `${p.path}: ${changeText(p)}${p.ignored ? "  (not applied: ignoreChanges)" : ""}`;
}

/** Updates and replacements list their changed properties; creates and deletes do not. */
function shownProperties(c: ResourceChange): readonly PropertyChange[] {
  return c.action === "update" || c.action === "replace" ? c.properties : [];
}

function accessText(a: AccessEntry): string {
  const who = `${a.principalType} ${a.principalId}${a.description ? ` (${a.description})` : ""}`;
  return `${who}: ${a.role} on ${a.scope} of vault ${a.vault}`;
}

function findingText(f: Finding): string {
  if (isPackFinding(f)) {
    return `[${f.enforcementLevel}] ${f.policy}: ${f.message}${f.urn ? ` (${lastName(f.urn)})` : ""}`;
  }
  const level = typeof f.enforcement === "string" ? `[${f.enforcement}] ` : "";
  const name = f.displayName ?? f.definitionId;
  return `${level}Azure Policy ${name}${f.assignment ? ` (${f.assignment})` : ""}${f.urn ? ` on ${lastName(f.urn)}` : ""}`;
}

function lastName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** `text` in lines of at most `width` characters, the first indented by `indent`, the rest by two more. */
function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line === "") line = `${indent}${word}`;
    else if (line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${indent}  ${word}`;
    } else line += ` ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** The console's "What changes" block. */
export function renderChangesConsole(c: PlanComparison): string[] {
  const out = [`What changes against the base plan: ${summaryLine(c)}`];
  for (const ch of c.changes) {
    out.push(`  ${SIGN[ch.action].padEnd(2)} ${ch.action.padEnd(7)} ${ch.name}  (${ch.type})`);
    if (ch.renamedFrom) out.push(`      renamed from ${lastName(ch.renamedFrom)} (alias)`);
    if (ch.replaceBecause) {
      out.push(
        `      replaced because ${ch.replaceBecause.join(", ")} changed${ch.deleteBeforeReplace ? " (delete before create)" : ""}`,
      );
    }
    for (const p of shownProperties(ch)) out.push(`      ${propertyText(p)}`);
    for (const r of ch.risks) out.push(...wrap(`! ${r.code} (${r.level}): ${r.message}`, "      "));
    for (const n of ch.notes ?? []) out.push(...wrap(`note: ${n}`, "      "));
  }
  const list = (title: string, items: readonly string[]) => {
    if (items.length === 0) return;
    out.push(`  ${title}:`);
    for (const i of items) out.push(`    ${i}`);
  };
  list("Access granted", c.access.granted.map(accessText));
  list("Access revoked", c.access.revoked.map(accessText));
  list("New policy findings", c.violations.new.map(findingText));
  list("Fixed policy findings", c.violations.fixed.map(findingText));
  return out;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function riskMarkdown(r: Risk): string {
  return `**${r.level}** ${code(r.code)}: ${cell(r.message)}`;
}

/** The Markdown "What changes" section (without its heading). */
export function renderChangesMarkdown(c: PlanComparison): string[] {
  const out = [`Against the base plan: ${summaryLine(c)}.`, ""];
  if (c.changes.length === 0) {
    out.push("`pulumi up` would change nothing.", "");
  }
  for (const ch of c.changes) {
    out.push(`- **${ch.action}** ${code(ch.name)} (${code(ch.type)})`);
    if (ch.renamedFrom) out.push(`  - renamed from ${code(lastName(ch.renamedFrom))} (alias)`);
    if (ch.replaceBecause) {
      out.push(
        `  - replaced because ${ch.replaceBecause.map(code).join(", ")} changed${ch.deleteBeforeReplace ? " (delete before create)" : ""}`,
      );
    }
    for (const p of shownProperties(ch)) {
      out.push(
        `  - ${code(p.path)}: ${changeText(p, code)}${p.ignored ? " (not applied: `ignoreChanges`)" : ""}`,
      );
    }
    for (const r of ch.risks) out.push(`  - ${riskMarkdown(r)}`);
    for (const n of ch.notes ?? []) out.push(`  - note: ${cell(n)}`);
  }
  if (c.changes.length > 0) out.push("");
  const list = (title: string, items: readonly string[]) => {
    if (items.length === 0) return;
    out.push(`**${title}**`, "", ...items.map((i) => `- ${cell(i)}`), "");
  };
  list("Access granted", c.access.granted.map(accessText));
  list("Access revoked", c.access.revoked.map(accessText));
  list("New policy findings", c.violations.new.map(findingText));
  list("Fixed policy findings", c.violations.fixed.map(findingText));
  return out;
}

/** Every mandatory risk of the comparison, with the change it belongs to. */
export function mandatoryRisks(c: PlanComparison): { change: ResourceChange; risk: Risk }[] {
  return c.changes.flatMap((change) =>
    change.risks.filter((r) => r.level === "mandatory").map((risk) => ({ change, risk })),
  );
}
