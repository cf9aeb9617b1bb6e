import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { evaluateValue } from "./expressions";
import { Json, Unsupported } from "./values";

/**
 * Loading an organisation's exported Azure Policy: definitions, initiatives (policy set
 * definitions) and assignments, as `az policy definition|set-definition|assignment list|show`
 * print them (flat) or as Azure/azure-policy stores them (`{ "properties": … }`), one object or an
 * array per file (or `{ "value": [...] }`, the REST list shape).
 */

/** A problem in an export file: the plan exits 2 with this message (it names the file). */
export class AzurePolicyInputError extends Error {}

const parameterDefinition = z
  .object({
    type: z.string(),
    defaultValue: z.unknown().optional(),
    allowedValues: z.array(z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const parameterValues = z.record(z.string(), z.object({ value: z.unknown() }).loose());

const definitionBody = z
  .object({
    displayName: z.string().optional(),
    description: z.string().nullish(),
    mode: z.string().optional(),
    policyType: z.string().optional(),
    parameters: z.record(z.string(), parameterDefinition).nullish(),
    policyRule: z
      .object({
        if: z.record(z.string(), z.unknown()),
        then: z.object({ effect: z.string(), details: z.unknown().optional() }).loose(),
      })
      .loose(),
  })
  .loose();

const setDefinitionBody = z
  .object({
    displayName: z.string().optional(),
    policyType: z.string().optional(),
    parameters: z.record(z.string(), parameterDefinition).nullish(),
    policyDefinitions: z.array(
      z
        .object({
          policyDefinitionId: z.string().min(1),
          policyDefinitionReferenceId: z.string().optional(),
          parameters: parameterValues.nullish(),
        })
        .loose(),
    ),
  })
  .loose();

const selector = z
  .object({
    kind: z.string(),
    in: z.array(z.string()).optional(),
    notIn: z.array(z.string()).optional(),
  })
  .loose();

const assignmentBody = z
  .object({
    displayName: z.string().nullish(),
    policyDefinitionId: z.string().min(1),
    scope: z.string().nullish(),
    notScopes: z.array(z.string()).nullish(),
    parameters: parameterValues.nullish(),
    enforcementMode: z
      .string()
      .refine((s) => /^(default|donotenforce)$/i.test(s), "must be Default or DoNotEnforce")
      .nullish(),
    nonComplianceMessages: z
      .array(
        z
          .object({ message: z.string(), policyDefinitionReferenceId: z.string().nullish() })
          .loose(),
      )
      .nullish(),
    overrides: z
      .array(
        z
          .object({ kind: z.string(), value: z.string(), selectors: z.array(selector).nullish() })
          .loose(),
      )
      .nullish(),
    resourceSelectors: z
      .array(z.object({ name: z.string().optional(), selectors: z.array(selector) }).loose())
      .nullish(),
  })
  .loose();

type ParameterDefinition = z.infer<typeof parameterDefinition>;
type Selector = z.infer<typeof selector>;

interface PolicyDefinition {
  readonly kind: "definition";
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  /** Lower case: `all`, `indexed`, `microsoft.keyvault.data`, … */
  readonly mode: string;
  readonly parameters: Readonly<Record<string, ParameterDefinition>>;
  readonly policyRule: {
    readonly if: Record<string, unknown>;
    readonly then: { effect: string; details?: unknown };
  };
  /** The file it came from (`built-in` for the vendored ones). */
  readonly file: string;
}

interface PolicySetDefinition {
  readonly kind: "setDefinition";
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly parameters: Readonly<Record<string, ParameterDefinition>>;
  readonly members: readonly {
    readonly policyDefinitionId: string;
    readonly referenceId: string;
    readonly parameters: Readonly<Record<string, unknown>>;
  }[];
  readonly file: string;
}

export interface PolicyAssignment {
  readonly kind: "assignment";
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly policyDefinitionId: string;
  readonly scope?: string;
  readonly notScopes: readonly string[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly enforcementMode: "Default" | "DoNotEnforce";
  readonly nonComplianceMessages: readonly {
    message: string;
    policyDefinitionReferenceId?: string | null;
  }[];
  readonly overrides: readonly { kind: string; value: string; selectors: readonly Selector[] }[];
  readonly resourceSelectors: readonly { name?: string; selectors: readonly Selector[] }[];
  readonly file: string;
}

export type PolicyObject = PolicyDefinition | PolicySetDefinition | PolicyAssignment;

/** Everything the export holds, by lower-case id. */
export interface PolicyExport {
  readonly definitions: ReadonlyMap<string, PolicyDefinition>;
  readonly setDefinitions: ReadonlyMap<string, PolicySetDefinition>;
  readonly assignments: readonly PolicyAssignment[];
  readonly files: readonly string[];
}

const BUILT_IN_DIR = path.resolve(__dirname, "../../policies/reference/azure-policy");

/** Reads every path (a JSON file, or a folder searched recursively for `.json` files). */
export function loadPolicyExport(paths: readonly string[]): PolicyExport {
  const files = paths.flatMap((p) => jsonFiles(p));
  const objects = files.flatMap((f) => parseFile(f));
  const definitions = new Map<string, PolicyDefinition>();
  const setDefinitions = new Map<string, PolicySetDefinition>();
  const assignments: PolicyAssignment[] = [];
  const seen = new Map<string, PolicyObject>();
  for (const o of objects) {
    if (o.kind === "assignment") {
      const dup = assignments.find((a) => a.id.toLowerCase() === o.id.toLowerCase());
      if (dup && !sameObject(dup, o)) {
        throw new AzurePolicyInputError(
          `${o.file}: assignment ${o.id} is also in ${dup.file}, with different content`,
        );
      }
      if (!dup) assignments.push(o);
      continue;
    }
    const key = o.id.toLowerCase();
    const prev = seen.get(key);
    if (prev && !sameObject(prev, o)) {
      throw new AzurePolicyInputError(
        `${o.file}: ${o.id} is also in ${prev.file}, with different content`,
      );
    }
    seen.set(key, o);
    if (o.kind === "definition") definitions.set(key, o);
    else setDefinitions.set(key, o);
  }
  return { definitions, setDefinitions, assignments, files };
}

function sameObject(a: PolicyObject, b: PolicyObject): boolean {
  return JSON.stringify({ ...a, file: "" }) === JSON.stringify({ ...b, file: "" });
}

function jsonFiles(p: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new AzurePolicyInputError(`--azure-policy ${p}: no such file or folder`);
  }
  if (stat.isFile()) return [p];
  const found = walk(p).sort();
  if (found.length === 0)
    throw new AzurePolicyInputError(`--azure-policy ${p}: the folder holds no .json file`);
  return found;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full);
    return e.name.toLowerCase().endsWith(".json") ? [full] : [];
  });
}

function parseFile(file: string): PolicyObject[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new AzurePolicyInputError(`${file}: cannot be read`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new AzurePolicyInputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseDocument(doc, file);
}

/** Parses one file's JSON (exported for tests and the fuzzer). */
export function parseDocument(doc: unknown, file: string): PolicyObject[] {
  const list = Array.isArray(doc)
    ? doc
    : isRecord(doc) && Array.isArray(doc.value) && Object.keys(doc).length <= 2
      ? doc.value
      : [doc];
  if (list.length === 0)
    throw new AzurePolicyInputError(`${file}: holds no policy object (an empty list)`);
  return list.map((o, i) =>
    parseObject(o, list.length > 1 || Array.isArray(doc) ? `${file}: [${i}]` : `${file}:`),
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const TYPE_KINDS: Record<string, PolicyObject["kind"]> = {
  "microsoft.authorization/policydefinitions": "definition",
  "microsoft.authorization/policysetdefinitions": "setDefinition",
  "microsoft.authorization/policyassignments": "assignment",
};

function parseObject(raw: unknown, where: string): PolicyObject {
  const file = where.replace(/:( \[\d+\])?$/, "");
  if (!isRecord(raw)) throw new AzurePolicyInputError(`${where} expected a JSON object`);
  // The `{ properties: … }` shape keeps the body under `properties`; the CLI's flat shape does not.
  const body =
    isRecord(raw.properties) &&
    !("policyRule" in raw) &&
    !("policyDefinitions" in raw) &&
    !("policyDefinitionId" in raw)
      ? { ...raw.properties }
      : { ...raw };
  const typeKind = typeof raw.type === "string" ? TYPE_KINDS[raw.type.toLowerCase()] : undefined;
  const kind =
    typeKind ??
    ("policyRule" in body
      ? "definition"
      : "policyDefinitions" in body
        ? "setDefinition"
        : "policyDefinitionId" in body
          ? "assignment"
          : undefined);
  if (!kind) {
    throw new AzurePolicyInputError(
      `${where} is not a policy definition, initiative or assignment (it has no policyRule, policyDefinitions or policyDefinitionId)`,
    );
  }
  const rawId = typeof raw.id === "string" && raw.id ? raw.id : undefined;
  const rawName = typeof raw.name === "string" && raw.name ? raw.name : undefined;
  if (!rawId && !rawName) throw new AzurePolicyInputError(`${where} has neither an id nor a name`);
  const id = rawId ?? rawName ?? "";
  const name = rawName ?? id.split("/").pop() ?? id;
  const label = `${where} ${kind === "definition" ? "definition" : kind === "setDefinition" ? "initiative" : "assignment"} ${name}`;
  const check = <T>(schema: z.ZodType<T>): T => {
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    const issues = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
      .join("; ");
    throw new AzurePolicyInputError(`${label}: ${issues}`);
  };
  if (kind === "definition") {
    const d = check(definitionBody);
    return {
      kind,
      id,
      name,
      displayName: d.displayName ?? name,
      // Azure's default mode for a definition created without one is Indexed (REST API docs,
      // Policy Definitions - Create Or Update: "mode ... default Indexed").
      mode: (d.mode ?? "Indexed").toLowerCase(),
      parameters: d.parameters ?? {},
      policyRule: d.policyRule as PolicyDefinition["policyRule"],
      file,
    };
  }
  if (kind === "setDefinition") {
    const s = check(setDefinitionBody);
    return {
      kind,
      id,
      name,
      displayName: s.displayName ?? name,
      parameters: s.parameters ?? {},
      members: s.policyDefinitions.map((m, i) => ({
        policyDefinitionId: m.policyDefinitionId,
        referenceId: m.policyDefinitionReferenceId ?? `${i}`,
        parameters: unwrap(m.parameters),
      })),
      file,
    };
  }
  const a = check(assignmentBody);
  return {
    kind,
    id,
    name,
    displayName: a.displayName ?? name,
    policyDefinitionId: a.policyDefinitionId,
    scope: a.scope ?? undefined,
    notScopes: a.notScopes ?? [],
    parameters: unwrap(a.parameters),
    enforcementMode:
      a.enforcementMode && /^donotenforce$/i.test(a.enforcementMode) ? "DoNotEnforce" : "Default",
    nonComplianceMessages: a.nonComplianceMessages ?? [],
    overrides: (a.overrides ?? []).map((o) => ({
      kind: o.kind,
      value: o.value,
      selectors: o.selectors ?? [],
    })),
    resourceSelectors: (a.resourceSelectors ?? []).map((r) => ({
      name: r.name,
      selectors: r.selectors,
    })),
    file,
  };
}

function unwrap(
  p: Record<string, { value?: unknown }> | null | undefined,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p ?? {}).map(([k, v]) => [k, v.value]));
}

let builtIns: Map<string, PolicyDefinition> | undefined;

/** Azure's built-in Key Vault definitions vendored in `policies/reference/azure-policy`. */
function vendoredBuiltIns(): ReadonlyMap<string, PolicyDefinition> {
  if (!builtIns) {
    builtIns = new Map();
    for (const f of fs
      .readdirSync(BUILT_IN_DIR)
      .filter((x) => x.endsWith(".json"))
      .sort()) {
      for (const o of parseFile(path.join(BUILT_IN_DIR, f))) {
        if (o.kind === "definition")
          builtIns.set(o.id.toLowerCase(), { ...o, file: `built-in ${f}` });
      }
    }
  }
  return builtIns;
}

/** One definition to evaluate, under one assignment (or as if assigned with its defaults). */
export interface EvaluationUnit {
  readonly definition: PolicyDefinition;
  /** The assignment's id, or `(not assigned)` for a definition or initiative evaluated alone. */
  readonly assignment: string;
  readonly assignmentDisplayName?: string;
  readonly initiative?: PolicySetDefinition;
  readonly referenceId?: string;
  /** Each parameter's effective value; absent when it has none (reported, not evaluated). */
  readonly parameters: Readonly<Record<string, Json>>;
  readonly missingParameters: readonly string[];
  readonly enforcementMode: "Default" | "DoNotEnforce";
  readonly assignmentObject?: PolicyAssignment;
  readonly nonComplianceMessage?: string;
  /** An effect an assignment override sets for this member. */
  readonly effectOverride?: string;
}

const UNASSIGNED = "(not assigned)";

/**
 * What is evaluated: each assignment's definition, or each member of its initiative, with the
 * parameters passed down; plus every definition and initiative of the export that no assignment
 * (and, for a definition, no initiative of the export) names, as if assigned with its defaults.
 */
export function evaluationUnits(exp: PolicyExport): EvaluationUnit[] {
  const units: EvaluationUnit[] = [];
  const named = new Set<string>();
  for (const a of exp.assignments) {
    const target = lookup(exp, a.policyDefinitionId, `${a.file}: assignment ${a.name}`);
    named.add(target.id.toLowerCase());
    if (target.kind === "definition") {
      const { values, missing } = bindParameters(
        target.parameters,
        a.parameters,
        `${a.file}: assignment ${a.name}`,
        target.id,
        true,
      );
      units.push({
        definition: target,
        assignment: a.id,
        assignmentDisplayName: a.displayName,
        parameters: values,
        missingParameters: missing,
        enforcementMode: a.enforcementMode,
        assignmentObject: a,
        nonComplianceMessage: a.nonComplianceMessages.find((m) => !m.policyDefinitionReferenceId)
          ?.message,
        effectOverride: overrideFor(a, undefined),
      });
    } else {
      units.push(...initiativeUnits(exp, target, a));
    }
  }
  const inInitiatives = new Set<string>();
  for (const s of exp.setDefinitions.values()) {
    for (const m of s.members) inInitiatives.add(m.policyDefinitionId.toLowerCase());
  }
  for (const s of exp.setDefinitions.values()) {
    if (!named.has(s.id.toLowerCase())) units.push(...initiativeUnits(exp, s, undefined));
  }
  for (const d of exp.definitions.values()) {
    const key = d.id.toLowerCase();
    if (named.has(key) || inInitiatives.has(key)) continue;
    const { values, missing } = bindParameters(d.parameters, {}, d.file, d.id, false);
    units.push({
      definition: d,
      assignment: UNASSIGNED,
      parameters: values,
      missingParameters: missing,
      enforcementMode: "Default",
    });
  }
  return units;
}

function initiativeUnits(
  exp: PolicyExport,
  s: PolicySetDefinition,
  a: PolicyAssignment | undefined,
): EvaluationUnit[] {
  const where = a ? `${a.file}: assignment ${a.name}` : `${s.file}: initiative ${s.name}`;
  const setParams = bindParameters(s.parameters, a?.parameters ?? {}, where, s.id, a !== undefined);
  return s.members.map((m) => {
    const def = lookup(exp, m.policyDefinitionId, `${s.file}: initiative ${s.name}`);
    if (def.kind !== "definition") {
      throw new AzurePolicyInputError(
        `${s.file}: initiative ${s.name} names ${def.id}, which is an initiative, as a member`,
      );
    }
    const passed: Record<string, unknown> = {};
    const missingSet = new Set(setParams.missing);
    const unresolved: string[] = [];
    for (const [k, v] of Object.entries(m.parameters)) {
      try {
        passed[k] = evaluateValue(v, {
          parameter: (n) => {
            const key = Object.keys(setParams.values).find(
              (x) => x.toLowerCase() === n.toLowerCase(),
            );
            if (key === undefined) {
              if ([...missingSet].some((x) => x.toLowerCase() === n.toLowerCase()))
                throw new MissingParameter(n);
              throw new AzurePolicyInputError(
                `${s.file}: initiative ${s.name} passes parameters('${n}') to ${m.referenceId}, but declares no such parameter`,
              );
            }
            return setParams.values[key];
          },
          field: () => {
            throw new Unsupported("field() in an initiative's parameter value");
          },
          current: () => {
            throw new Unsupported("current() in an initiative's parameter value");
          },
          now: new Date(0),
        });
      } catch (e) {
        if (e instanceof MissingParameter) unresolved.push(k);
        else if (e instanceof AzurePolicyInputError) throw e;
        else
          throw new AzurePolicyInputError(
            `${s.file}: initiative ${s.name}, member ${m.referenceId}, parameter ${k}: ${(e as Error).message}`,
          );
      }
    }
    const bound = bindParameters(
      def.parameters,
      passed,
      `${s.file}: initiative ${s.name}, member ${m.referenceId}`,
      def.id,
      false,
    );
    return {
      definition: def,
      assignment: a?.id ?? UNASSIGNED,
      assignmentDisplayName: a?.displayName,
      initiative: s,
      referenceId: m.referenceId,
      parameters: bound.values,
      missingParameters: [...new Set([...bound.missing, ...unresolved])],
      enforcementMode: a?.enforcementMode ?? "Default",
      assignmentObject: a,
      nonComplianceMessage:
        a?.nonComplianceMessages.find((x) => x.policyDefinitionReferenceId === m.referenceId)
          ?.message ??
        a?.nonComplianceMessages.find((x) => !x.policyDefinitionReferenceId)?.message,
      effectOverride: a ? overrideFor(a, m.referenceId) : undefined,
    };
  });
}

class MissingParameter extends Error {}

function overrideFor(a: PolicyAssignment, referenceId: string | undefined): string | undefined {
  for (const o of a.overrides) {
    if (o.kind.toLowerCase() !== "policyeffect") continue;
    const applies = o.selectors.every((sel) => {
      if (sel.kind.toLowerCase() !== "policydefinitionreferenceid") return false;
      const ref = (referenceId ?? "").toLowerCase();
      if (sel.in) return sel.in.some((x) => x.toLowerCase() === ref);
      if (sel.notIn) return !sel.notIn.some((x) => x.toLowerCase() === ref);
      return true;
    });
    if (applies) return o.value;
  }
  return undefined;
}

/**
 * Binds given parameter values to a definition's declared parameters. For an assignment (`strict`),
 * an undeclared name or a required parameter without a value is an error, as Azure refuses such an
 * assignment; for a definition evaluated alone, a parameter without a default is reported missing.
 */
function bindParameters(
  declared: Readonly<Record<string, ParameterDefinition>>,
  given: Readonly<Record<string, unknown>>,
  where: string,
  targetId: string,
  strict: boolean,
): { values: Record<string, Json>; missing: string[] } {
  const values: Record<string, Json> = {};
  const missing: string[] = [];
  for (const k of Object.keys(given)) {
    if (!Object.keys(declared).some((d) => d.toLowerCase() === k.toLowerCase())) {
      throw new AzurePolicyInputError(`${where}: parameter ${k} is not declared by ${targetId}`);
    }
  }
  for (const [name, def] of Object.entries(declared)) {
    const givenKey = Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
    const v = givenKey !== undefined ? given[givenKey] : def.defaultValue;
    if (v === undefined) {
      if (strict)
        throw new AzurePolicyInputError(
          `${where}: parameter ${name} of ${targetId} has no value and no default`,
        );
      missing.push(name);
      continue;
    }
    if (!typeMatches(def.type, v)) {
      throw new AzurePolicyInputError(
        `${where}: parameter ${name} of ${targetId} must be of type ${def.type}, got ${JSON.stringify(v)}`,
      );
    }
    values[name] = v as Json;
  }
  return { values, missing };
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type.toLowerCase()) {
    case "string":
    case "datetime":
      return typeof v === "string";
    case "integer":
      return Number.isInteger(v) || (typeof v === "string" && /^-?\d+$/.test(v));
    case "float":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "array":
      return Array.isArray(v);
    case "object":
      return isRecord(v);
    default:
      return true;
  }
}

function lookup(
  exp: PolicyExport,
  id: string,
  where: string,
): PolicyDefinition | PolicySetDefinition {
  const key = id.toLowerCase();
  const found =
    exp.definitions.get(key) ?? exp.setDefinitions.get(key) ?? vendoredBuiltIns().get(key);
  if (found) return found;
  // A custom definition exported from another scope keeps its name: match on type and name.
  const name = key.split("/").pop() ?? key;
  const isSet = key.includes("/policysetdefinitions/");
  const pool = isSet ? [...exp.setDefinitions.values()] : [...exp.definitions.values()];
  const byName = pool.filter((d) => d.name.toLowerCase() === name);
  if (byName.length === 1) return byName[0];
  throw new AzurePolicyInputError(
    `${where} names ${id}, which is neither in the export nor one of the vendored built-in definitions (policies/reference/azure-policy); export it too: az policy ${isSet ? "set-definition" : "definition"} show --name ${name}`,
  );
}
