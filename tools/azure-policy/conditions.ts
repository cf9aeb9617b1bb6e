import { resolveAlias } from "./aliases";
import { compareValues, evaluateValue, ExprContext } from "./expressions";
import type { PolicyResource } from "./resources";
import {
  EvalError,
  getKey,
  isObject,
  Json,
  known,
  show,
  UnknownValue,
  Unsupported,
  Value,
} from "./values";

/**
 * The policy rule's `if` (and `existenceCondition`) evaluated against one projected resource, in
 * three values: matched, not matched, or unknown (an unsupported construct or a failed
 * evaluation), each with the reason in words.
 * Reference: learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule
 */
export type Outcome =
  | { readonly t: true | false; readonly why: string }
  | { readonly t: "unknown"; readonly why: string; readonly error: boolean };

/** A `count` in progress: `current()` and `field()` of the counted array read its member. */
type Binding =
  | { readonly kind: "field"; readonly arrayPath: string; readonly element: unknown }
  | { readonly kind: "value"; readonly name?: string; readonly element: unknown };

export interface Scope {
  /** The resource `field` conditions read. */
  readonly resource: PolicyResource;
  /** Which body: the request (deny) or the deployed resource (audit-type effects). */
  readonly body: Record<string, unknown>;
  /** The resource `field()` in expressions reads (the `if` resource inside an existenceCondition). */
  readonly exprResource: PolicyResource;
  readonly exprBody: Record<string, unknown>;
  readonly parameters: Readonly<Record<string, Json>>;
  readonly now: Date;
  readonly policy: Readonly<Record<string, Json>>;
  readonly resourceGroup?: Readonly<Record<string, Json>>;
  readonly bindings: readonly Binding[];
}

const OPERATORS = [
  "equals",
  "notEquals",
  "like",
  "notLike",
  "match",
  "matchInsensitively",
  "notMatch",
  "notMatchInsensitively",
  "contains",
  "notContains",
  "in",
  "notIn",
  "containsKey",
  "notContainsKey",
  "less",
  "lessOrEquals",
  "greater",
  "greaterOrEquals",
  "exists",
] as const;
type Operator = (typeof OPERATORS)[number];

function keyOf(obj: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
}

export function evaluateCondition(cond: unknown, scope: Scope): Outcome {
  try {
    return evalNode(cond, scope);
  } catch (e) {
    return failure(e);
  }
}

function failure(e: unknown): Outcome {
  if (e instanceof Unsupported) return { t: "unknown", why: e.message, error: false };
  if (e instanceof EvalError)
    return { t: "unknown", why: `evaluation failed: ${e.message}`, error: true };
  if (e instanceof RangeError)
    return { t: "unknown", why: "the rule nests too deeply", error: false };
  throw e;
}

function evalNode(cond: unknown, scope: Scope): Outcome {
  if (!isObject(cond))
    throw new Unsupported(`a condition must be an object, got ${show(cond as Value)}`);
  const allOf = keyOf(cond, "allOf");
  const anyOf = keyOf(cond, "anyOf");
  const not = keyOf(cond, "not");
  if (allOf || anyOf) {
    const list = cond[(allOf ?? anyOf) as string];
    if (!Array.isArray(list)) throw new Unsupported(`${allOf ?? anyOf} must be an array`);
    const results = list.map((c) => evaluateCondition(c, scope));
    return allOf ? combineAll(results) : combineAny(results);
  }
  if (not) {
    const r = evaluateCondition(cond[not], scope);
    return r.t === "unknown" ? r : { t: !r.t, why: `not (${r.why})` };
  }
  const opKey = Object.keys(cond).find((k) =>
    OPERATORS.some((o) => o.toLowerCase() === k.toLowerCase()),
  );
  if (!opKey)
    throw new Unsupported(
      `a condition with no supported operator (${Object.keys(cond).join(", ")})`,
    );
  const op = OPERATORS.find((o) => o.toLowerCase() === opKey.toLowerCase()) as Operator;
  const expected = evaluateValue(cond[opKey], exprContext(scope));
  const fieldKey = keyOf(cond, "field");
  const valueKey = keyOf(cond, "value");
  const countKey = keyOf(cond, "count");
  if (fieldKey) {
    const rawName = evaluateValue(cond[fieldKey], exprContext(scope));
    if (typeof rawName !== "string") throw new Unsupported("a field that is not a string");
    const f = fieldValue(rawName, scope.resource, scope.body, scope.bindings);
    const exp = known(expected, `the value compared with ${rawName}`);
    if (f.star) {
      // An `[*]` field outside a count: the condition must hold for every member (logical AND),
      // so an empty array satisfies it. (learn.microsoft.com/azure/governance/policy/how-to/author-policies-for-arrays)
      for (const item of f.items) {
        if (!applyOperator(op, item, exp)) {
          return { t: false, why: `${rawName} ${op} ${show(exp)}: a member is ${show(item)}` };
        }
      }
      return {
        t: true,
        why: `every member of ${rawName} ${op} ${show(exp)} (${f.items.length} member${f.items.length === 1 ? "" : "s"})`,
      };
    }
    const ok = applyOperator(op, f.value, exp);
    return {
      t: ok,
      why: `${rawName} ${op} ${show(exp)} (${rawName === "type" ? show(f.value) : `is ${show(f.value)}`})`,
    };
  }
  if (valueKey) {
    const v = evaluateValue(cond[valueKey], exprContext(scope));
    const exp = known(expected, "the compared value");
    const actual = known(v, `the value ${String(cond[valueKey])}`);
    const ok = applyOperator(op, actual, exp);
    return { t: ok, why: `${String(cond[valueKey])} ${op} ${show(exp)} (is ${show(actual)})` };
  }
  if (countKey) {
    const { n, label } = count(cond[countKey], scope);
    const exp = known(expected, "the compared count");
    const ok = applyOperator(op, n, exp);
    return { t: ok, why: `${label} ${op} ${show(exp)} (is ${n})` };
  }
  throw new Unsupported(`a condition with no field, value or count`);
}

function combineAll(results: Outcome[]): Outcome {
  const f = results.find((r) => r.t === false);
  if (f) return f;
  const u = results.find((r) => r.t === "unknown");
  if (u) return u;
  return { t: true, why: results.map((r) => r.why).join("; and ") };
}

function combineAny(results: Outcome[]): Outcome {
  const t = results.find((r) => r.t === true);
  if (t) return t;
  const u = results.find((r) => r.t === "unknown");
  if (u) return u;
  return { t: false, why: results.map((r) => r.why).join("; and ") };
}

function count(spec: unknown, scope: Scope): { n: number; label: string } {
  if (!isObject(spec)) throw new Unsupported("count must be an object");
  const fieldKey = keyOf(spec, "field");
  const valueKey = keyOf(spec, "value");
  const where = keyOf(spec, "where");
  let items: unknown[];
  let label: string;
  let bind: (e: unknown) => Binding;
  if (fieldKey) {
    const name = spec[fieldKey];
    if (typeof name !== "string" || !name.endsWith("[*]"))
      throw new Unsupported("count.field must be an [*] alias");
    const f = fieldValue(name, scope.resource, scope.body, scope.bindings);
    const target = resolveAlias(name);
    if (f.unknown) throw new Unsupported(`${name} is ${f.unknown.reason}`);
    items = f.star ? [...f.items] : [];
    const arrayPath = (target?.path ?? name).toLowerCase();
    bind = (element) => ({ kind: "field", arrayPath, element });
    label = `count of ${name}`;
  } else if (valueKey) {
    const v = known(evaluateValue(spec[valueKey], exprContext(scope)), "the counted value");
    if (!Array.isArray(v)) throw new EvalError("count.value must be an array");
    items = v;
    const nameKey = keyOf(spec, "name");
    const name = nameKey ? String(spec[nameKey]) : undefined;
    bind = (element) => ({ kind: "value", name, element });
    label = `count of ${typeof spec[valueKey] === "string" ? spec[valueKey] : "values"}`;
  } else {
    throw new Unsupported("count needs a field or a value");
  }
  if (!where) return { n: items.length, label };
  let n = 0;
  for (const element of items) {
    const r = evaluateCondition(spec[where], {
      ...scope,
      bindings: [...scope.bindings, bind(element)],
    });
    if (r.t === "unknown") {
      if (r.error) throw new EvalError(r.why);
      throw new Unsupported(r.why);
    }
    if (r.t) n++;
  }
  return { n, label: `${label} where the condition holds` };
}

interface FieldResult {
  readonly star: boolean;
  readonly value?: Value;
  readonly items: readonly Value[];
  readonly unknown?: UnknownValue;
}

/**
 * A policy field on a resource: the fixed fields (`type`, `name`, `fullName`, `kind`, `location`,
 * `id`, `identity.*`, `tags`, `tags['x']`, `tags.x`) or an alias, resolved through the committed
 * alias map. An alias of another resource type is absent on this one; an alias missing from the
 * map is unsupported.
 */
export function fieldValue(
  name: string,
  resource: PolicyResource,
  body: Record<string, unknown>,
  bindings: readonly Binding[] = [],
): FieldResult {
  const single = (value: unknown): FieldResult => ({
    star: false,
    value: value as Value,
    items: [],
  });
  const lower = name.toLowerCase();
  if (lower === "type") return single(resource.type);
  if (lower === "name") return single(resource.name);
  if (lower === "fullname") return single(resource.fullName);
  if (lower === "id") return single(resource.id);
  if (lower === "kind" || lower === "location" || lower === "tags")
    return single(getKey(body, lower));
  if (lower.startsWith("identity.")) return single(walk(body, lower.split(".")));
  const tag = /^tags(?:\['(.*)'\]|\[(.*)\]|\.(.*))$/i.exec(name);
  if (tag) {
    const tags = getKey(body, "tags");
    return single(isObject(tags) ? getKey(tags, tag[1] ?? tag[2] ?? tag[3]) : undefined);
  }
  const target = resolveAlias(name);
  if (!target)
    throw new Unsupported(
      `the alias ${name} is not in the alias map (policies/reference/azure-policy-aliases)`,
    );
  if (target.type.toLowerCase() !== resource.type.toLowerCase()) return single(undefined);
  const p = target.path.toLowerCase();
  for (let i = bindings.length - 1; i >= 0; i--) {
    const b = bindings[i];
    if (b.kind === "field" && (p === b.arrayPath || p.startsWith(`${b.arrayPath}.`))) {
      return fromPath(b.element, target.path.slice(b.arrayPath.length + 1));
    }
  }
  return fromPath(body, target.path);
}

function fromPath(root: unknown, path: string): FieldResult {
  if (path === "") return { star: false, value: root as Value, items: [] };
  const segs = path.split(".");
  if (!segs.some((s) => s.endsWith("[*]"))) {
    const v = walk(root, segs);
    return {
      star: false,
      value: v as Value,
      items: [],
      unknown: v instanceof UnknownValue ? v : undefined,
    };
  }
  const items: Value[] = [];
  let unknown: UnknownValue | undefined;
  const collect = (v: unknown, rest: string[]): void => {
    if (v instanceof UnknownValue) {
      unknown = v;
      items.push(v);
      return;
    }
    if (rest.length === 0) {
      items.push(v as Value);
      return;
    }
    const [seg, ...tail] = rest;
    const star = seg.endsWith("[*]");
    const key = star ? seg.slice(0, -3) : seg;
    const next = isObject(v) ? getKey(v, key) : undefined;
    if (!star) return collect(next, tail);
    if (next instanceof UnknownValue) return collect(next, []);
    if (Array.isArray(next)) for (const e of next) collect(e, tail);
  };
  collect(root, segs);
  return { star: true, items, unknown };
}

function walk(root: unknown, segs: readonly string[]): unknown {
  let v = root;
  for (const seg of segs) {
    if (v instanceof UnknownValue) return v;
    if (!isObject(v)) return undefined;
    v = getKey(v, seg);
  }
  return v;
}

export function exprContext(scope: Scope): ExprContext {
  return {
    parameter: (n) => {
      const key = Object.keys(scope.parameters).find((k) => k.toLowerCase() === n.toLowerCase());
      if (key === undefined)
        throw new EvalError(`parameters('${n}') is not a parameter of the definition`);
      return scope.parameters[key];
    },
    field: (n) => {
      const f = fieldValue(n, scope.exprResource, scope.exprBody, scope.bindings);
      return f.star ? (f.items as Json[]) : f.value;
    },
    current: (n) => {
      if (scope.bindings.length === 0) throw new EvalError("current() outside a count");
      if (n === undefined) return scope.bindings[scope.bindings.length - 1].element as Value;
      for (let i = scope.bindings.length - 1; i >= 0; i--) {
        const b = scope.bindings[i];
        if (b.kind === "value" && b.name?.toLowerCase() === n.toLowerCase())
          return b.element as Value;
      }
      const f = fieldValue(n, scope.resource, scope.body, scope.bindings);
      return f.star ? (f.items as Json[]) : f.value;
    },
    now: scope.now,
    apiVersion: scope.resource.apiVersion,
    resourceGroup: scope.resourceGroup,
    policy: scope.policy,
  };
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/**
 * Equality as a policy rule's `equals`/`notEquals`/`in`/`contains` conditions compare: case-insensitive
 * strings, scalars compared as text ("true" = true), a missing value equal to null or "", object
 * keys matched case-insensitively. (The template function `equals()` is stricter: `functionEquals`.)
 */
export function conditionEquals(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b === null || b === "" || b === undefined;
  if (isScalar(a) && isScalar(b)) return String(a).toLowerCase() === String(b).toLowerCase();
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => conditionEquals(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => conditionEquals(a[k], getKey(b, k)))
    );
  }
  return false;
}

function text(v: unknown, op: string): string {
  if (v === undefined || v === null) return "";
  if (isScalar(v)) return String(v);
  throw new EvalError(`${op} needs a string, got ${Array.isArray(v) ? "an array" : "an object"}`);
}

function likeRegex(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "is");
}

/** `#` a digit, `?` a letter, `.` any character, anything else itself. */
function matchRegex(pattern: string, insensitive: boolean): RegExp {
  const body = [...pattern]
    .map((c) =>
      c === "#"
        ? "[0-9]"
        : c === "?"
          ? "[A-Za-z]"
          : c === "."
            ? "."
            : c.replace(/[.+?^${}()|[\]\\*]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`, insensitive ? "is" : "s");
}

function applyOperator(op: Operator, actual: Value, expected: Value): boolean {
  if (actual instanceof UnknownValue) throw new Unsupported(`the value is ${actual.reason}`);
  if (expected instanceof UnknownValue)
    throw new Unsupported(`the compared value is ${expected.reason}`);
  switch (op) {
    case "equals":
      return conditionEquals(actual, expected);
    case "notEquals":
      return !conditionEquals(actual, expected);
    case "like":
    case "notLike": {
      const ok = likeRegex(text(expected, op)).test(text(actual, op));
      return op === "like" ? ok : !ok;
    }
    case "match":
    case "notMatch":
    case "matchInsensitively":
    case "notMatchInsensitively": {
      const ok = matchRegex(text(expected, op), op.endsWith("Insensitively")).test(
        text(actual, op),
      );
      return op.startsWith("not") ? !ok : ok;
    }
    case "contains":
    case "notContains": {
      let ok: boolean;
      if (Array.isArray(actual)) ok = actual.some((x) => conditionEquals(x, expected));
      else ok = text(actual, op).toLowerCase().includes(text(expected, op).toLowerCase());
      return op === "contains" ? ok : !ok;
    }
    case "in":
    case "notIn": {
      if (!Array.isArray(expected)) throw new EvalError(`${op} needs an array`);
      if (Array.isArray(actual))
        throw new EvalError(`${op} compares one value, the field is an array`);
      const ok = expected.some((x) => conditionEquals(actual, x));
      return op === "in" ? ok : !ok;
    }
    case "containsKey":
    case "notContainsKey": {
      const ok = isObject(actual) && getKey(actual, text(expected, op)) !== undefined;
      return op === "containsKey" ? ok : !ok;
    }
    case "less":
    case "lessOrEquals":
    case "greater":
    case "greaterOrEquals": {
      if (actual === undefined) throw new EvalError(`${op} on an absent value`);
      const c = compareValues(actual, expected as Json);
      return op === "less"
        ? c < 0
        : op === "lessOrEquals"
          ? c <= 0
          : op === "greater"
            ? c > 0
            : c >= 0;
    }
    case "exists": {
      const want =
        typeof expected === "boolean" ? expected : String(expected).toLowerCase() === "true";
      return (actual !== undefined && actual !== null) === want;
    }
  }
}
