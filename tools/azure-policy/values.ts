/** Values the evaluator passes around: plain JSON, or a value the offline plan cannot know. */

/** A value Azure would know and the plan does not (a secret, a server-computed field). */
export class UnknownValue {
  constructor(readonly reason: string) {}
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Value = Json | undefined | UnknownValue;

/** The policy language or a function the evaluator does not implement: reported, never compliant. */
export class Unsupported extends Error {}

/**
 * An expression that fails at evaluation (a type error, a missing value). Azure treats a failed
 * evaluation as non-compliant for deny ("A failed evaluation is an implicit deny",
 * learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule#policy-functions);
 * the what-if reports it for the definition instead of guessing.
 */
export class EvalError extends Error {}

export function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof UnknownValue);
}

/** Reads a key case-insensitively: ARM property names are case-insensitive. */
export function getKey(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  const k = Object.keys(obj).find((x) => x.toLowerCase() === lower);
  return k === undefined ? undefined : obj[k];
}

/** Short, value-safe text of a value for explanations. */
export function show(v: Value): string {
  if (v === undefined) return "absent";
  if (v instanceof UnknownValue) return `unknown (${v.reason})`;
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Rejects unknown values where an operation needs a real one. */
export function known(v: Value, what: string): Json | undefined {
  if (v instanceof UnknownValue) throw new Unsupported(`${what} is ${v.reason}`);
  return v;
}
