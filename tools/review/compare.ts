import { TOKENS } from "../../infra/azure/tokens";
import { engineUrn } from "../contract/urn";
import type { AccessEntry, PlanReport, PolicyViolation, ReportResource } from "../contract/plan";
import { allLeaves, coveredBy, diffLeaves } from "./paths";
import { replaceReasons } from "./replace";
import {
  dataLossRisk,
  dataPlaneRisks,
  immutableRisks,
  LockInfo,
  lockedScopeRisk,
  protectedRisk,
  retainedRisk,
} from "./risks";
import {
  AzurePolicyFinding,
  Finding,
  PlanComparison,
  PropertyChange,
  ResourceChange,
  Risk,
} from "../contract/review";

export type { PlanComparison } from "../contract/review";

/**
 * The change review (docs/architecture.md, contract 7): what `pulumi up` would do to go from the base plan's
 * resources to the new plan's, and what real Azure would refuse or lose on the way.
 *
 * It mirrors the engine: resources are matched by URN, or through an alias the new registration
 * declares; only inputs count, leaf by leaf, with `ignoreChanges` applied; a change of a force-new
 * property (`review/replace.ts`) or of a `replaceOnChanges` path is a replacement. `protect` and
 * `retainOnDelete` are read from the base plan for what leaves the stack (they are what the
 * engine's state holds), from the new plan for what stays.
 */
export function comparePlans(formerBase: PlanReport, next: PlanReport): PlanComparison {
  const base = withEngineUrns(formerBase);
  const before = base.resources.filter(isProviderResource);
  const after = next.resources.filter(isProviderResource);
  const { pairs, created, deleted } = matchResources(before, after);
  const ctx = reviewContext(base, next);

  const changes: ResourceChange[] = [];
  for (const n of created) changes.push(createChange(n));
  for (const [b, n] of pairs) {
    const change = pairChange(b, n, ctx);
    if (change) changes.push(change);
  }
  for (const b of deleted) changes.push(deleteChange(b, ctx));
  changes.sort((x, y) => compareText(x.urn, y.urn) || compareText(x.action, y.action));

  const renamed = new Map(
    pairs.filter(([b, n]) => b.urn !== n.urn).map(([b, n]) => [b.urn, n.urn]),
  );
  const risks = changes.flatMap((c) => c.risks);
  return {
    changes,
    access: diffAccess(base.access ?? [], next.access ?? []),
    violations: diffFindings(base, next, renamed),
    summary: {
      create: changes.filter((c) => c.action === "create").length,
      update: changes.filter((c) => c.action === "update").length,
      replace: changes.filter((c) => c.action === "replace").length,
      delete: changes.filter((c) => c.action === "delete").length,
      risks: {
        mandatory: risks.filter((r) => r.level === "mandatory").length,
        advisory: risks.filter((r) => r.level === "advisory").length,
      },
    },
  };
}

/** True when the comparison holds a risk that stops a real deploy (the plan exits 1). */
export function hasMandatoryRisk(c: PlanComparison): boolean {
  return c.summary.risks.mandatory > 0;
}

/** Why `value` is not a plan report `npm run plan -- --json` wrote, or undefined when it is one. */
export function planReportProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "it is not a JSON object";
  }
  const r = value as Record<string, unknown>;
  for (const k of ["project", "stack", "environment"]) {
    if (typeof r[k] !== "string") return `it has no "${k}" string`;
  }
  for (const k of ["resources", "policyViolations", "access"]) {
    if (!Array.isArray(r[k])) return `it has no "${k}" list`;
  }
  const bad = (r.resources as unknown[]).findIndex(
    (x) =>
      typeof x !== "object" ||
      x === null ||
      typeof (x as Record<string, unknown>).urn !== "string" ||
      typeof (x as Record<string, unknown>).type !== "string" ||
      typeof (x as Record<string, unknown>).inputs !== "object",
  );
  if (bad >= 0) return `resources[${bad}] has no urn, type and inputs`;
  return undefined;
}

// --- matching ---------------------------------------------------------------------------------

/**
 * A base plan with the engine's URNs. Plans written before the offline plan wrote them named a
 * resource with its parent's own type only (the mock monitor's form); the deployed state always had
 * the engine's, so those are the same resources, not renames. Each URN is rebuilt from the
 * resource's parent chain, and every string of the plan equal to a former URN follows; a plan that
 * has the engine's URNs already comes back equal.
 */
function withEngineUrns(plan: PlanReport): PlanReport {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const rebuilt = new Map<string, string>();
  const urnOf = (r: ReportResource, depth = 0): string => {
    const known = rebuilt.get(r.urn);
    if (known !== undefined) return known;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const { stack, project } = urnParts(r.urn);
    // A parent outside the plan, or a chain deeper than any estate, keeps the URN as written.
    const urn =
      parent && depth < 64
        ? engineUrn(
            stack.replace(/^urn:pulumi:/, ""),
            project,
            urnOf(parent, depth + 1),
            r.type,
            r.name,
          )
        : r.urn;
    rebuilt.set(r.urn, urn);
    return urn;
  };
  for (const r of plan.resources) urnOf(r);
  if ([...rebuilt].every(([a, b]) => a === b)) return plan;
  const rewrite = (v: unknown): unknown => {
    if (typeof v === "string") return rebuilt.get(v) ?? v;
    if (Array.isArray(v)) return v.map(rewrite);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
    }
    return v;
  };
  return rewrite(plan) as PlanReport;
}

/** Components (this project's and the stack) register no Azure resource and never change one. */
function isProviderResource(r: ReportResource): boolean {
  const pkg = r.type.split(":")[0];
  return pkg !== "pulumi" && pkg !== "keyvault-estate";
}

function matchResources(before: readonly ReportResource[], after: readonly ReportResource[]) {
  const baseByUrn = new Map(before.map((r) => [r.urn, r]));
  const nextUrns = new Set(after.map((r) => r.urn));
  const taken = new Set<string>();
  const pairs: [ReportResource, ReportResource][] = [];
  const created: ReportResource[] = [];
  for (const n of after) {
    const same = baseByUrn.get(n.urn);
    if (same) {
      pairs.push([same, n]);
      taken.add(same.urn);
      continue;
    }
    // The engine treats a registration whose alias names a resource of the old state as that
    // resource, renamed or re-parented: no delete, no create.
    const old = aliasUrns(n)
      .map((u) => baseByUrn.get(u))
      .find((b) => b !== undefined && !nextUrns.has(b.urn) && !taken.has(b.urn));
    if (old) {
      pairs.push([old, n]);
      taken.add(old.urn);
    } else {
      created.push(n);
    }
  }
  const deleted = before.filter((b) => !taken.has(b.urn));
  return { pairs, created, deleted };
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` split into its four parts. */
function urnParts(urn: string): { stack: string; project: string; chain: string; name: string } {
  const [stack, project, chain, ...name] = urn.split("::");
  return { stack, project, chain, name: name.join("::") };
}

/** A declared alias as a plan records it: the old URN, or the parts of it that differ. */
type AliasLike =
  string | { readonly name?: string; readonly type?: string; readonly parent?: string | null };

/** The old URNs a resource's declared aliases stand for. */
export function aliasUrns(r: {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly aliases?: readonly AliasLike[];
}): string[] {
  const { stack, project } = urnParts(r.urn);
  return (r.aliases ?? []).map((a) => {
    if (typeof a === "string") return a;
    const type = a.type ?? r.type;
    const parent = a.parent === undefined ? r.parent : a.parent;
    const chain = parent ? `${urnParts(parent).chain}$${type}` : type;
    return `${stack}::${project}::${chain}::${a.name ?? r.name}`;
  });
}

// --- per-resource changes ---------------------------------------------------------------------

interface ReviewContext {
  readonly environment: string;
  /** CanNotDelete (or ReadOnly) locks of the base plan. */
  readonly locks: readonly LockInfo[];
  /** Base vaults by physical name. */
  readonly vaults: ReadonlyMap<string, ReportResource>;
}

function reviewContext(base: PlanReport, next: PlanReport): ReviewContext {
  const lockKey = (r: ReportResource) =>
    `${String(r.inputs.scope).toLowerCase()}|${String(r.inputs.lockName)}`;
  const isLock = (r: ReportResource) =>
    r.type === TOKENS.lock && (r.inputs.level === "CanNotDelete" || r.inputs.level === "ReadOnly");
  const nextLocks = new Set(next.resources.filter(isLock).map(lockKey));
  const locks = base.resources
    .filter((r) => isLock(r) && typeof r.inputs.scope === "string")
    .map((r) => ({
      name: r.name,
      scope: r.inputs.scope as string,
      lockName: String(r.inputs.lockName),
      remains: nextLocks.has(lockKey(r)),
      dependsOn: r.dependsOn ?? [],
    }));
  const vaults = new Map(
    base.resources
      .filter((r) => r.type === TOKENS.vault && typeof r.inputs.vaultName === "string")
      .map((r) => [r.inputs.vaultName as string, r]),
  );
  return { environment: next.environment, locks, vaults };
}

function createChange(n: ReportResource): ResourceChange {
  const notes: string[] = [];
  const props = n.inputs.properties as Record<string, unknown> | undefined;
  if (
    (n.type === TOKENS.vault || n.type === TOKENS.managedHsm) &&
    props?.createMode === "recover"
  ) {
    notes.push(
      `Recovers the soft-deleted ${n.type === TOKENS.vault ? "vault" : "Managed HSM"} \`${String(n.inputs.vaultName ?? n.inputs.name)}\` with its contents (createMode: recover); the deploy fails if no deleted one of that name exists in the location.`,
    );
  }
  return {
    urn: n.urn,
    type: n.type,
    name: n.name,
    action: "create",
    properties: allLeaves(n.inputs, "after"),
    risks: [],
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function pairChange(
  b: ReportResource,
  n: ReportResource,
  ctx: ReviewContext,
): ResourceChange | undefined {
  const effective: PropertyChange[] = [];
  const ignored: PropertyChange[] = [];
  for (const d of diffLeaves(b.inputs, n.inputs)) {
    if (!coveredBy(d.path, n.ignoreChanges ?? [])) effective.push(d);
    else if (!isDateDrift(n.type, d)) ignored.push({ ...d, ignored: true });
  }
  if (effective.length === 0 && ignored.length === 0) return undefined;
  const renamed = b.urn !== n.urn ? { renamedFrom: b.urn } : {};
  const reasons = replaceReasons(
    n.type,
    effective.map((p) => p.path),
    n.replaceOnChanges ?? [],
  );
  const properties = [...effective, ...ignored].sort((x, y) => compareText(x.path, y.path));
  if (reasons.length === 0) {
    return {
      urn: n.urn,
      type: n.type,
      name: n.name,
      action: "update",
      ...renamed,
      properties,
      risks: sortRisks(immutableRisks(n.type, properties)),
    };
  }
  const risks: Risk[] = [];
  if (b.protect || n.protect) risks.push(protectedRisk("replace"));
  risks.push(...leavingRisks(b, ctx));
  return {
    urn: n.urn,
    type: n.type,
    name: n.name,
    action: "replace",
    ...renamed,
    properties,
    replaceBecause: reasons,
    deleteBeforeReplace: n.deleteBeforeReplace === true,
    risks: sortRisks(risks),
  };
}

function deleteChange(b: ReportResource, ctx: ReviewContext): ResourceChange {
  const risks: Risk[] = [];
  if (b.protect) risks.push(protectedRisk("delete"));
  risks.push(...leavingRisks(b, ctx));
  return {
    urn: b.urn,
    type: b.type,
    name: b.name,
    action: "delete",
    properties: allLeaves(b.inputs, "before"),
    risks: sortRisks(risks),
  };
}

/** What deleting the base resource `b` (alone, or as the old half of a replacement) meets. */
function leavingRisks(b: ReportResource, ctx: ReviewContext): Risk[] {
  if (b.retainOnDelete) {
    const props = b.inputs.properties as { attributes?: { enabled?: unknown } } | undefined;
    return [retainedRisk(b.type, props?.attributes?.enabled)];
  }
  const risks: Risk[] = [];
  const id = (b.id ?? "").toLowerCase();
  const lock = ctx.locks.find((l) => {
    const scope = l.scope.toLowerCase();
    const under = id !== "" && (id === scope || id.startsWith(`${scope}/`));
    // A delete the lock's own removal precedes (its vault) never meets the lock.
    const after = !l.remains && l.dependsOn.includes(b.urn);
    return b.type !== TOKENS.lock && !dataPlaneDelete(b.type) && under && !after;
  });
  if (lock) risks.push(lockedScopeRisk(b.type, lock, ctx.environment));
  const loss = dataLossRisk(b.type, ctx.environment);
  if (loss) risks.push(loss);
  if (b.type === TOKENS.key || b.type === TOKENS.secret) {
    const vault = ctx.vaults.get(String(b.inputs.vaultName));
    const props = vault?.inputs.properties as
      { publicNetworkAccess?: unknown; networkAcls?: { defaultAction?: unknown } } | undefined;
    const reachable =
      props !== undefined &&
      props.publicNetworkAccess !== "Disabled" &&
      props.networkAcls?.defaultAction !== "Deny";
    risks.push(...dataPlaneRisks(b.type, reachable));
  }
  return risks;
}

/**
 * Keys and secrets are deleted through the vault's data plane (see `dataPlaneRisks`), and a
 * management lock applies only to control-plane operations (Microsoft Learn, "Lock your
 * resources": locks apply to management-plane operations, not data-plane ones).
 */
function dataPlaneDelete(type: string): boolean {
  return type === TOKENS.key || type === TOKENS.secret;
}

const SECONDS_PER_DAY = 86_400;

/**
 * A relative expiry (`expiresInDays`) is counted from midnight UTC of the day the plan is made, so
 * two plans of one config made on different days differ there and nowhere else. The program
 * ignores that path after creation, and the engine would not touch it: it is not a change.
 */
function isDateDrift(type: string, d: PropertyChange): boolean {
  if (type !== TOKENS.key && type !== TOKENS.secret) return false;
  if (!d.path.endsWith("attributes.expires")) return false;
  const midnight = (v: unknown) => typeof v === "number" && v % SECONDS_PER_DAY === 0;
  return midnight(d.before) && midnight(d.after);
}

function sortRisks(risks: readonly Risk[]): Risk[] {
  const rank = (r: Risk) => (r.level === "mandatory" ? 0 : 1);
  return [...risks].sort((a, b) => rank(a) - rank(b));
}

// --- access and findings ----------------------------------------------------------------------

function accessKey(a: AccessEntry): string {
  const role = (a.roleDefinitionId.split("/").pop() ?? a.roleDefinitionId).toLowerCase();
  return [a.vault, a.scope, role, a.principalId.toLowerCase()].join("|");
}

function diffAccess(
  base: readonly AccessEntry[],
  next: readonly AccessEntry[],
): PlanComparison["access"] {
  const before = new Set(base.map(accessKey));
  const after = new Set(next.map(accessKey));
  return {
    granted: next.filter((a) => !before.has(accessKey(a))),
    revoked: base.filter((a) => !after.has(accessKey(a))),
  };
}

/**
 * Findings new and fixed, matched by (policy, resource) for the pack and by (definition,
 * assignment, resource) for Azure Policy: messages carry dates and day counts that move with the
 * plan's day, so they are compared only to pair several findings of one key.
 */
function diffFindings(
  base: PlanReport,
  next: PlanReport,
  renamed: ReadonlyMap<string, string>,
): PlanComparison["violations"] {
  const urn = (u: string | undefined) => (u ? (renamed.get(u) ?? u) : "");
  const packKey = (v: PolicyViolation, map: boolean) =>
    `pack|${v.policy}|${map ? urn(v.urn) : (v.urn ?? "")}`;
  const azureKey = (f: AzurePolicyFinding, map: boolean) =>
    `azure|${f.definitionId}|${f.assignment ?? ""}|${map ? urn(f.urn) : (f.urn ?? "")}`;
  const key = (f: Finding, map: boolean) =>
    "policy" in f && typeof f.policy === "string"
      ? packKey(f as PolicyViolation, map)
      : azureKey(f as AzurePolicyFinding, map);
  const both = azurePolicyFindings(base) !== undefined && azurePolicyFindings(next) !== undefined;
  const baseFindings: Finding[] = [
    ...(base.policyViolations ?? []),
    ...(both ? (azurePolicyFindings(base) ?? []) : []),
  ];
  const nextFindings: Finding[] = [
    ...(next.policyViolations ?? []),
    ...(both ? (azurePolicyFindings(next) ?? []) : []),
  ];
  const remaining = new Map<string, Finding[]>();
  for (const f of baseFindings) {
    const k = key(f, true);
    remaining.set(k, [...(remaining.get(k) ?? []), f]);
  }
  const added: Finding[] = [];
  for (const f of nextFindings) {
    const list = remaining.get(key(f, false)) ?? [];
    const i = Math.max(
      list.findIndex((x) => x.message === f.message),
      list.length > 0 ? 0 : -1,
    );
    if (i >= 0) list.splice(i, 1);
    else added.push(f);
  }
  return { new: added, fixed: [...remaining.values()].flat() };
}

/** A report's Azure Policy findings, when the plan evaluated Azure Policy. */
function azurePolicyFindings(report: PlanReport): AzurePolicyFinding[] | undefined {
  const section = (report as unknown as { azurePolicy?: { findings?: unknown } }).azurePolicy;
  return Array.isArray(section?.findings) ? (section.findings as AzurePolicyFinding[]) : undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
