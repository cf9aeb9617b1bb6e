import {
  conditionEquals,
  evaluateCondition,
  exprContext,
  fieldValue,
  Outcome,
  Scope,
} from "./conditions";
import { evaluateValue } from "./expressions";
import {
  evaluationUnits,
  EvaluationUnit,
  loadPolicyExport,
  PolicyAssignment,
  PolicyExport,
} from "./load";
import type { PolicyResource, Projection } from "./resources";
import { isObject, Json, show, UnknownValue, Unsupported } from "./values";

/** One definition evaluated under one assignment (what a reviewer checks was considered). */
interface AzurePolicyEvaluated {
  readonly definitionId: string;
  readonly displayName: string;
  /** The effect after parameters and overrides (`Deny`, `Audit`, …, or `Disabled`). */
  readonly effect: string;
  readonly assignment: string;
  readonly enforcementMode: "Default" | "DoNotEnforce";
  readonly initiative?: string;
  readonly referenceId?: string;
  readonly parameters: Readonly<Record<string, Json>>;
  /** Resources of the plan the definition applied to (after mode, type and scope). */
  readonly resourcesEvaluated: number;
}

/** One resource a definition flags. Keyed by (definitionId, assignment, urn) in change reviews. */
export interface AzurePolicyFinding {
  readonly definitionId: string;
  readonly displayName: string;
  readonly assignment: string;
  readonly referenceId?: string;
  readonly effect: string;
  readonly enforcementMode: "Default" | "DoNotEnforce";
  /** `mandatory`: Azure would refuse the deployment (Deny under enforcement Default). */
  readonly enforcement: "mandatory" | "advisory";
  readonly urn: string;
  /** What Azure Policy judged: ARM or data-plane type and name. */
  readonly resource: string;
  /** The condition that matched, in words. */
  readonly condition: string;
  /** What Azure would change or deploy (Modify, Append, DeployIfNotExists). */
  readonly changes?: readonly string[];
  /** The assignment's non-compliance message, when it has one. */
  readonly message?: string;
}

/** A definition (or one resource of it) the offline evaluator could not judge. */
interface AzurePolicyUnsupported {
  readonly definitionId: string;
  readonly displayName: string;
  readonly assignment: string;
  readonly effect?: string;
  readonly urn?: string;
  readonly reason: string;
}

/** A notScope that removed the estate (or a resource of it) from an assignment, or could not be judged. */
interface AzurePolicyExclusion {
  readonly assignment: string;
  readonly scope: string;
  readonly outcome: "excluded" | "not applicable" | "cannot tell";
  readonly reason: string;
}

export interface AzurePolicyReport {
  readonly files: readonly string[];
  readonly evaluated: readonly AzurePolicyEvaluated[];
  readonly findings: readonly AzurePolicyFinding[];
  readonly unsupported: readonly AzurePolicyUnsupported[];
  readonly scopes: readonly AzurePolicyExclusion[];
  readonly summary: {
    readonly definitions: number;
    readonly mandatory: number;
    readonly advisory: number;
    readonly unsupported: number;
  };
}

export interface WhatIfOptions {
  /** The day the plan judges (utcNow(), the creation day of keys and secrets). */
  readonly now: Date;
  /**
   * The subscription the estate deploys to, when known: scopes naming another subscription do not
   * apply. Unknown (the offline plan's ids use a placeholder): subscription scopes are assumed to
   * be the estate's and subscription notScopes are reported as "cannot tell".
   */
  readonly subscriptionId?: string;
}

/** Loads the export files and evaluates them against the plan. Errors in files throw AzurePolicyInputError. */
export function azurePolicyWhatIf(
  paths: readonly string[],
  projection: Projection,
  opts: WhatIfOptions,
): AzurePolicyReport {
  return evaluateExport(loadPolicyExport(paths), projection, opts);
}

const EXTENSION_TYPES = new Set([
  "microsoft.insights/diagnosticsettings",
  "microsoft.authorization/locks",
  "microsoft.authorization/roleassignments",
]);

export function evaluateExport(
  exp: PolicyExport,
  projection: Projection,
  opts: WhatIfOptions,
): AzurePolicyReport {
  const units = evaluationUnits(exp);
  const all = projection.resources;
  const evaluated: AzurePolicyEvaluated[] = [];
  const findings: AzurePolicyFinding[] = [];
  const unsupported: AzurePolicyUnsupported[] = [];
  const scopes: AzurePolicyExclusion[] = [];
  const rg = all.find((r) => r.type === "Microsoft.Resources/subscriptions/resourceGroups");
  const resourceGroup: Record<string, Json> | undefined = rg
    ? { name: rg.name, id: rg.id, location: (rg.request.location as Json) ?? null, type: rg.type }
    : undefined;

  for (const a of exp.assignments) scopes.push(...scopeNotes(a, all, opts));

  for (const unit of units) {
    const def = unit.definition;
    const base = {
      definitionId: def.id,
      displayName: def.displayName,
      assignment: unit.assignment,
    };
    const unsupportedOf = (reason: string, urn?: string, effect?: string): void => {
      if (
        !unsupported.some(
          (u) =>
            u.definitionId === def.id &&
            u.assignment === unit.assignment &&
            u.urn === urn &&
            u.reason === reason,
        )
      ) {
        unsupported.push({
          ...base,
          ...(effect ? { effect } : {}),
          ...(urn ? { urn } : {}),
          reason,
        });
      }
    };
    if (unit.missingParameters.length > 0) {
      unsupportedOf(
        `parameter${unit.missingParameters.length > 1 ? "s" : ""} ${unit.missingParameters.join(", ")} ha${unit.missingParameters.length > 1 ? "ve" : "s"} no default and no assignment sets ${unit.missingParameters.length > 1 ? "them" : "it"}`,
      );
      continue;
    }
    const policy: Record<string, Json> = {
      assignmentId: unit.assignment,
      definitionId: def.id,
      setDefinitionId: unit.initiative?.id ?? "",
      definitionReferenceId: unit.referenceId ?? "",
    };
    const applicable = all.filter(
      (r) => inMode(def.mode, r) && applies(unit.assignmentObject, r, opts) && selected(unit, r),
    );
    let effect: string;
    try {
      effect = effectOf(unit, applicable[0] ?? all[0], resourceGroup, policy, opts.now);
    } catch (e) {
      unsupportedOf(e instanceof Error ? e.message : String(e));
      continue;
    }
    evaluated.push({
      ...base,
      effect,
      enforcementMode: unit.enforcementMode,
      ...(unit.initiative ? { initiative: unit.initiative.id, referenceId: unit.referenceId } : {}),
      parameters: unit.parameters,
      resourcesEvaluated: applicable.length,
    });
    const kind = effect.toLowerCase();
    if (kind === "disabled") continue;
    if (!KNOWN_EFFECTS.has(kind)) {
      unsupportedOf(
        `the effect ${effect} is not supported by the offline evaluator`,
        undefined,
        effect,
      );
      continue;
    }
    // DenyAction blocks delete requests; a plan that creates and updates sends none.
    if (kind === "denyaction") continue;
    for (const r of applicable) {
      // Deny judges the PUT request; the other effects judge the resource as deployed.
      const body = kind === "deny" ? r.request : r.deployed;
      const scope: Scope = {
        resource: r,
        body,
        exprResource: r,
        exprBody: body,
        parameters: unit.parameters,
        now: opts.now,
        policy,
        resourceGroup,
        bindings: [],
      };
      const outcome = evaluateCondition(def.policyRule.if, scope);
      if (outcome.t === "unknown") {
        unsupportedOf(outcome.why, r.urn, effect);
        continue;
      }
      if (!outcome.t) continue;
      const finding = judge(kind, effect, unit, r, all, scope, outcome);
      if (finding === "unsupported") continue;
      if ("reason" in finding) {
        unsupportedOf(finding.reason, r.urn, effect);
        continue;
      }
      if (!finding.changesNeeded) continue;
      findings.push({
        ...base,
        ...(unit.referenceId ? { referenceId: unit.referenceId } : {}),
        effect,
        enforcementMode: unit.enforcementMode,
        enforcement:
          kind === "deny" && unit.enforcementMode === "Default" ? "mandatory" : "advisory",
        urn: r.urn,
        resource: `${r.type} ${r.fullName}`,
        condition: finding.condition,
        ...(finding.changes ? { changes: finding.changes } : {}),
        ...(unit.nonComplianceMessage ? { message: unit.nonComplianceMessage } : {}),
      });
    }
  }
  for (const u of projection.unprojected) {
    unsupported.push({
      definitionId: "*",
      displayName: "every definition",
      assignment: "*",
      urn: u.urn,
      reason: u.reason,
    });
  }
  findings.sort((x, y) => order(x).localeCompare(order(y)));
  return {
    files: exp.files,
    evaluated,
    findings,
    unsupported,
    scopes,
    summary: {
      definitions: evaluated.length,
      mandatory: findings.filter((f) => f.enforcement === "mandatory").length,
      advisory: findings.filter((f) => f.enforcement === "advisory").length,
      unsupported: unsupported.length,
    },
  };
}

function order(f: AzurePolicyFinding): string {
  return `${f.enforcement === "mandatory" ? 0 : 1} ${f.displayName} ${f.assignment} ${f.urn}`;
}

const KNOWN_EFFECTS = new Set([
  "deny",
  "audit",
  "auditifnotexists",
  "deployifnotexists",
  "modify",
  "append",
  "manual",
  "denyaction",
]);

function effectOf(
  unit: EvaluationUnit,
  r: PolicyResource | undefined,
  resourceGroup: Record<string, Json> | undefined,
  policy: Record<string, Json>,
  now: Date,
): string {
  if (unit.effectOverride) return unit.effectOverride;
  const raw = unit.definition.policyRule.then.effect;
  const v = evaluateValue(raw, {
    parameter: (n) => {
      const key = Object.keys(unit.parameters).find((k) => k.toLowerCase() === n.toLowerCase());
      if (key === undefined)
        throw new Unsupported(
          `the effect reads parameters('${n}'), which the definition does not declare`,
        );
      return unit.parameters[key];
    },
    field: () => {
      throw new Unsupported("an effect that reads field()");
    },
    current: () => {
      throw new Unsupported("an effect that reads current()");
    },
    now,
    apiVersion: r?.apiVersion,
    resourceGroup,
    policy,
  });
  if (typeof v !== "string") throw new Unsupported(`the effect is not a string (${show(v)})`);
  return v;
}

/** Which resources a definition's mode evaluates. */
function inMode(mode: string, r: PolicyResource): boolean {
  if (mode === "microsoft.keyvault.data") return r.dataPlane;
  if (r.dataPlane) return false;
  if (mode === "all") return true;
  if (mode === "indexed") return r.indexed;
  // Other resource provider modes (Kubernetes, Managed HSM data plane, …) see nothing this plan creates.
  return false;
}

function selected(unit: EvaluationUnit, r: PolicyResource): boolean {
  const selectors = unit.assignmentObject?.resourceSelectors ?? [];
  if (selectors.length === 0) return true;
  return selectors.some((rs) =>
    rs.selectors.every((s) => {
      const kind = s.kind.toLowerCase();
      const value =
        kind === "resourcelocation"
          ? String(r.request.location ?? "")
          : kind === "resourcetype"
            ? r.type
            : kind === "resourcewithoutlocation"
              ? String(r.request.location === undefined)
              : undefined;
      if (value === undefined) return true;
      const inList = (l?: string[]) => l?.some((x) => x.toLowerCase() === value.toLowerCase());
      if (s.in) return inList(s.in) === true;
      if (s.notIn) return inList(s.notIn) !== true;
      return true;
    }),
  );
}

type Match = "yes" | "no" | "unknown";

/**
 * Whether a scope (management group, subscription, resource group or resource id) contains a
 * resource of the plan. The plan's ids use a placeholder subscription: unless the estate's
 * subscription is known, a subscription segment matches any subscription, and a bare subscription
 * scope is "unknown" (for notScopes) or assumed (for the assignment's own scope).
 */
function scopeContains(scope: string, r: PolicyResource, opts: WhatIfOptions): Match {
  const s = scope.replace(/\/+$/, "").toLowerCase();
  if (s.startsWith("/providers/microsoft.management/managementgroups/")) return "unknown";
  const m = /^\/subscriptions\/([^/]+)(.*)$/.exec(s);
  if (!m) return "no";
  const [, sub, rest] = m;
  if (opts.subscriptionId && sub !== opts.subscriptionId.toLowerCase()) return "no";
  if (rest === "") return opts.subscriptionId ? "yes" : "unknown";
  const rid = r.id.toLowerCase().replace(/^\/subscriptions\/[^/]+/, "");
  return rid === rest || rid.startsWith(`${rest}/`) ? "yes" : "no";
}

function applies(a: PolicyAssignment | undefined, r: PolicyResource, opts: WhatIfOptions): boolean {
  if (!a) return true;
  if (a.scope && scopeContains(a.scope, r, opts) === "no") return false;
  return !a.notScopes.some((ns) => scopeContains(ns, r, opts) === "yes");
}

/** What each assignment's scope and notScopes mean for this estate, for the report. */
function scopeNotes(
  a: PolicyAssignment,
  all: readonly PolicyResource[],
  opts: WhatIfOptions,
): AzurePolicyExclusion[] {
  const out: AzurePolicyExclusion[] = [];
  const arm = all.filter((r) => !r.dataPlane);
  if (
    a.scope &&
    arm.length > 0 &&
    arm.every((r) => scopeContains(a.scope as string, r, opts) === "no")
  ) {
    out.push({
      assignment: a.id,
      scope: a.scope,
      outcome: "not applicable",
      reason: "the assignment's scope holds none of the estate's resources",
    });
  }
  for (const ns of a.notScopes) {
    const matches = arm.map((r) => scopeContains(ns, r, opts));
    const excluded = matches.filter((m) => m === "yes").length;
    if (excluded > 0) {
      out.push({
        assignment: a.id,
        scope: ns,
        outcome: "excluded",
        reason:
          excluded === arm.length
            ? "notScopes: the whole estate is exempt from this assignment"
            : `notScopes: ${excluded} of ${arm.length} resources are exempt from this assignment`,
      });
    } else if (matches.some((m) => m === "unknown")) {
      out.push({
        assignment: a.id,
        scope: ns,
        outcome: "cannot tell",
        reason:
          "notScopes names a management group or subscription; the offline plan cannot tell whether the estate is in it, so the assignment is still evaluated",
      });
    }
  }
  return out;
}

type Judgement =
  | { changesNeeded: boolean; condition: string; changes?: string[] }
  | { reason: string }
  | "unsupported";

function judge(
  kind: string,
  effect: string,
  unit: EvaluationUnit,
  r: PolicyResource,
  all: readonly PolicyResource[],
  scope: Scope,
  outcome: Outcome,
): Judgement {
  const condition = outcome.why;
  const details = unit.definition.policyRule.then.details;
  const enforced = unit.enforcementMode === "Default";
  try {
    switch (kind) {
      case "deny":
        return { changesNeeded: true, condition };
      case "audit":
      case "manual":
        return { changesNeeded: true, condition };
      case "auditifnotexists":
      case "deployifnotexists": {
        if (!isObject(details)) return { reason: `${effect} without details` };
        const related = relatedResources(r, details, all, scope);
        const typeName = String(evaluateValue(details.type, exprContext(scope)));
        const existence = details.existenceCondition;
        let satisfied = false;
        for (const rel of related) {
          if (existence === undefined) {
            satisfied = true;
            break;
          }
          const o = evaluateCondition(existence, {
            ...scope,
            resource: rel,
            body: rel.deployed,
            bindings: [],
          });
          if (o.t === "unknown")
            return { reason: `existence condition on ${rel.fullName}: ${o.why}` };
          if (o.t) {
            satisfied = true;
            break;
          }
        }
        if (satisfied) return { changesNeeded: false, condition };
        const what = `no ${typeName}${details.name ? ` named ${String(evaluateValue(details.name, exprContext(scope)))}` : ""} ${related.length ? `among ${related.length} in this plan ` : "in this plan "}satisfies the existence condition`;
        const changes =
          kind === "deployifnotexists"
            ? [
                enforced
                  ? `Azure would deploy ${deployedTypes(details)} on creation (policy remediation)`
                  : `DoNotEnforce: Azure would not deploy ${deployedTypes(details)} on creation; a remediation task could`,
              ]
            : undefined;
        return { changesNeeded: true, condition: `${condition}; and ${what}`, changes };
      }
      case "modify":
        return modifyChanges(details, scope, condition, enforced);
      case "append":
        return appendChanges(details, scope, condition, enforced);
      default:
        return "unsupported";
    }
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) };
  }
}

function deployedTypes(details: Record<string, Json>): string {
  const d = details.deployment;
  const template = isObject(d) && isObject(d.properties) ? d.properties.template : undefined;
  const res = isObject(template) && Array.isArray(template.resources) ? template.resources : [];
  const types = res.map((x) => (isObject(x) && typeof x.type === "string" ? x.type : "a resource"));
  return types.length ? types.join(", ") : "its template";
}

function relatedResources(
  r: PolicyResource,
  details: Record<string, Json>,
  all: readonly PolicyResource[],
  scope: Scope,
): PolicyResource[] {
  const ctx = exprContext(scope);
  const type = evaluateValue(details.type, ctx);
  if (typeof type !== "string") throw new Unsupported("details.type is not a string");
  const name = details.name === undefined ? undefined : evaluateValue(details.name, ctx);
  const lower = type.toLowerCase();
  // A type under the evaluated resource (a child or an extension such as diagnostic settings) is
  // searched under it; any other type in the resource group, or the subscription with
  // existenceScope Subscription. (learn.microsoft.com/azure/governance/policy/concepts/effect-audit-if-not-exists)
  const underneath = lower.startsWith(`${r.type.toLowerCase()}/`) || EXTENSION_TYPES.has(lower);
  const sameSub = String(details.existenceScope ?? "").toLowerCase() === "subscription";
  return all.filter((x) => {
    if (x.dataPlane || x.type.toLowerCase() !== lower) return false;
    if (underneath && !x.id.toLowerCase().startsWith(`${r.id.toLowerCase()}/`)) return false;
    if (
      !underneath &&
      !sameSub &&
      x.resourceGroup?.toLowerCase() !== r.resourceGroup?.toLowerCase()
    )
      return false;
    if (
      typeof name === "string" &&
      x.name.toLowerCase() !== name.toLowerCase() &&
      x.fullName.toLowerCase() !== name.toLowerCase()
    )
      return false;
    return true;
  });
}

function currentValue(field: string, scope: Scope): unknown {
  const f = fieldValue(field, scope.resource, scope.body, []);
  if (f.unknown) throw new Unsupported(`${field} is ${f.unknown.reason}`);
  return f.star ? f.items : f.value;
}

function modifyChanges(
  details: unknown,
  scope: Scope,
  condition: string,
  enforced: boolean,
): Judgement {
  if (!isObject(details) || !Array.isArray(details.operations))
    return { reason: "Modify without details.operations" };
  const ctx = exprContext(scope);
  const changes: string[] = [];
  for (const op of details.operations) {
    if (!isObject(op)) return { reason: "a Modify operation that is not an object" };
    if (op.condition !== undefined) {
      const c = evaluateValue(op.condition, ctx);
      if (c instanceof UnknownValue) return { reason: `a Modify condition is ${c.reason}` };
      if (c === false || String(c).toLowerCase() === "false") continue;
    }
    const field = String(evaluateValue(op.field, ctx));
    const operation = String(op.operation).toLowerCase();
    const now = currentValue(field, scope);
    if (operation === "remove") {
      if (now !== undefined) changes.push(`remove ${field} (now ${show(now as Json)})`);
      continue;
    }
    const value = evaluateValue(op.value, ctx);
    if (value instanceof UnknownValue) return { reason: `a Modify value is ${value.reason}` };
    if (operation === "add" && now !== undefined) continue;
    if (operation !== "add" && operation !== "addorreplace")
      return { reason: `the Modify operation ${String(op.operation)}` };
    if (!conditionEquals(now, value))
      changes.push(`set ${field} to ${show(value)} (now ${show(now as Json)})`);
  }
  if (changes.length === 0) return { changesNeeded: false, condition };
  return { changesNeeded: true, condition, changes: changes.map((c) => annotate(c, enforced)) };
}

function appendChanges(
  details: unknown,
  scope: Scope,
  condition: string,
  enforced: boolean,
): Judgement {
  const list = Array.isArray(details) ? details : isObject(details) ? [details] : [];
  if (list.length === 0) return { reason: "Append without details" };
  const ctx = exprContext(scope);
  const changes: string[] = [];
  for (const d of list) {
    if (!isObject(d)) return { reason: "an Append detail that is not an object" };
    const field = String(evaluateValue(d.field, ctx));
    const value = evaluateValue(d.value, ctx);
    if (value instanceof UnknownValue) return { reason: `an Append value is ${value.reason}` };
    const now = currentValue(field, scope);
    if (field.endsWith("[*]")) changes.push(`append ${show(value)} to ${field}`);
    else if (!conditionEquals(now, value))
      changes.push(`set ${field} to ${show(value)} (now ${show(now as Json)})`);
  }
  if (changes.length === 0) return { changesNeeded: false, condition };
  return { changesNeeded: true, condition, changes: changes.map((c) => annotate(c, enforced)) };
}

function annotate(change: string, enforced: boolean): string {
  return enforced
    ? `Azure would ${change} on deployment; the next \`pulumi up\` sees the difference as drift unless the program sets it`
    : `DoNotEnforce: Azure would not ${change}; the resource is recorded as non-compliant`;
}
