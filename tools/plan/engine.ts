import * as pulumi from "@pulumi/pulumi";
import { engineUrn } from "../contract/urn";
import { azureEmulation, redact } from "./emulator";
import type { EstateOutputs } from "../../infra/components/estate";
import { PROJECT } from "../../infra/model/names";
import type { ResolvedEstate } from "../../infra/model/types";
import { estateProgram } from "../../infra/program";
import type { SecretValues } from "../../infra/sources";
import { PlannedResource } from "../contract/plan";
import {
  AliasMessage,
  decodeAlias,
  RegisterRequest,
  RegisterResponse,
  runUnderMocks,
  settleRegistrations,
  Struct,
} from "./sdk";
import { StackConfig } from "./stackFile";

/** What one in-process run of the program produced. */
export interface ProgramRun {
  readonly resources: PlannedResource[];
  /** The stack outputs, secrets as `[secret]`. */
  readonly outputs: Record<string, unknown>;
}

/** How `runProgram` runs. */
export interface RunOptions {
  /** Run as `pulumi preview` (true) or `pulumi up` (false). Defaults to false. */
  readonly preview?: boolean;
  /**
   * Test seam: sees each registration as it is recorded (so also those before a failure), with its
   * inputs as the engine received them, secrets included (secret-wrapped). The plan never sets it.
   */
  readonly observe?: (resource: PlannedResource, inputs: Record<string, unknown>) => void;
  /** Called with the number of registrations recorded so far, after each one (progress display). */
  readonly progress?: (registered: number) => void;
  /** Outputs of stacks the program reads with a `StackReference`, by stack name (`azureEmulation`). */
  readonly stackOutputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Runs `program` in-process against Pulumi's mock monitor with the Azure emulation, recording every
 * registration request as the engine would receive it (parent, dependencies, property
 * dependencies, protect, inputs). Secrets are redacted as they are recorded.
 */
export async function runProgram(
  stack: string,
  config: StackConfig,
  program: () => unknown,
  opts: RunOptions = {},
): Promise<ProgramRun> {
  // A renamed resource keeps its state, and so its generated values, under its alias: the emulation
  // seeds them from the oldest name, as the engine would read them from state.
  const formerNames = new Map<string, string>();
  const recorded: PlannedResource[] = [];
  const outputsByUrn = new Map<string, Struct>();
  const seen = new Set<string>();
  const duplicates: string[] = [];
  await runUnderMocks(
    azureEmulation(stack, (name) => formerNames.get(name) ?? name, opts.stackOutputs),
    {
      project: PROJECT,
      stack,
      preview: opts.preview ?? false,
      config,
      hooks: {
        request: (req) => {
          const former = declaredAliases(
            req.getAliasesList(),
            req.getType(),
            req.getName(),
            req.getParent(),
          );
          if (former.length > 0) {
            formerNames.set(req.getName(), former[0].slice(former[0].lastIndexOf("::") + 2));
          }
        },
        registered: (req, res) => {
          const r = record(req, res);
          // The engine refuses a second resource with the same URN ("Duplicate resource URN"),
          // so the plan does too, rather than plan a stack that cannot deploy.
          if (seen.has(r.urn)) duplicates.push(r.urn);
          seen.add(r.urn);
          recorded.push(r);
          opts.observe?.(r, pulumi.runtime.deserializeProperties(req.getObject()));
          opts.progress?.(recorded.length);
        },
        outputs: (urn, outputs) => void outputsByUrn.set(urn, outputs),
      },
    },
    () => {
      pulumi.runtime.registerStackTransformation(offlineAliases);
      return program();
    },
  );
  if (duplicates.length > 0) throw new DuplicateUrnError(duplicates[0]);

  const stackUrn = recorded.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
  const rawOutputs = stackUrn ? outputsByUrn.get(stackUrn) : undefined;
  const outputs = rawOutputs
    ? (redact(pulumi.runtime.deserializeProperties(rawOutputs)) as Record<string, unknown>)
    : {};
  recorded.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { resources: recorded, outputs };
}

/**
 * The offline run's one change to what the program registers, installed on the stack so it applies
 * to every resource; `pulumi up` and `pulumi preview` run without it and keep every alias.
 *
 * It drops the type-only aliases `@pulumi/azure-native` gives each of its resources (about 20
 * `{ type: "azure-native:<module>/v<api-version>:<Type>" }` tokens of older API versions, and old
 * module names). An alias only matters against prior state, which an offline plan never has, yet
 * each one costs the SDK several outputs and promises per resource: about half of the plan's
 * registration cost. The program's own aliases (a former `name`, a former `parent`, whole URNs)
 * are kept as they are, and `record` leaves type-only aliases out of the plan either way. (The
 * program names a former parent by its URN itself, `aliasesFor`, in `pulumi up` as here.)
 *
 * It is a stack transformation (`registerStackTransformation`), not a `registerResourceTransform`:
 * the older kind runs in the resource's constructor before its aliases are turned into URNs, so
 * the work is never done; the newer kind runs in the engine, after that (and needs the engine's
 * callback server, which the mock monitor does not offer).
 */
export function offlineAliases(
  args: pulumi.ResourceTransformationArgs,
): pulumi.ResourceTransformationResult | undefined {
  const aliases = args.opts.aliases;
  if (!aliases || aliases.length === 0) return undefined;
  const kept = aliases.filter((alias) => !isProviderTypeAlias(alias));
  return { props: args.props, opts: { ...args.opts, aliases: kept } };
}

/** A plain alias spec (not a URN, an output or a promise of one). */
function isAliasSpec(alias: unknown): alias is pulumi.Alias {
  return (
    typeof alias === "object" &&
    alias !== null &&
    !pulumi.Output.isInstance(alias) &&
    !(alias instanceof Promise)
  );
}

/** `{ type: "azure-native:…" }` and nothing else: an alias the provider adds, never the program. */
function isProviderTypeAlias(alias: unknown): boolean {
  if (!isAliasSpec(alias)) return false;
  const keys = Object.keys(alias);
  return (
    keys.length === 1 &&
    keys[0] === "type" &&
    typeof alias.type === "string" &&
    alias.type.startsWith("azure-native:")
  );
}

/** Two registrations with one URN: a program defect the real engine refuses too. */
class DuplicateUrnError extends Error {
  constructor(readonly urn: string) {
    super(`two resources share the URN ${urn}; the engine refuses a duplicate URN`);
    this.name = "DuplicateUrnError";
  }
}

function record(req: RegisterRequest, res: RegisterResponse): PlannedResource {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    const urns = [...new Set(deps.getUrnsList())].sort();
    if (urns.length > 0) propertyDependencies[key] = urns;
  });
  const sortedKeys = Object.keys(propertyDependencies).sort();
  const parent = req.getParent();
  return {
    urn: res.getUrn(),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    ...(parent ? { parent } : {}),
    dependsOn: [...new Set(req.getDependenciesList())].sort(),
    propertyDependencies: Object.fromEntries(sortedKeys.map((k) => [k, propertyDependencies[k]])),
    protect: req.getProtect(),
    ignoreChanges: [...req.getIgnorechangesList()].sort(),
    retainOnDelete: req.getRetainondelete(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    replaceOnChanges: [...req.getReplaceonchangesList()].sort(),
    aliases: declaredAliases(req.getAliasesList(), req.getType(), req.getName(), parent),
    inputs: redact(deserializeRedacted(req.getObject())) as Record<string, unknown>,
    outputs: {
      ...(redact(deserializeRedacted(res.getObject())) as Record<string, unknown>),
      ...(res.getId() ? { id: res.getId() } : {}),
    },
  };
}

/**
 * Deserializes a struct with each secret replaced by the placeholder where it sits. Deserializing
 * first would mark a whole top-level property secret when one nested field is (a Secret's
 * `properties.value`), hiding the fields reviewers and policies read (`properties.contentType`,
 * `properties.attributes.expires`), as `pulumi.runtime.deserializeProperties` does.
 */
function deserializeRedacted(struct: Struct): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(struct.toJavaScript())) {
    if (v !== undefined) props[k] = pulumi.runtime.deserializeProperty(redact(v));
  }
  return props;
}

/**
 * The aliases the program declared, as the old URNs they stand for. azure-native gives every
 * resource ~20 type-only aliases (its older API-version tokens); those say nothing about this
 * program's history and are left out.
 */
function declaredAliases(
  list: readonly AliasMessage[],
  type: string,
  name: string,
  currentParent: string,
): string[] {
  const out: string[] = [];
  for (const message of list) {
    const a = decodeAlias(message);
    if ("urn" in a) {
      if (a.urn) out.push(a.urn);
      continue;
    }
    // The SDK fills in the current parent on every spec; only another one is a re-parenting.
    const parentUrn = a.noParent ? "" : a.parentUrn || currentParent;
    if (!a.name && parentUrn === currentParent) continue;
    out.push(urnOf(a.type || type, a.name || name, parentUrn));
  }
  return out.sort();
}

/** A URN as the engine builds it (`engineUrn`), in this run's stack and project. */
function urnOf(type: string, name: string, parentUrn: string): string {
  return engineUrn(pulumi.runtime.getStack(), PROJECT, parentUrn || undefined, type, name);
}

/**
 * The program as the offline plan runs it (`runProgram`'s `program`): the real program
 * (`estateProgram`) on the stack file's config and the plan's day, with every env and config
 * source a secret placeholder (`offlineSecretValues`), built vault by vault: it lets each vault's
 * registrations finish (`settleRegistrations`) before it builds the next, so the pending work of
 * a large estate is never all alive at once (README, "Development"). Under the mock monitor every
 * registration is answered at once, so this never waits on Azure.
 */
export function planProgram(config: StackConfig, now: Date): () => Promise<EstateOutputs> {
  return async () => {
    const steps = estateProgram({
      config: config.flat,
      secretKeys: config.secretKeys,
      now,
      secretValues: offlineSecretValues,
    });
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await settleRegistrations();
    }
  };
}

/** What the offline plan stores instead of a value: a secret, and obviously not a credential. */
const OFFLINE_PLACEHOLDER = "offline-plan-placeholder-not-a-value";

/**
 * The secret values of the offline plan: no value is read at all; every env and config source is a
 * secret placeholder (which sources the pipeline provides is the report's `requiredInputs`).
 * Refused outside a dry run, so a placeholder can never be deployed.
 */
export function offlineSecretValues(estate: ResolvedEstate): SecretValues {
  if (!pulumi.runtime.isDryRun()) {
    throw new pulumi.RunError(
      "offline secret placeholders are only for a dry run (the offline plan); refusing to deploy them",
    );
  }
  const values: Record<string, Record<string, pulumi.Output<string>>> = {};
  for (const ref of estate.secretSources) {
    (values[ref.vault] ??= {})[ref.secret] = pulumi.secret(OFFLINE_PLACEHOLDER);
  }
  return values;
}
