import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import {
  checkMessage,
  decodeAlias,
  interceptRegistrations,
  MESSAGE_METHODS,
  RegisterRequest,
  RegisterResponse,
  runUnderMocks,
  SDK_VERSION,
  SdkContractError,
  SentAlias,
  settleRegistrations,
  Struct,
} from "../tools/plan/sdk";

/**
 * The contract of `tools/plan/sdk.ts`: every `@pulumi/pulumi` internal the offline engine relies on,
 * checked for its shape and behaviour, so an SDK upgrade that removes or changes one fails here,
 * saying what changed, rather than as a wrong or slow plan.
 */

const PROJECT = "sdk-contract";
const STACK = "contract";

/** Fails with a message naming the SDK internal and what the adapter expected of it. */
function contract(condition: boolean, what: string): void {
  if (!condition) {
    expect.fail(`@pulumi/pulumi ${SDK_VERSION} changed: ${what} (tools/plan/sdk.ts relies on it)`);
  }
}

const echoMocks: pulumi.runtime.Mocks = {
  newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: args.inputs }),
  call: () => ({}),
};

/** A custom resource of a test type. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions = {}) {
    super("test:index:Thing", name, props, opts);
  }
}

/** A component that registers the outputs it is given. */
class Parent extends pulumi.ComponentResource {
  constructor(type: string, name: string, outputs?: pulumi.Inputs) {
    super(type, name);
    if (outputs) this.registerOutputs(outputs);
  }
}

interface Seen {
  req: RegisterRequest;
  res: RegisterResponse;
}

/** Runs `program` under the adapter, recording every registration and registered outputs. */
async function run(
  program: () => unknown,
  extra: { preview?: boolean; promiseStackTraces?: boolean } = {},
): Promise<{ seen: Map<string, Seen>; outputs: Map<string, Struct> }> {
  const seen = new Map<string, Seen>();
  const outputs = new Map<string, Struct>();
  await runUnderMocks(
    echoMocks,
    {
      project: PROJECT,
      stack: STACK,
      preview: extra.preview ?? true,
      promiseStackTraces: extra.promiseStackTraces,
      hooks: {
        registered: (req, res) => void seen.set(req.getName(), { req, res }),
        outputs: (urn, o) => void outputs.set(urn, o),
      },
    },
    program,
  );
  return { seen, outputs };
}

describe("the SDK adapter (tools/plan/sdk.ts) against this @pulumi/pulumi", () => {
  describe("the mock monitor's registration messages", () => {
    let seen: Map<string, Seen>;
    let outputs: Map<string, Struct>;
    const formerParent = `urn:pulumi:${STACK}::${PROJECT}::test:index:Old::old-parent`;

    before(async () => {
      ({ seen, outputs } = await run(() => {
        const parent = new Parent("test:index:Parent", "parent", { out: "value" });
        const dep = new Thing("dep", { a: 1 }, { parent });
        new Thing(
          "child",
          { input: dep.id, plain: "x", nested: { n: 2 } },
          {
            parent,
            dependsOn: [dep],
            protect: true,
            ignoreChanges: ["plain"],
            retainOnDelete: true,
            deleteBeforeReplace: true,
            replaceOnChanges: ["nested"],
            aliases: [
              { name: "old-child" },
              { name: "moved", parent: formerParent },
              { parent: undefined },
              `urn:pulumi:${STACK}::${PROJECT}::test:index:Thing::older`,
            ],
          },
        );
      }));
    });

    it("offer every getter the adapter calls", () => {
      const child = seen.get("child");
      contract(
        child !== undefined,
        "the mock monitor's registerResource is not called per resource",
      );
      for (const [kind, message] of [
        ["RegisterResourceRequest", child!.req],
        ["RegisterResourceResponse", child!.res],
      ] as const) {
        for (const m of MESSAGE_METHODS[kind]) {
          contract(
            typeof (message as unknown as Record<string, unknown>)[m] === "function",
            `${kind} has no ${m}()`,
          );
        }
      }
    });

    it("carry a registration's type, name, parent, options and dependencies as the engine receives them", () => {
      const { req } = seen.get("child")!;
      const parentUrn = seen.get("parent")!.res.getUrn();
      const depUrn = seen.get("dep")!.res.getUrn();
      contract(req.getType() === "test:index:Thing", "getType() is not the resource type");
      contract(req.getName() === "child", "getName() is not the resource name");
      contract(req.getParent() === parentUrn, "getParent() is not the parent's URN");
      contract(req.getCustom() === true, "getCustom() is not a boolean true for a custom resource");
      contract(
        seen.get("parent")!.req.getCustom() === false,
        "getCustom() is not false for a component",
      );
      contract(req.getProtect() === true, "getProtect() is not the protect option");
      contract(
        JSON.stringify(req.getIgnorechangesList()) === JSON.stringify(["plain"]),
        "getIgnorechangesList() is not the ignoreChanges paths",
      );
      contract(req.getRetainondelete() === true, "getRetainondelete() is not retainOnDelete");
      contract(
        req.getDeletebeforereplace() === true,
        "getDeletebeforereplace() is not deleteBeforeReplace",
      );
      contract(
        JSON.stringify(req.getReplaceonchangesList()) === JSON.stringify(["nested"]),
        "getReplaceonchangesList() is not the replaceOnChanges paths",
      );
      contract(
        Array.isArray(req.getDependenciesList()) && req.getDependenciesList().includes(depUrn),
        "getDependenciesList() does not list the dependsOn URNs",
      );
      const propertyDependencies: Record<string, string[]> = {};
      const map = req.getPropertydependenciesMap();
      contract(typeof map?.forEach === "function", "getPropertydependenciesMap() has no forEach");
      map.forEach((deps, key) => {
        contract(
          typeof deps.getUrnsList === "function",
          "a PropertyDependencies has no getUrnsList()",
        );
        propertyDependencies[key] = deps.getUrnsList();
      });
      contract(
        JSON.stringify(propertyDependencies.input) === JSON.stringify([depUrn]),
        "getPropertydependenciesMap() does not map an input to the URNs it depends on",
      );
    });

    it("carry inputs and answers as Structs the SDK deserializes", () => {
      const { req, res } = seen.get("child")!;
      const object = req.getObject();
      contract(typeof object?.toJavaScript === "function", "getObject() is not a protobuf Struct");
      const inputs = pulumi.runtime.deserializeProperties(object);
      contract(inputs.plain === "x", "getObject() does not deserialize to the inputs");
      contract(
        JSON.stringify(inputs.nested) === JSON.stringify({ n: 2 }),
        "getObject() does not keep a nested input",
      );
      contract(res.getUrn().endsWith("::child"), "the response's getUrn() is not the URN");
      contract(res.getId() === "child-id", "the response's getId() is not the mock's id");
      contract(
        pulumi.runtime.deserializeProperties(res.getObject()).plain === "x",
        "the response's getObject() is not the mock's state",
      );
      contract(seen.get("parent")!.res.getId() === "", "a component's getId() is not empty");
    });

    it("carry aliases as whole URNs or specs of the parts that differ", () => {
      const { req } = seen.get("child")!;
      const parentUrn = seen.get("parent")!.res.getUrn();
      const list = req.getAliasesList();
      contract(Array.isArray(list), "getAliasesList() is not an array");
      for (const a of list) {
        for (const m of MESSAGE_METHODS.Alias) {
          contract(
            typeof (a as unknown as Record<string, unknown>)[m] === "function",
            `Alias has no ${m}()`,
          );
        }
      }
      const decoded = list.map(decodeAlias);
      const expected: SentAlias[] = [
        // No parent given: the SDK fills in the resource's own.
        { name: "old-child", type: "", parentUrn, noParent: false },
        { name: "moved", type: "", parentUrn: formerParent, noParent: false },
        // An explicit `parent: undefined`: no parent.
        { name: "", type: "", parentUrn: "", noParent: true },
        { urn: `urn:pulumi:${STACK}::${PROJECT}::test:index:Thing::older` },
      ];
      contract(
        JSON.stringify(decoded) === JSON.stringify(expected),
        `the aliases are sent as ${JSON.stringify(decoded)}, not ${JSON.stringify(expected)}`,
      );
    });

    it("send a component's registered outputs by its URN", () => {
      const parentUrn = seen.get("parent")!.res.getUrn();
      const struct = outputs.get(parentUrn);
      contract(
        struct !== undefined,
        "registerResourceOutputs is not called with the component's URN",
      );
      contract(
        pulumi.runtime.deserializeProperties(struct!).out === "value",
        "registerResourceOutputs' getOutputs() is not the registered outputs",
      );
    });

    it("answer with the engine's URNs once intercepted (the mock's newUrn replaced)", () => {
      expect(seen.get("parent")!.res.getUrn()).to.equal(
        `urn:pulumi:${STACK}::${PROJECT}::test:index:Parent::parent`,
      );
      expect(seen.get("child")!.res.getUrn()).to.equal(
        `urn:pulumi:${STACK}::${PROJECT}::test:index:Parent$test:index:Thing::child`,
      );
      // The SDK sends the parent's URN as it was answered.
      expect(seen.get("child")!.req.getParent()).to.equal(seen.get("parent")!.res.getUrn());
    });
  });

  it("waits for every registration started so far (runtime/settings waitForRPCs)", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as Record<string, unknown>;
    contract(typeof settings.waitForRPCs === "function", "runtime/settings has no waitForRPCs()");
    const answered: string[] = [];
    const atSettle: string[][] = [];
    await runUnderMocks(
      echoMocks,
      {
        project: PROJECT,
        stack: STACK,
        preview: true,
        hooks: { registered: (req) => void answered.push(req.getName()) },
      },
      async () => {
        for (const name of ["a", "b"]) {
          const parent = new pulumi.ComponentResource("test:index:Group", name);
          new Thing(`${name}/thing`, {}, { parent });
          const settled = settleRegistrations();
          contract(settled instanceof Promise, "waitForRPCs() does not return a promise");
          await settled;
          atSettle.push(answered.filter((n) => n !== `${PROJECT}-${STACK}`));
        }
      },
    );
    contract(
      JSON.stringify(atSettle) ===
        JSON.stringify([
          ["a", "a/thing"],
          ["a", "a/thing", "b", "b/thing"],
        ]),
      `waitForRPCs() resolved with ${JSON.stringify(atSettle)} answered, not every registration started so far`,
    );
  });

  it("keeps no stack trace per SDK promise unless asked (runtime/debuggable debuggablePromise)", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Record<string, unknown>;
    contract(
      typeof debuggable.debuggablePromise === "function",
      "runtime/debuggable has no debuggablePromise()",
    );
    const trace = async (promiseStackTraces: boolean) => {
      let stack: unknown;
      await runUnderMocks(
        echoMocks,
        { project: PROJECT, stack: STACK, preview: true, promiseStackTraces },
        () => {
          // It marks the promise it is given (and returns another that settles with it).
          const p = Promise.resolve();
          void (debuggable.debuggablePromise as (p: Promise<void>, ctx: string) => Promise<void>)(
            p,
            "contract",
          );
          stack = (p as unknown as { _debugStackTrace?: unknown })._debugStackTrace;
        },
      );
      return stack;
    };
    const kept = await trace(true);
    contract(
      typeof kept === "string" && kept.includes("\n    at "),
      "debuggablePromise() no longer keeps a stack trace of each promise (_debugStackTrace): the adapter's promiseStackTraces switch is obsolete",
    );
    const off = await trace(false);
    contract(
      off === "Error",
      `with promiseStackTraces off, a promise's stack trace is ${JSON.stringify(off)}, not empty`,
    );
    contract(
      Error.stackTraceLimit > 0,
      "the adapter left Error.stackTraceLimit at 0 after the run",
    );
  });

  it("names what changed when a message lacks a getter", () => {
    expect(() => checkMessage("Alias.Spec", { getName: () => "" })).to.throw(
      SdkContractError,
      /@pulumi\/pulumi \S+: the mock monitor's Alias.Spec has no getType\(\), getParenturn\(\), getNoparent\(\); the offline plan relies on it \(update tools\/plan\/sdk.ts/,
    );
  });

  it("refuses a monitor that is not the mock one, naming it", async () => {
    await pulumi.runtime.setMocks(echoMocks, PROJECT, STACK, true);
    const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, unknown>;
    const original = monitor.registerResourceOutputs;
    monitor.registerResourceOutputs = undefined;
    try {
      expect(() => interceptRegistrations({})).to.throw(
        SdkContractError,
        /has no registerResourceOutputs\(\)/,
      );
    } finally {
      monitor.registerResourceOutputs = original;
      await pulumi.runtime.disconnect();
    }
  });
});
