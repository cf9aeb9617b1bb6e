import { isDeepStrictEqual } from "util";
import { PlanReport } from "./report";

/** What changes between a base plan and a new one, by URN. */
export interface PlanComparison {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** URN → the top-level input keys whose value changed. */
  readonly changed: Readonly<Record<string, readonly string[]>>;
}

export function comparePlans(base: PlanReport, next: PlanReport): PlanComparison {
  if (!Array.isArray(base?.resources)) {
    throw new Error("the base plan has no resources list (is it a plan report?)");
  }
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(next.resources.map((r) => [r.urn, r]));
  const added = [...after.keys()].filter((u) => !before.has(u)).sort();
  const removed = [...before.keys()].filter((u) => !after.has(u)).sort();
  const changed: Record<string, string[]> = {};
  for (const [urn, r] of after) {
    const old = before.get(urn);
    if (!old) continue;
    const keys = [...new Set([...Object.keys(old.inputs), ...Object.keys(r.inputs)])].sort();
    const diff = keys.filter((k) => !isDeepStrictEqual(old.inputs[k], r.inputs[k]));
    if (diff.length > 0) changed[urn] = diff;
  }
  return { added, removed, changed };
}

export function renderComparison(c: PlanComparison): string {
  const lines = ["", "Compared with the base plan:"];
  const changed = Object.entries(c.changed);
  if (c.added.length + c.removed.length + changed.length === 0) {
    lines.push("  no changes");
  }
  for (const u of c.added) lines.push(`  + ${u}`);
  for (const u of c.removed) lines.push(`  - ${u}`);
  for (const [u, keys] of changed) lines.push(`  ~ ${u} (${keys.join(", ")})`);
  return `${lines.join("\n")}\n`;
}
