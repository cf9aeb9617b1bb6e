import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { offlineAliases } from "../plan/engine";
import { runUnderMocks } from "../plan/sdk";

/**
 * The benchmark's floors: exactly the resources a plan registered, registered bare under Pulumi's
 * mock runtime, with nothing of the plan around them (no model, no emulation, no recording, no
 * dependencies, no options but the parent). What is left is the runtime's own cost:
 *
 * - `naive`: the `@pulumi/azure-native` and `@pulumi/random` classes as they are, each resource
 *   with the ~20 type aliases azure-native adds;
 * - `limit`: the same without those aliases (the plan's own `offlineAliases` transformation).
 *
 * Both run as Pulumi's mock runtime runs by default, with a stack trace on each of the SDK's
 * promises, which the offline engine turns off (`runUnderMocks`); `no-stack-traces` turns them off
 * here too, so that a ratio measures only what the plan adds to registering its resources.
 *
 *   node -r ./tools/runtime/register.js tools/bench/floor.ts <plan.json> naive|limit [no-stack-traces]
 */

export type FloorVariant = "naive" | "limit";

/** A resource as the plan's JSON report lists it, as far as a floor needs it. */
export interface FloorResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

type ResourceClass = new (
  name: string,
  args: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
) => pulumi.Resource;

/** The SDK class of a custom resource type (`azure-native:keyvault:Vault` → `keyvault.Vault`). */
function classOf(type: string): ResourceClass | undefined {
  const [pkg, mod, cls] = type.split(":");
  const module: Record<string, unknown> | undefined =
    pkg === "azure-native"
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(`@pulumi/azure-native/${mod}`)
      : pkg === "random"
        ? // eslint-disable-next-line @typescript-eslint/no-require-imports
          require("@pulumi/random")
        : undefined;
  return module?.[cls] as ResourceClass | undefined;
}

/**
 * The floor's program: registers `resources` parents first, components as plain
 * `ComponentResource`s of their type, custom resources through their SDK class with the plan's
 * inputs. The stack itself is the one `runInPulumiStack` registers.
 */
export function floorProgram(
  resources: readonly FloorResource[],
  variant: FloorVariant,
): () => void {
  return () => {
    if (variant === "limit") pulumi.runtime.registerStackTransformation(offlineAliases);
    const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const children = new Map<string | undefined, FloorResource[]>();
    for (const r of resources) {
      if (r === stack) continue;
      const parent = r.parent === stack?.urn ? undefined : r.parent;
      children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const register = (parentUrn: string | undefined, parent: pulumi.Resource | undefined) => {
      for (const r of children.get(parentUrn) ?? []) {
        const opts = parent ? { parent } : {};
        let created: pulumi.Resource;
        if (r.type === "pulumi:pulumi:StackReference") {
          created = new pulumi.StackReference(r.name, { name: String(r.inputs.name) }, opts);
        } else if (r.type.startsWith("azure-native:") || r.type.startsWith("random:")) {
          const Class = classOf(r.type);
          if (!Class) throw new Error(`no SDK class for resource type ${r.type}`);
          created = new Class(r.name, { ...r.inputs }, opts);
        } else {
          created = new pulumi.ComponentResource(r.type, r.name, {}, opts);
        }
        register(r.urn, created);
      }
    };
    register(undefined, undefined);
  };
}

/** The mock runtime's cheapest answer: every resource's state is its inputs. */
const bareMocks: pulumi.runtime.Mocks = {
  newResource: (args) => ({ id: args.custom ? args.name : undefined, state: args.inputs }),
  call: () => ({}),
};

async function main(argv: readonly string[]): Promise<void> {
  const [file, variant, stacks] = argv;
  if (
    !file ||
    (variant !== "naive" && variant !== "limit") ||
    (stacks !== undefined && stacks !== "no-stack-traces")
  ) {
    throw new Error("usage: floor.ts <plan.json> naive|limit [no-stack-traces]");
  }
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as { resources: FloorResource[] };
  // `no-stack-traces`: as the offline engine runs the program, no stack trace on the SDK's promises.
  await runUnderMocks(
    bareMocks,
    {
      project: "keyvault-estate",
      stack: "bench",
      preview: true,
      promiseStackTraces: stacks !== "no-stack-traces",
    },
    floorProgram(report.resources, variant),
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`floor failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(3);
    },
  );
}
