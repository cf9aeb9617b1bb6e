import { isDeepStrictEqual } from "util";
import { PropertyChange } from "../contract/review";

/**
 * Property paths as Pulumi writes them in `ignoreChanges` and `replaceOnChanges`
 * (`properties.attributes.expires`, `privateLinkServiceConnections[0].groupIds`, `tags.*`), and
 * the leaf-by-leaf difference of two input objects.
 */

/** `a.b[0].c` → `["a", "b", "0", "c"]`. */
function segments(path: string): string[] {
  return path
    .replace(/\[(\d+|\*)\]/g, ".$1")
    .split(".")
    .filter((s) => s.length > 0);
}

/**
 * True when `path` is `pattern` or lies inside it. `*` (or `[*]`) stands for any one key or index,
 * as in Pulumi's property paths; a pattern that names a container covers everything inside it.
 */
export function matchesPath(path: string, pattern: string): boolean {
  const p = segments(path);
  const q = segments(pattern);
  if (q.length > p.length) return false;
  return q.every((s, i) => s === "*" || s === p[i]);
}

/** Whether any of `patterns` covers `path`. */
export function coveredBy(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesPath(path, pattern));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The leaves of a plan's inputs, by path. Arrays of plain values are one leaf (an IP rule added to
 * a list reads as the list before and after, not as every index shifting); arrays of objects are
 * walked by index; an empty object or array is a leaf of its own.
 */
function leaves(value: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (v: unknown, path: string) => {
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const k of Object.keys(v).sort()) walk(v[k], path ? `${path}.${k}` : k);
    } else if (Array.isArray(v) && v.some((x) => isObject(x) || Array.isArray(x))) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (v !== undefined) {
      out.set(path, v);
    }
  };
  walk(value, prefix);
  return out;
}

/** Every leaf path where `before` and `after` differ, sorted, with both values. */
export function diffLeaves(before: unknown, after: unknown): PropertyChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: PropertyChange[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (isDeepStrictEqual(x, y)) continue;
    out.push({
      path,
      ...(a.has(path) ? { before: x } : {}),
      ...(b.has(path) ? { after: y } : {}),
    });
  }
  return out;
}

/** The leaves of one side, for a create (`after`) or a delete (`before`). */
export function allLeaves(value: unknown, side: "before" | "after"): PropertyChange[] {
  return [...leaves(value)].map(([path, v]) => ({ path, [side]: v }) as PropertyChange);
}
