import * as pulumi from "@pulumi/pulumi";
import { azureEmulation, redact } from "./emulator";
import { PROJECT } from "../../infra/model/names";
import { PlannedResource } from "../contract/plan";
import { StackConfig } from "./stackFile";

/** What one in-process run of the program produced. */
export interface ProgramRun {
  readonly resources: PlannedResource[];
  /** The stack outputs, secrets as `[secret]`. */
  readonly outputs: Record<string, unknown>;
}

type Struct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];

/** The mock monitor's registration request, as far as the plan reads it. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getReplaceonchangesList(): string[];
  getAliasesList(): AliasMessage[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getObject(): Struct;
}

/** `pulumirpc.Alias`: a whole URN, or a spec of the parts that differ. */
interface AliasMessage {
  getUrn(): string;
  hasSpec(): boolean;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

interface Monitor {
  registerResource(req: RegisterRequest, cb: (err: unknown, res?: unknown) => void): Promise<void>;
  registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): Struct },
    cb: (err: unknown, res?: unknown) => void,
  ): void;
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
  await pulumi.runtime.setMocks(
    azureEmulation(stack, (name) => formerNames.get(name) ?? name, opts.stackOutputs),
    PROJECT,
    stack,
    opts.preview ?? false,
  );
  pulumi.runtime.setAllConfig(config.flat, [...config.secretKeys]);

  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  const recorded: PlannedResource[] = [];
  const outputsByUrn = new Map<string, Struct>();

  const seen = new Set<string>();
  const duplicates: string[] = [];
  monitor.registerResource = (req, cb) => {
    const former = declaredAliases(
      req.getAliasesList(),
      req.getType(),
      req.getName(),
      engineUrn(req.getParent()),
    );
    if (former.length > 0) {
      formerNames.set(req.getName(), former[0].slice(former[0].lastIndexOf("::") + 2));
    }
    return register(req, (err, res) => {
      if (!err && res) {
        const r = record(req, res as RegisterResponse);
        // The engine refuses a second resource with the same URN ("Duplicate resource URN"), so
        // the plan does too, rather than plan a stack that cannot deploy.
        if (seen.has(r.urn)) duplicates.push(r.urn);
        seen.add(r.urn);
        recorded.push(r);
        opts.observe?.(r, pulumi.runtime.deserializeProperties(req.getObject()));
        opts.progress?.(recorded.length);
      }
      cb(err, res);
    });
  };
  monitor.registerResourceOutputs = (req, cb) => {
    outputsByUrn.set(req.getUrn(), req.getOutputs());
    registerOutputs(req, cb);
  };

  // The SDK keeps a stack trace of every promise it makes, for a leak report the plan never shows
  // (`debuggablePromise` in @pulumi/pulumi/runtime/debuggable.js reads `new Error().stack`), and
  // ts-node source-maps every frame of each: four fifths of the program's run at 50 vaults. They are
  // captured empty while the program runs. (The call site `Resource` sends the engine is taken
  // at the SDK's own limit, and the offline plan records none.)
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(offlineAliases);
      return program();
    });
  } finally {
    // Wait for every registration, including those no output depends on.
    await pulumi.runtime.disconnect();
    Error.stackTraceLimit = stackTraceLimit;
  }
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
 * - It drops the type-only aliases `@pulumi/azure-native` gives each of its resources (about 20
 *   `{ type: "azure-native:<module>/v<api-version>:<Type>" }` tokens of older API versions, and old
 *   module names). An alias only matters against prior state, which an offline plan never has, yet
 *   each one costs the SDK several outputs and promises per resource: about half of the plan's
 *   registration cost. The program's own aliases (a former `name`, a former `parent`, whole URNs)
 *   are kept, and `record` leaves type-only aliases out of the plan either way.
 * - It hands a former parent to the SDK as that parent's URN (`Alias.parent` takes a resource or a
 *   URN, and the engine receives the same alias spec). Given a resource, the SDK walks everything
 *   reachable from it each time it checks the alias for unknown values (`containsUnknowns` in
 *   `@pulumi/pulumi/output.js`), and through the parent chain that is the whole estate: plan time
 *   grew with the square of the number of vaults.
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
  const kept: pulumi.Input<string | pulumi.Alias>[] = [];
  for (const alias of aliases) {
    if (isProviderTypeAlias(alias)) continue;
    const parent = isAliasSpec(alias) ? alias.parent : undefined;
    kept.push(
      pulumi.Resource.isInstance(parent)
        ? { ...(alias as pulumi.Alias), parent: parent.urn }
        : alias,
    );
  }
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
export class DuplicateUrnError extends Error {
  constructor(readonly urn: string) {
    super(`two resources share the URN ${urn}; the engine refuses a duplicate URN`);
    this.name = "DuplicateUrnError";
  }
}

interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): Struct;
}

/**
 * A URN as the real engine writes it. The mock monitor qualifies the stack's direct children with
 * the stack's type (`pulumi:pulumi:Stack$…`); the engine leaves the root stack type out
 * (`resource.NewURN`), and aliases, state and `pulumi import` use its form.
 */
function engineUrn(urn: string): string {
  return urn.replace("::pulumi:pulumi:Stack$", "::");
}

function record(req: RegisterRequest, res: RegisterResponse): PlannedResource {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    const urns = [...new Set(deps.getUrnsList().map(engineUrn))].sort();
    if (urns.length > 0) propertyDependencies[key] = urns;
  });
  const sortedKeys = Object.keys(propertyDependencies).sort();
  const parent = engineUrn(req.getParent());
  return {
    urn: engineUrn(res.getUrn()),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    ...(parent ? { parent } : {}),
    dependsOn: [...new Set(req.getDependenciesList().map(engineUrn))].sort(),
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
  for (const a of list) {
    if (a.getUrn()) {
      out.push(engineUrn(a.getUrn()));
      continue;
    }
    const spec = a.hasSpec() ? a.getSpec() : undefined;
    if (!spec) continue;
    // The SDK fills in the current parent on every spec; only another one is a re-parenting.
    const parentUrn = spec.getNoparent() ? "" : engineUrn(spec.getParenturn()) || currentParent;
    if (!spec.getName() && parentUrn === currentParent) continue;
    out.push(urnOf(spec.getType() || type, spec.getName() || name, parentUrn));
  }
  return out.sort();
}

/**
 * A URN as the engine builds it: the parent's own type (the last of its qualified type) joined to
 * the resource's type; the stack adds none.
 */
function urnOf(type: string, name: string, parentUrn: string): string {
  const prefix = `urn:pulumi:${pulumi.runtime.getStack()}::${PROJECT}::`;
  const parentType = parentUrn.startsWith(prefix)
    ? parentUrn.slice(prefix.length, parentUrn.lastIndexOf("::")).split("$").pop()
    : undefined;
  const qualified =
    parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `${prefix}${qualified}::${name}`;
}

/**
 * Resolves once every registration the program has started so far has been answered. The SDK
 * tracks its outstanding resource operations and waits for them on disconnect (`waitForRPCs` in
 * `@pulumi/pulumi/runtime/settings`, marked internal and absent from its type declarations); the
 * offline plan waits for them between vaults (`MainOptions.settle`), so the pending work of a large
 * estate is never all alive at once. Under the mock monitor every registration is answered at
 * once, so this never waits on Azure.
 */
export function settleRegistrations(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs?: () => Promise<void>;
  };
  if (typeof settings.waitForRPCs !== "function") {
    throw new Error(
      "this @pulumi/pulumi has no runtime/settings waitForRPCs; update tools/plan/engine.ts",
    );
  }
  return settings.waitForRPCs();
}
