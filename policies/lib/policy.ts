import type {
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";

/** The external controls a policy implements. */
export interface Controls {
  /** Azure Policy built-in definition GUIDs (the `name` of the definition). */
  readonly azurePolicy: readonly string[];
  /** Checkov check ids, e.g. `CKV_AZURE_110`. */
  readonly checkov: readonly string[];
  /** Trivy (defsec) ids without the `AVD-` prefix, e.g. `AZU-0016`. */
  readonly trivy: readonly string[];
  /** CIS Microsoft Azure Foundations Benchmark recommendation numbers (v2.0.0 numbering). */
  readonly cis: readonly string[];
  /** True only for keyvault-estate's own rules, which implement no external control. */
  readonly ownPolicy: boolean;
}

type DefaultLevel = "advisory" | "mandatory";

interface Metadata {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly remediationSteps: string;
  readonly enforcementLevel: DefaultLevel;
  readonly controls: Controls;
  readonly configSchema?: PolicyConfigSchema;
}

export type EstateResourcePolicy = ResourceValidationPolicy &
  Metadata & { readonly validateResource: ResourceValidation };
export type EstateStackPolicy = StackValidationPolicy & Metadata;
export type EstatePolicy = EstateResourcePolicy | EstateStackPolicy;

export function controls(ids: Partial<Omit<Controls, "ownPolicy">>): Controls {
  return {
    azurePolicy: ids.azurePolicy ?? [],
    checkov: ids.checkov ?? [],
    trivy: ids.trivy ?? [],
    cis: ids.cis ?? [],
    ownPolicy: false,
  };
}

export const OWN_POLICY: Controls = {
  azurePolicy: [],
  checkov: [],
  trivy: [],
  cis: [],
  ownPolicy: true,
};

/** Control ids flattened for reports: `AzurePolicy:<guid>`, `CKV_…`, `AZU-…`, `CIS <n>`. */
export function flattenControls(c: Controls): string[] {
  return [
    ...c.azurePolicy.map((g) => `AzurePolicy:${g}`),
    ...c.checkov,
    ...c.trivy,
    ...c.cis.map((n) => `CIS ${n}`),
  ];
}

type TypedValidation<TArgs> = (
  props: Unwrap<NonNullable<TArgs>>,
  args: ResourceValidationArgs,
  reportViolation: ReportViolation,
) => void;

/**
 * Like `validateResourceOfType`, keyed by type token so the pack never loads the azure-native SDK at
 * run time; `__pulumiType` lets the analyzer skip other types exactly as it does for SDK classes.
 */
export function validateTyped<TArgs>(type: string, validate: TypedValidation<TArgs>) {
  const fn: ResourceValidation = (args, reportViolation) => {
    if (args.type !== type) {
      args.notApplicable(`Policy only applies to resources of type '${type}'`);
    }
    validate(args.props as Unwrap<NonNullable<TArgs>>, args, reportViolation);
  };
  return Object.assign(fn, { __pulumiType: type });
}

/** The policy's configuration with the schema's defaults filled in. */
export function configOf<T extends object>(
  args: { getConfig<U extends object>(): U },
  schema: PolicyConfigSchema,
): T {
  const defaults: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (prop.default !== undefined) defaults[key] = prop.default;
  }
  return { ...defaults, ...args.getConfig<Record<string, unknown>>() } as T;
}
