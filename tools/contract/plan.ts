import type { AzurePolicyReport } from "../azure-policy";
import type { PlanComparison } from "./review";

/**
 * The shape of one resource as the offline plan records it. The plan's mock monitor captures these
 * from the real registration requests the program sends, so they carry the same parent, dependency
 * and property-dependency edges the Pulumi engine would see.
 */
export interface PlannedResource {
  /** The resource's URN, as the engine would build it (`urn:pulumi:<stack>::<project>::<type chain>::<name>`). */
  readonly urn: string;
  /** The type token, e.g. `azure-native:keyvault:Vault`. */
  readonly type: string;
  /** The Pulumi logical name. */
  readonly name: string;
  /** True for provider-managed (custom) resources, false for components. */
  readonly custom: boolean;
  /** The parent's URN, when the resource has one (the stack itself has none). */
  readonly parent?: string;
  /** Every resource this one depends on (explicit `dependsOn` and input dependencies), as URNs, sorted. */
  readonly dependsOn: readonly string[];
  /** For each input property, the URNs of the resources its value came from, sorted. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Whether the resource has `protect: true`. */
  readonly protect: boolean;
  /** The `ignoreChanges` paths, as registered (what `pulumi up` will not update after creation). */
  readonly ignoreChanges: readonly string[];
  /** `retainOnDelete: true`: leaving the program leaves the resource in Azure. */
  readonly retainOnDelete: boolean;
  /** `deleteBeforeReplace: true`: a replacement deletes the old resource first. */
  readonly deleteBeforeReplace: boolean;
  /** `replaceOnChanges` paths: changes there replace instead of updating. */
  readonly replaceOnChanges: readonly string[];
  /**
   * The old URNs of the aliases the program declared (renames, re-parenting), sorted. The
   * API-version type aliases azure-native adds to every resource are left out: they carry no
   * information about this program's history.
   */
  readonly aliases: readonly string[];
  /** The inputs, plain JSON. Every secret value is replaced by the string `"[secret]"`. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The outputs the emulated provider returned (ids, names, URIs). Secrets are `"[secret]"`. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** One policy finding, as the plan's reports carry it. */
export interface PolicyViolation {
  readonly policy: string;
  readonly enforcementLevel: "advisory" | "mandatory";
  /** The URN of the offending resource; absent for a stack-level finding not tied to one resource. */
  readonly urn?: string;
  readonly message: string;
  readonly controls: readonly string[];
}

/** The placeholder every secret value becomes in a plan. */
export const SECRET_PLACEHOLDER = "[secret]";

/** One cost note: what is charged, on which resource, in words. */
export interface CostNote {
  /** `managed-hsm-hourly`: a pool billed per hour; `hsm-keys`: per-version monthly HSM key charges. */
  readonly kind: "managed-hsm-hourly" | "hsm-keys";
  /** The resource the charge is attached to: the pool, or the vault holding the keys. */
  readonly urn: string;
  /** The pool's or vault's Pulumi name. */
  readonly subject: string;
  readonly message: string;
}

/**
 * One row of the access matrix: who can do what, where. The plan report's `access` and the change
 * review's granted and revoked lists carry these rows.
 */
export interface AccessEntry {
  readonly principalId: string;
  readonly principalType: string;
  readonly role: string;
  readonly roleDefinitionId: string;
  /** The scope in config words: `vault`, `secret/<name>`, `key/<name>`. */
  readonly scope: string;
  readonly vault: string;
  /** The assignment's GUID name (UUIDv5 of scope, principal and role). */
  readonly roleAssignmentName: string;
  /** The resolved ARM id of the scope. */
  readonly scopeId: string;
  readonly description?: string;
  readonly condition?: string;
  /** What a reviewer should look at: raw role GUIDs, broad roles at vault scope, undeclared grants. */
  readonly notes: readonly string[];
}

/** An input the pipeline must provide for `pulumi up` (a secret's source). Names only, never values. */
export interface RequiredInput {
  readonly kind: "env" | "config";
  readonly name: string;
  readonly vault: string;
  readonly secret: string;
  /** Whether the input was available to this plan run. */
  readonly present: boolean;
}

/** The plan report (docs/architecture.md, contract 5). Same inputs give byte-identical JSON. */
export interface PlanReport {
  readonly project: string;
  readonly stack: string;
  readonly environment: string;
  readonly summary: {
    readonly resources: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly vaults: number;
    readonly policyViolations: { readonly mandatory: number; readonly advisory: number };
    readonly requiredInputs: number;
    readonly missingInputs: number;
  };
  readonly resources: readonly ReportResource[];
  readonly policyViolations: readonly PolicyViolation[];
  readonly access: readonly AccessEntry[];
  readonly requiredInputs: readonly RequiredInput[];
  readonly outputs: Readonly<Record<string, unknown>>;
  /** With `--compare`: the change review against the base plan (docs/architecture.md, contract 7). */
  readonly comparison?: PlanComparison;
  /** With `--azure-policy`: the organisation's Azure Policy evaluated against the plan. */
  readonly azurePolicy?: AzurePolicyReport;
  /** Charges that start with a resource: a Managed HSM pool per hour, HSM keys per version. */
  readonly costNotes?: readonly CostNote[];
}

/**
 * One resource of the plan report: what the plan recorded, less what the report leaves out
 * (whether it is a component, the per-property dependencies and the outputs), plus its ARM id.
 */
export interface ReportResource extends Omit<
  PlannedResource,
  "custom" | "propertyDependencies" | "outputs"
> {
  readonly id?: string;
}
