import * as pulumi from "@pulumi/pulumi";
import { azureEmulation, redact } from "./emulator";
import { PlannedAlias, PlannedResource } from "./planTypes";
import { StackConfig } from "./stackFile";

/** What one in-process run of the program produced. */
export interface ProgramRun {
  readonly resources: PlannedResource[];
  /** The stack outputs, secrets as `[secret]`. */
  readonly outputs: Record<string, unknown>;
}

export const PROJECT_NAME = "keyvault-estate";

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

/**
 * Runs `program` in-process against Pulumi's mock monitor with the Azure emulation, recording every
 * registration request as the engine would receive it (parent, dependencies, property
 * dependencies, protect, inputs). Secrets are redacted as they are recorded.
 */
export async function runProgram(
  stack: string,
  config: StackConfig,
  program: () => unknown,
  opts: { preview?: boolean } = {},
): Promise<ProgramRun> {
  await pulumi.runtime.setMocks(azureEmulation(stack), PROJECT_NAME, stack, opts.preview ?? false);
  pulumi.runtime.setAllConfig(config.flat, [...config.secretKeys]);

  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  const recorded: PlannedResource[] = [];
  const outputsByUrn = new Map<string, Struct>();

  monitor.registerResource = (req, cb) =>
    register(req, (err, res) => {
      if (!err && res) recorded.push(record(req, res as RegisterResponse));
      cb(err, res);
    });
  monitor.registerResourceOutputs = (req, cb) => {
    outputsByUrn.set(req.getUrn(), req.getOutputs());
    registerOutputs(req, cb);
  };

  try {
    await pulumi.runtime.runInPulumiStack(async () => program());
  } finally {
    // Wait for every registration, including those no output depends on.
    await pulumi.runtime.disconnect();
  }

  const stackUrn = recorded.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
  const rawOutputs = stackUrn ? outputsByUrn.get(stackUrn) : undefined;
  const outputs = rawOutputs
    ? (redact(pulumi.runtime.deserializeProperties(rawOutputs)) as Record<string, unknown>)
    : {};
  recorded.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { resources: recorded, outputs };
}

interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): Struct;
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
    aliases: declaredAliases(req.getAliasesList(), parent),
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
 * The aliases the program declared. azure-native gives every resource ~20 type-only aliases (its
 * older API-version tokens); those say nothing about this program and are left out.
 */
function declaredAliases(list: readonly AliasMessage[], currentParent: string): PlannedAlias[] {
  const out: PlannedAlias[] = [];
  for (const a of list) {
    if (a.getUrn()) {
      out.push(a.getUrn());
      continue;
    }
    const spec = a.hasSpec() ? a.getSpec() : undefined;
    if (!spec) continue;
    const name = spec.getName();
    // The SDK fills in the current parent on every spec; only a different one is a re-parenting.
    const parentUrn = spec.getParenturn();
    const parent = spec.getNoparent()
      ? null
      : parentUrn && parentUrn !== currentParent
        ? parentUrn
        : undefined;
    if (!name && parent === undefined) continue;
    out.push({
      ...(name ? { name } : {}),
      ...(spec.getType() ? { type: spec.getType() } : {}),
      ...(parent !== undefined ? { parent } : {}),
    });
  }
  return out;
}
