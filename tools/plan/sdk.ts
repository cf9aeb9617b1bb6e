import * as pulumi from "@pulumi/pulumi";
import { engineUrn } from "../contract/urn";

/**
 * The one module that reaches into `@pulumi/pulumi` beyond its public API. The offline engine,
 * the benchmark's floors and the tests use the SDK's internals only through it, and
 * `test/sdkAdapter.spec.ts` checks each one's shape, so an SDK upgrade that removes or changes one
 * fails there, naming it, instead of deep inside a plan.
 *
 * What it relies on:
 * - the mock monitor `pulumi.runtime.setMocks` installs (`runtime/mocks.js`, `MockMonitor`): its
 *   `registerResource` and `registerResourceOutputs`, called with the generated protobuf messages
 *   (`proto/resource_pb.js`, `proto/alias_pb.js`) the engine would receive, which the SDK types
 *   as `any`;
 * - the mock monitor's URNs: it qualifies the stack's children with the stack's type;
 * - `waitForRPCs` in `runtime/settings.js` (marked internal, absent from the type declarations);
 * - `debuggablePromise` in `runtime/debuggable.js`, which keeps a stack trace of every promise the
 *   SDK makes (`new Error().stack`), for a leak report the offline plan never shows.
 */

/** The installed SDK's version, which every contract error names. */
export const SDK_VERSION: string = // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("@pulumi/pulumi/package.json") as { version: string }).version;

/** An SDK internal is gone or has another shape: the adapter needs updating for this SDK. */
export class SdkContractError extends Error {
  constructor(what: string) {
    super(
      `@pulumi/pulumi ${SDK_VERSION}: ${what}; the offline plan relies on it (update tools/plan/sdk.ts, see test/sdkAdapter.spec.ts)`,
    );
    this.name = "SdkContractError";
  }
}

/** A `google.protobuf.Struct`, as the SDK (de)serializes resource properties. */
export type Struct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];

/** `pulumirpc.Alias`: a whole URN, or a spec of the parts that differ. */
export interface AliasMessage {
  getUrn(): string;
  hasSpec(): boolean;
  getSpec(): AliasSpecMessage | undefined;
}

interface AliasSpecMessage {
  getName(): string;
  getType(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}

/** `pulumirpc.RegisterResourceRequest`, as far as the plan reads it. */
export interface RegisterRequest {
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

/** `pulumirpc.RegisterResourceResponse`, as the mock monitor answers. */
export interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): Struct;
}

/** The getters the adapter calls, checked on the first message of each kind in a run. */
export const MESSAGE_METHODS = {
  RegisterResourceRequest: [
    "getType",
    "getName",
    "getParent",
    "getCustom",
    "getProtect",
    "getIgnorechangesList",
    "getRetainondelete",
    "getDeletebeforereplace",
    "getReplaceonchangesList",
    "getAliasesList",
    "getDependenciesList",
    "getPropertydependenciesMap",
    "getObject",
  ],
  RegisterResourceResponse: ["getUrn", "getId", "getObject"],
  RegisterResourceOutputsRequest: ["getUrn", "getOutputs"],
  Alias: ["getUrn", "hasSpec", "getSpec"],
  "Alias.Spec": ["getName", "getType", "getParenturn", "getNoparent"],
} as const satisfies Record<string, readonly string[]>;

/** Throws naming each getter `message` lacks. */
export function checkMessage(kind: keyof typeof MESSAGE_METHODS, message: unknown): void {
  const missing = MESSAGE_METHODS[kind].filter(
    (m) => typeof (message as Record<string, unknown> | null)?.[m] !== "function",
  );
  if (missing.length > 0) {
    throw new SdkContractError(
      `the mock monitor's ${kind} has no ${missing.map((m) => `${m}()`).join(", ")}`,
    );
  }
}

/** An alias as the engine receives it: a whole URN, or the parts of a spec. */
export type SentAlias =
  | { readonly urn: string }
  | {
      readonly name: string;
      readonly type: string;
      readonly parentUrn: string;
      readonly noParent: boolean;
    };

/** Decodes one alias message of a registration. */
export function decodeAlias(a: AliasMessage): SentAlias {
  checkMessage("Alias", a);
  const spec = a.hasSpec() ? a.getSpec() : undefined;
  if (!spec) return { urn: a.getUrn() };
  checkMessage("Alias.Spec", spec);
  return {
    name: spec.getName(),
    type: spec.getType(),
    parentUrn: spec.getParenturn(),
    noParent: spec.getNoparent(),
  };
}

/** What `interceptRegistrations` tells its caller. */
export interface RegistrationHooks {
  /** Each registration request, before the mock monitor answers it. */
  readonly request?: (req: RegisterRequest) => void;
  /** Each answered registration, before the SDK sees the answer. */
  readonly registered?: (req: RegisterRequest, res: RegisterResponse) => void;
  /** Each component's (and the stack's) registered outputs. */
  readonly outputs?: (urn: string, outputs: Struct) => void;
}

type Callback = (err: unknown, res?: unknown) => void;

interface MockMonitorMethods {
  registerResource(req: unknown, cb: Callback): unknown;
  registerResourceOutputs(req: unknown, cb: Callback): unknown;
  newUrn(parent: string, type: string, name: string): string;
}

/**
 * Wraps the monitor `pulumi.runtime.setMocks` installed (or the wrapper an earlier call put
 * around it) so `hooks` see every registration as the engine would receive it. From the next
 * registration on, until the next `setMocks`.
 */
export function interceptRegistrations(hooks: RegistrationHooks): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Partial<MockMonitorMethods> | undefined;
  for (const m of ["registerResource", "registerResourceOutputs", "newUrn"] as const) {
    if (typeof monitor?.[m] !== "function") {
      throw new SdkContractError(`the mock monitor (pulumi.runtime.getMonitor()) has no ${m}()`);
    }
  }
  const mock = monitor as MockMonitorMethods;
  // The mock names a resource with its parent's own type only (`runtime/mocks.js` newUrn); the
  // engine writes the parent's whole qualified type. URNs answer as the engine's, so the parents,
  // dependencies and aliases the SDK sends are the engine's too.
  mock.newUrn = (parent, type, name) =>
    engineUrn(pulumi.runtime.getStack(), pulumi.runtime.getProject(), parent, type, name);
  const register = mock.registerResource.bind(mock);
  const registerOutputs = mock.registerResourceOutputs.bind(mock);
  let checked = false;
  mock.registerResource = (req, cb) => {
    if (!checked) {
      try {
        checkMessage("RegisterResourceRequest", req);
      } catch (e) {
        cb(e);
        return Promise.resolve();
      }
    }
    const request = req as RegisterRequest;
    hooks.request?.(request);
    return register(req, (err, res) => {
      if (!err && res) {
        if (!checked) {
          checkMessage("RegisterResourceResponse", res);
          checked = true;
        }
        hooks.registered?.(request, res as RegisterResponse);
      }
      cb(err, res);
    });
  };
  mock.registerResourceOutputs = (req, cb) => {
    if (hooks.outputs) {
      checkMessage("RegisterResourceOutputsRequest", req);
      const r = req as { getUrn(): string; getOutputs(): Struct };
      hooks.outputs(r.getUrn(), r.getOutputs());
    }
    return registerOutputs(req, cb);
  };
}

interface Settings {
  waitForRPCs?: unknown;
}

/**
 * Resolves once every registration started so far has been answered. The SDK tracks its
 * outstanding resource operations and waits for them on disconnect (`waitForRPCs`); under the
 * mock monitor every registration is answered at once, so this never waits on Azure.
 */
export function settleRegistrations(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as Settings;
  if (typeof settings.waitForRPCs !== "function") {
    throw new SdkContractError("runtime/settings has no waitForRPCs()");
  }
  return (settings.waitForRPCs as () => Promise<void>)();
}

/** How `runUnderMocks` runs a program. */
export interface MockRunOptions {
  readonly project: string;
  readonly stack: string;
  /** As `pulumi preview` (true) or `pulumi up` (false). */
  readonly preview: boolean;
  /** The stack's flat config and its secret keys, as the engine hands them to the program. */
  readonly config?: {
    readonly flat: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
  };
  /** Told of every registration (`interceptRegistrations`). */
  readonly hooks?: RegistrationHooks;
  /**
   * Keep a stack trace of every promise the SDK makes, as Pulumi's runtime does by default. Off
   * unless set: ts-node source-maps every frame of each, four fifths of the offline plan's run at
   * 50 vaults, for a leak report the plan never shows. (The call site a `Resource` sends the engine
   * is taken at the SDK's own limit, and the offline plan records none.)
   */
  readonly promiseStackTraces?: boolean;
}

/**
 * Runs `program` as the root of a stack under Pulumi's mock runtime with `mocks`, and resolves once
 * every registration has been answered, including those no output depends on.
 */
export async function runUnderMocks(
  mocks: pulumi.runtime.Mocks,
  opts: MockRunOptions,
  program: () => unknown,
): Promise<void> {
  await pulumi.runtime.setMocks(mocks, opts.project, opts.stack, opts.preview);
  if (opts.config)
    pulumi.runtime.setAllConfig({ ...opts.config.flat }, [...opts.config.secretKeys]);
  if (opts.hooks) interceptRegistrations(opts.hooks);
  const stackTraceLimit = Error.stackTraceLimit;
  if (!opts.promiseStackTraces) Error.stackTraceLimit = 0;
  try {
    await pulumi.runtime.runInPulumiStack(async () => program());
  } finally {
    await pulumi.runtime.disconnect();
    Error.stackTraceLimit = stackTraceLimit;
  }
}
