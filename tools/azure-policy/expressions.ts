import {
  EvalError,
  getKey,
  isObject,
  Json,
  known,
  UnknownValue,
  Unsupported,
  Value,
} from "./values";

/**
 * Azure Policy's template expressions (`"[parameters('effect')]"`): the Resource Manager template
 * functions a policy may use plus the policy-only ones (`field`, `current`, `utcNow`, `addDays`,
 * `ipRangeContains`, `requestContext`, `policy`).
 * Reference: learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule#policy-functions
 */

type Node =
  | { kind: "lit"; value: Json }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "prop"; target: Node; name: string }
  | { kind: "index"; target: Node; index: Node };

/** What functions may read while an expression is evaluated. */
export interface ExprContext {
  parameter(name: string): Value;
  field(path: string): Value;
  current(name?: string): Value;
  now: Date;
  apiVersion?: string;
  resourceGroup?: Readonly<Record<string, Json>>;
  policy?: Readonly<Record<string, Json>>;
}

/** True for a string Azure evaluates as an expression (`[...]`, but not the `[[` escape). */
function isExpression(v: unknown): v is string {
  return typeof v === "string" && v.startsWith("[") && !v.startsWith("[[") && v.endsWith("]");
}

/** Evaluates a JSON value from a definition: expressions are evaluated, `[[` unescaped. */
export function evaluateValue(v: unknown, ctx: ExprContext): Value {
  if (isExpression(v)) return evaluate(parse(v.slice(1, -1)), ctx);
  if (typeof v === "string" && v.startsWith("[[")) return v.slice(1);
  return v as Json;
}

const cache = new Map<string, Node>();

function parse(text: string): Node {
  const hit = cache.get(text);
  if (hit) return hit;
  const p = new Parser(text);
  const node = p.expression();
  p.skip();
  if (p.pos !== text.length) throw new EvalError(`unexpected "${text.slice(p.pos, p.pos + 10)}"`);
  cache.set(text, node);
  return node;
}

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  skip(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  expression(): Node {
    this.skip();
    let node = this.primary();
    for (;;) {
      this.skip();
      const c = this.s[this.pos];
      if (c === ".") {
        this.pos++;
        node = { kind: "prop", target: node, name: this.identifier() };
      } else if (c === "[") {
        this.pos++;
        const index = this.expression();
        this.expect("]");
        node = { kind: "index", target: node, index };
      } else {
        return node;
      }
    }
  }

  primary(): Node {
    const c = this.s[this.pos];
    if (c === "'") return { kind: "lit", value: this.string() };
    if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.pos));
      if (!m) throw new EvalError(`bad number at ${this.pos}`);
      this.pos += m[0].length;
      return { kind: "lit", value: Number(m[0]) };
    }
    const name = this.identifier();
    this.skip();
    this.expect("(");
    const args: Node[] = [];
    this.skip();
    if (this.s[this.pos] !== ")") {
      for (;;) {
        args.push(this.expression());
        this.skip();
        if (this.s[this.pos] === ",") {
          this.pos++;
          continue;
        }
        break;
      }
    }
    this.expect(")");
    return { kind: "call", name: name.toLowerCase(), args };
  }

  identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.pos));
    if (!m) throw new EvalError(`expected a name at position ${this.pos} of "${this.s}"`);
    this.pos += m[0].length;
    return m[0];
  }

  string(): string {
    let out = "";
    this.pos++;
    for (;;) {
      if (this.pos >= this.s.length) throw new EvalError(`unterminated string in "${this.s}"`);
      const c = this.s[this.pos++];
      if (c === "'") {
        if (this.s[this.pos] === "'") {
          out += "'";
          this.pos++;
          continue;
        }
        return out;
      }
      out += c;
    }
  }

  expect(c: string): void {
    this.skip();
    if (this.s[this.pos] !== c)
      throw new EvalError(`expected "${c}" at position ${this.pos} of "${this.s}"`);
    this.pos++;
  }
}

function evaluate(node: Node, ctx: ExprContext): Value {
  switch (node.kind) {
    case "lit":
      return node.value;
    case "prop": {
      const t = known(evaluate(node.target, ctx), "a value");
      if (!isObject(t)) throw new EvalError(`cannot read property "${node.name}" of ${typeof t}`);
      return getKey(t, node.name) as Value;
    }
    case "index": {
      const t = known(evaluate(node.target, ctx), "a value");
      const i = known(evaluate(node.index, ctx), "an index");
      if (Array.isArray(t) && typeof i === "number") return t[i];
      if (isObject(t) && typeof i === "string") return getKey(t, i) as Value;
      throw new EvalError("bad index");
    }
    case "call":
      return call(node, ctx);
  }
}

function str(v: Value, fn: string): string {
  const k = known(v, `the argument of ${fn}()`);
  if (typeof k !== "string") throw new EvalError(`${fn}() expects a string, got ${describe(k)}`);
  return k;
}

function num(v: Value, fn: string): number {
  const k = known(v, `the argument of ${fn}()`);
  if (typeof k === "number") return k;
  if (typeof k === "string" && /^-?\d+$/.test(k)) return Number(k);
  throw new EvalError(`${fn}() expects an integer, got ${describe(k)}`);
}

function bool(v: Value, fn: string): boolean {
  const k = known(v, `the argument of ${fn}()`);
  if (typeof k === "boolean") return k;
  if (typeof k === "string" && /^(true|false)$/i.test(k)) return k.toLowerCase() === "true";
  throw new EvalError(`${fn}() expects a boolean, got ${describe(k)}`);
}

function describe(v: Json | undefined): string {
  if (v === undefined) return "nothing (absent)";
  if (v === null) return "null";
  return Array.isArray(v) ? "an array" : typeof v;
}

function arity(args: Node[], min: number, max: number, fn: string): void {
  if (args.length < min || args.length > max) {
    throw new EvalError(`${fn}() takes ${min === max ? min : `${min}-${max}`} arguments`);
  }
}

/** `yyyy-MM-ddTHH:mm:ss.fffZ`, the instant form this evaluator gives dates. */
export function isoInstant(d: Date): string {
  return d.toISOString();
}

/** A date-time string as an instant, or undefined. */
function parseInstant(v: unknown): Date | undefined {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
  const d = new Date(v);
  return isNaN(d.getTime()) ? undefined : d;
}

/**
 * Equality as the template functions `equals()` and `contains()` compare: case-insensitive strings,
 * anything else exactly ("true" is not true). (Rule conditions are looser: `conditionEquals`.)
 */
function functionEquals(a: Json | undefined, b: Json | undefined): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

function call(node: Extract<Node, { kind: "call" }>, ctx: ExprContext): Value {
  const { name, args } = node;
  const arg = (i: number): Value => evaluate(args[i], ctx);
  switch (name) {
    case "parameters":
      arity(args, 1, 1, name);
      return ctx.parameter(str(arg(0), name));
    case "field":
      arity(args, 1, 1, name);
      return ctx.field(str(arg(0), name));
    case "current":
      arity(args, 0, 1, name);
      return ctx.current(args.length ? str(arg(0), name) : undefined);
    case "requestcontext":
      arity(args, 0, 0, name);
      if (!ctx.apiVersion) return new UnknownValue("the API version of a type not projected");
      return { apiVersion: ctx.apiVersion };
    case "policy":
      arity(args, 0, 0, name);
      return (ctx.policy ?? {}) as Json;
    case "resourcegroup":
      arity(args, 0, 0, name);
      return (ctx.resourceGroup as Json) ?? new UnknownValue("the resource group");
    case "subscription":
      return new UnknownValue("the deploying subscription, which the offline plan does not know");
    case "utcnow":
      // Policy's utcNow() takes no format and returns `yyyy-MM-ddTHH:mm:ss.fffffffZ`.
      arity(args, 0, 0, name);
      return isoInstant(ctx.now);
    case "adddays": {
      arity(args, 2, 2, name);
      const d = parseInstant(known(arg(0), "the date given to addDays()"));
      if (!d) throw new EvalError("addDays() expects a date-time");
      return isoInstant(new Date(d.getTime() + num(arg(1), name) * 86_400_000));
    }
    case "iprangecontains":
      arity(args, 2, 2, name);
      return ipRangeContains(str(arg(0), name), str(arg(1), name));
    case "concat": {
      const vs = args.map((_, i) => known(arg(i), "an argument of concat()"));
      if (vs.every((v) => Array.isArray(v))) return (vs as Json[][]).flat();
      return vs
        .map((v) =>
          typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v ?? null),
        )
        .join("");
    }
    case "if":
      arity(args, 3, 3, name);
      return bool(arg(0), name) ? arg(1) : arg(2);
    case "and":
      return args.every((_, i) => bool(arg(i), name));
    case "or":
      return args.some((_, i) => bool(arg(i), name));
    case "not":
      arity(args, 1, 1, name);
      return !bool(arg(0), name);
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "empty": {
      arity(args, 1, 1, name);
      const v = known(arg(0), "the argument of empty()");
      if (v === undefined || v === null || v === "") return true;
      if (Array.isArray(v)) return v.length === 0;
      if (isObject(v)) return Object.keys(v).length === 0;
      return false;
    }
    case "length": {
      arity(args, 1, 1, name);
      const v = known(arg(0), "the argument of length()");
      if (typeof v === "string" || Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new EvalError(`length() expects a string, array or object, got ${describe(v)}`);
    }
    case "tolower":
      return str(arg(0), name).toLowerCase();
    case "toupper":
      return str(arg(0), name).toUpperCase();
    case "trim":
      return str(arg(0), name).trim();
    case "string": {
      const v = known(arg(0), "the argument of string()");
      return typeof v === "string" ? v : JSON.stringify(v ?? null);
    }
    case "int":
      return num(arg(0), name);
    case "bool":
      return bool(arg(0), name);
    case "split": {
      arity(args, 2, 2, name);
      const d = known(arg(1), "a delimiter");
      const delims = Array.isArray(d) ? d.map((x) => String(x)) : [String(d)];
      let parts = [str(arg(0), name)];
      for (const delim of delims) parts = parts.flatMap((p) => p.split(delim));
      return parts;
    }
    case "first":
    case "last": {
      arity(args, 1, 1, name);
      const v = known(arg(0), `the argument of ${name}()`);
      if (typeof v === "string") return name === "first" ? v.slice(0, 1) : v.slice(-1);
      if (Array.isArray(v)) return name === "first" ? v[0] : v[v.length - 1];
      throw new EvalError(`${name}() expects a string or array, got ${describe(v)}`);
    }
    case "skip":
    case "take": {
      const v = known(arg(0), `the argument of ${name}()`);
      const n = num(arg(1), name);
      if (typeof v !== "string" && !Array.isArray(v))
        throw new EvalError(`${name}() expects a string or array`);
      return (name === "skip" ? v.slice(n) : v.slice(0, n)) as Json;
    }
    case "substring": {
      const s = str(arg(0), name);
      const start = num(arg(1), name);
      const len = args.length > 2 ? num(arg(2), name) : s.length - start;
      if (start < 0 || start + len > s.length || len < 0)
        throw new EvalError("substring() is out of range");
      return s.substr(start, len);
    }
    case "replace":
      return str(arg(0), name)
        .split(str(arg(1), name))
        .join(str(arg(2), name));
    case "startswith":
      return str(arg(0), name)
        .toLowerCase()
        .startsWith(str(arg(1), name).toLowerCase());
    case "endswith":
      return str(arg(0), name)
        .toLowerCase()
        .endsWith(str(arg(1), name).toLowerCase());
    case "indexof":
      return str(arg(0), name)
        .toLowerCase()
        .indexOf(str(arg(1), name).toLowerCase());
    case "padleft": {
      arity(args, 2, 3, name);
      const v = known(arg(0), "the argument of padLeft()");
      if (typeof v !== "string" && typeof v !== "number")
        throw new EvalError(`padLeft() expects a string or integer, got ${describe(v)}`);
      const pad = args.length > 2 ? str(arg(2), name) : " ";
      return String(v).padStart(num(arg(1), name), pad.slice(0, 1) || " ");
    }
    case "contains": {
      const c = known(arg(0), "the container given to contains()");
      const x = known(arg(1), "the value given to contains()");
      if (typeof c === "string") return c.toLowerCase().includes(String(x).toLowerCase());
      if (Array.isArray(c)) return c.some((e) => functionEquals(e, x));
      if (isObject(c)) return getKey(c, String(x)) !== undefined;
      throw new EvalError("contains() expects a string, array or object");
    }
    case "equals":
      return functionEquals(known(arg(0), "a value"), known(arg(1), "a value"));
    case "less":
    case "lessorequals":
    case "greater":
    case "greaterorequals": {
      const c = compareValues(known(arg(0), "a value"), known(arg(1), "a value"));
      return name === "less"
        ? c < 0
        : name === "lessorequals"
          ? c <= 0
          : name === "greater"
            ? c > 0
            : c >= 0;
    }
    case "coalesce":
      for (let i = 0; i < args.length; i++) {
        const v = arg(i);
        if (v !== undefined && v !== null) return v;
      }
      return null;
    case "createarray":
      return args.map((_, i) => known(arg(i), "an array member") ?? null);
    case "union": {
      const vs = args.map((_, i) => known(arg(i), "an argument of union()"));
      if (vs.every(Array.isArray))
        return [...new Set((vs as Json[][]).flat().map((x) => JSON.stringify(x)))].map(
          (x) => JSON.parse(x) as Json,
        );
      if (vs.every(isObject)) return Object.assign({}, ...(vs as object[])) as Json;
      throw new EvalError("union() expects arrays or objects");
    }
    case "json":
      try {
        return JSON.parse(str(arg(0), name)) as Json;
      } catch {
        throw new EvalError("json() got invalid JSON");
      }
    default:
      throw new Unsupported(
        `the template function ${name}() is not supported by the offline evaluator`,
      );
  }
}

/**
 * Orders two values as Azure's less/greater conditions do: numbers numerically, date-times as
 * instants, other strings ordinally ignoring case. Anything else is a type error.
 */
export function compareValues(a: Json | undefined, b: Json | undefined): number {
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  const da = parseInstant(a);
  const db = parseInstant(b);
  if (da && db) return da.getTime() - db.getTime();
  if (typeof a === "string" && typeof b === "string") {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new EvalError(`cannot order ${describe(a)} and ${describe(b)}`);
}

function toNumber(v: Json | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

function parseIp(s: string): { bits: bigint; width: number } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split(".").map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { bits: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), width: 32 };
  }
  if (s.includes(":")) {
    const [head, tail] = s.split("::");
    if (s.split("::").length > 2) return undefined;
    const h = head ? head.split(":") : [];
    const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
    const groups =
      tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return {
      bits: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n),
      width: 128,
    };
  }
  return undefined;
}

function parseRange(s: string): { lo: bigint; hi: bigint; width: number } | undefined {
  const trimmed = s.trim();
  if (trimmed.includes("-") && !trimmed.includes("/")) {
    const [a, b] = trimmed.split("-").map((x) => parseIp(x.trim()));
    if (!a || !b || a.width !== b.width) return undefined;
    return { lo: a.bits, hi: b.bits, width: a.width };
  }
  const [addr, prefix] = trimmed.split("/");
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const len = prefix === undefined ? ip.width : Number(prefix);
  if (!Number.isInteger(len) || len < 0 || len > ip.width) return undefined;
  const hostBits = BigInt(ip.width - len);
  const lo = (ip.bits >> hostBits) << hostBits;
  return { lo, hi: lo + (1n << hostBits) - 1n, width: ip.width };
}

/**
 * `ipRangeContains(range, target)`: whether the target address or range lies inside the range
 * (CIDR, `a-b` ranges or single addresses; IPv4 and IPv6). Mixed families or malformed input are
 * errors, as in Azure.
 */
export function ipRangeContains(range: string, target: string): boolean {
  const r = parseRange(range);
  const t = parseRange(target);
  if (!r || !t) throw new EvalError(`ipRangeContains() got an invalid address or range`);
  if (r.width !== t.width)
    throw new EvalError("ipRangeContains() got addresses of different families");
  return t.lo >= r.lo && t.hi <= r.hi;
}
