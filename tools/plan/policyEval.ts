import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import type { Resource, Unwrap } from "@pulumi/pulumi";
import type * as q from "@pulumi/pulumi/queryable";
import { withClock } from "../../policies/lib/clock";
import { parsePolicyConfig, type PolicyConfigEntry } from "../../policies/lib/configValidation";
import { flattenControls, type EstatePolicy } from "../../policies/lib/policy";
import { policies as packPolicies } from "../../policies/pack";
import type { PlannedResource, PolicyViolation } from "../contract/plan";

/**
 * Runs the pack's resource and stack policies over a plan the way the @pulumi/policy analyzer
 * does (server.js): level = config override || policy default; `disabled` skips the policy,
 * `remediate` reports as mandatory; resource policies see each resource's inputs, stack policies
 * every non-provider resource with parent, dependencies and propertyDependencies as objects.
 */
export interface EvaluateOptions {
  /** The instant lifetime policies treat as "now" (defaults to the wall clock). */
  readonly now?: Date | number;
  /** The policies to run; defaults to the whole pack (tests pass variants). */
  readonly policies?: readonly EstatePolicy[];
}

class NotApplicableError extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicableError(reason ?? "Policy does not apply");
}

function pulumiTypeOf(resourceClass: object): string | undefined {
  const type: unknown = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  return typeof type === "string" && type.length > 0 ? type : undefined;
}

function isTypeOf(type: string, resourceClass: object): boolean {
  const pulumiType = pulumiTypeOf(resourceClass);
  if (pulumiType) return type === pulumiType;
  const isInstance: unknown = (resourceClass as { isInstance?: unknown }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function options(r: PlannedResource): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

function resourceArgs(r: PlannedResource, getConfig: () => object): ResourceValidationArgs {
  const props: Record<string, unknown> = { ...r.inputs };
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: options(r),
    stackTags: new Map(),
    isType: (resourceClass: object) => isTypeOf(r.type, resourceClass),
    asType: <TResource extends Resource, TArgs>(resourceClass: {
      new (name: string, args: TArgs, ...rest: never[]): TResource;
    }) => (isTypeOf(r.type, resourceClass) ? (props as Unwrap<NonNullable<TArgs>>) : undefined),
    getConfig: <T extends object>() => getConfig() as T,
    notApplicable,
  };
}

/** The stack view: every non-provider resource, linked to its parent and dependencies. */
export function stackResources(resources: readonly PlannedResource[]): PolicyResource[] {
  const planned = resources.filter((r) => !r.type.startsWith("pulumi:providers:"));
  const byUrn = new Map<string, PolicyResource>();
  const built = planned.map((r) => {
    const props: Record<string, unknown> = { ...r.inputs };
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass: object) => isTypeOf(r.type, resourceClass),
      asType: <TResource extends Resource>(resourceClass: object) =>
        isTypeOf(r.type, resourceClass) ? (props as q.ResolvedResource<TResource>) : undefined,
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  const resolve = (urns: readonly string[]) =>
    urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
  planned.forEach((r, i) => {
    const resource = built[i];
    const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
    if (parent) resource.parent = parent;
    resource.dependencies = resolve(r.dependsOn);
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      resource.propertyDependencies[key] = resolve(urns);
    }
  });
  return built;
}

function isUnknownValueError(e: unknown): e is Error {
  return e instanceof Error && "unknownTypeSentinel" in e;
}

function assertSync(policy: string, result: unknown): void {
  if (typeof (result as { then?: unknown } | undefined)?.then === "function") {
    throw new Error(
      `Policy '${policy}' is asynchronous; the offline evaluator runs synchronous policies only.`,
    );
  }
}

function levelOf(
  policy: EstatePolicy,
  config: ReadonlyMap<string, PolicyConfigEntry>,
): EnforcementLevel {
  return config.get(policy.name)?.enforcementLevel || policy.enforcementLevel || "advisory";
}

function compare(a: PolicyViolation, b: PolicyViolation): number {
  const keys = (v: PolicyViolation) => [v.policy, v.urn ?? "", v.message];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return 0;
}

function run(
  resources: readonly PlannedResource[],
  config: ReadonlyMap<string, PolicyConfigEntry>,
  pack: readonly EstatePolicy[],
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const stack = stackResources(resources);
  for (const policy of pack) {
    let level = levelOf(policy, config);
    if (level === "disabled") continue;
    if (level === "remediate") level = "mandatory";
    const enforcementLevel = level;
    const controls = flattenControls(policy.controls);
    const getConfig = () => ({ ...(config.get(policy.name)?.properties ?? {}) });
    const guard = (fn: () => unknown, urn?: string) => {
      try {
        assertSync(policy.name, fn());
      } catch (e) {
        if (e instanceof NotApplicableError) return;
        if (isUnknownValueError(e)) {
          const message = `can't run policy '${policy.name}' during preview: ${e.message}`;
          violations.push({
            policy: policy.name,
            enforcementLevel: "advisory",
            ...(urn ? { urn } : {}),
            message,
            controls,
          });
          return;
        }
        const reason = e instanceof Error ? e.message : String(e);
        throw new Error(
          `Error validating ${urn ?? "the stack"} with policy '${policy.name}': ${reason}`,
        );
      }
    };
    if ("validateResource" in policy) {
      const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
      const onlyType = pulumiTypeOf(policy.validateResource);
      for (const r of resources) {
        if (r.type.startsWith("pulumi:providers:")) continue;
        if (onlyType !== undefined && r.type !== onlyType) continue;
        const report: ReportViolation = (message) =>
          violations.push({ policy: policy.name, enforcementLevel, urn: r.urn, message, controls });
        for (const validate of validations) {
          guard(() => validate(resourceArgs(r, getConfig), report), r.urn);
        }
      }
    } else {
      const args: StackValidationArgs = {
        resources: stack,
        stackTags: new Map(),
        getConfig: <T extends object>() => getConfig() as T,
        notApplicable,
      };
      const report: ReportViolation = (message, urn) =>
        violations.push({
          policy: policy.name,
          enforcementLevel,
          ...(urn ? { urn } : {}),
          message,
          controls,
        });
      guard(() => policy.validateStack(args, report));
    }
  }
  return violations.sort(compare);
}

/**
 * Evaluates every resource and stack policy of the pack over a plan, with an environment's policy
 * config (the `--policy-pack-config` format). Throws when the config names an unknown policy or a
 * bad setting. The result is sorted by policy, URN and message.
 */
export function evaluatePolicies(
  resources: readonly PlannedResource[],
  policyConfig: Record<string, unknown>,
  opts: EvaluateOptions = {},
): PolicyViolation[] {
  const pack = opts.policies ?? packPolicies;
  const config = parsePolicyConfig(policyConfig, pack);
  if (opts.now === undefined) return run(resources, config, pack);
  const at = opts.now instanceof Date ? opts.now.getTime() : opts.now;
  return withClock(at, () => run(resources, config, pack));
}
