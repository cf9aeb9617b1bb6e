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
