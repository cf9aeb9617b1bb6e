import type { AccessEntry, PolicyViolation } from "./plan";

/** The change review of a plan against a base plan (docs/architecture.md, contract 7). */
export interface PlanComparison {
  /** What `pulumi up` would do to each resource, in URN order; components are left out. */
  readonly changes: readonly ResourceChange[];
  /** Role assignments that appear and disappear, as the plans' access entries. */
  readonly access: {
    readonly granted: readonly AccessEntry[];
    readonly revoked: readonly AccessEntry[];
  };
  /** Policy findings (the pack's, and Azure Policy's when both plans have them) new and fixed. */
  readonly violations: { readonly new: readonly Finding[]; readonly fixed: readonly Finding[] };
  readonly summary: ComparisonSummary;
}

interface ComparisonSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  /** Risks by level, over every change. */
  readonly risks: { readonly mandatory: number; readonly advisory: number };
}

type ChangeAction = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  /** The URN in the new plan (in the base plan for a delete). */
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly action: ChangeAction;
  /** The URN the resource had in the base plan, when an alias carried it over from another one. */
  readonly renamedFrom?: string;
  /** Leaf paths that differ. Secret values are `"[secret]"`. */
  readonly properties: readonly PropertyChange[];
  /** Why a replace is a replace: the force-new or `replaceOnChanges` paths that changed. */
  readonly replaceBecause?: readonly string[];
  /** Whether the old resource is deleted before its replacement is created. */
  readonly deleteBeforeReplace?: boolean;
  readonly risks: readonly Risk[];
  /** What the deploy does besides the property changes (recovering a soft-deleted vault, …). */
  readonly notes?: readonly string[];
}

export interface PropertyChange {
  /** `properties.softDeleteRetentionInDays`, `privateLinkServiceConnections[0].groupIds`, … */
  readonly path: string;
  /** Absent when the property is new. */
  readonly before?: unknown;
  /** Absent when the property is removed. */
  readonly after?: unknown;
  /**
   * True when the path is under the resource's `ignoreChanges`: `pulumi up` leaves Azure's value
   * as it is. Listed only because the config changed it (a date drift is never listed).
   */
  readonly ignored?: true;
}

export type RiskCode =
  "protected" | "locked-scope" | "immutable" | "data-plane" | "data-loss" | "retained";

export interface Risk {
  readonly code: RiskCode;
  readonly level: "mandatory" | "advisory";
  /** What happens and what to do instead. */
  readonly message: string;
}

/** An Azure Policy finding as the report's `azurePolicy.findings` carries it. */
export interface AzurePolicyFinding {
  readonly definitionId: string;
  readonly displayName?: string;
  readonly assignment?: string;
  readonly effect?: string;
  readonly enforcement?: string;
  readonly urn?: string;
  readonly [more: string]: unknown;
}

export type Finding = PolicyViolation | AzurePolicyFinding;

export function isPackFinding(f: Finding): f is PolicyViolation {
  return typeof (f as PolicyViolation).policy === "string";
}
