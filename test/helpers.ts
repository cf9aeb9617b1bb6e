import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { resolveEstate } from "../infra/model/estate";
import type { ResolvedEstate } from "../infra/model/types";
import { ConfigError, formatProblem } from "../infra/model/validation";
import { runProgram } from "../tools/plan/engine";
import { cli, planStack, planStackRun } from "../tools/plan/cli";
import { PlannedResource } from "../tools/contract/plan";
import type { PlanReport } from "../tools/contract/plan";
import { flattenStackConfig, readStackFile } from "../tools/plan/stackFile";

/** The shared test helpers: stack-file fixtures, offline plans and awaiting outputs. */

export const ROOT = path.resolve(__dirname, "..");

/** Resolves an Output's value in a mocked run (the one `promiseOf` every spec uses). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** A stack file's `config:` mapping as a plain object (`keyvault-estate:vaults: [...]`, …). */
export type StackConfigDoc = Record<string, unknown>;

/** Loads a committed stack file's `config:` mapping so a test can change one field of it. */
export function committedConfig(stack: string): StackConfigDoc {
  const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  return doc.config as StackConfigDoc;
}

let tempRoot: string | undefined;

/** A fresh directory under this run's temporary root, which is removed when the process exits. */
export function tempDir(): string {
  if (!tempRoot) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kv-estate-test-"));
    process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
    tempRoot = root;
  }
  return fs.mkdtempSync(path.join(tempRoot, "t-"));
}

/** Writes a stack file with this `config:` mapping to a fresh temporary directory; returns its path. */
export function writeStackFile(config: StackConfigDoc, name = "Pulumi.test.yaml"): string {
  const dir = tempDir();
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

/**
 * The resolved model of a config mapping, as the program resolves it (no stack file, no plan).
 * Throws the model's `ConfigError` for an invalid config.
 */
export function resolveConfig(config: StackConfigDoc, now: Date = TEST_DAY): ResolvedEstate {
  const { flat, secretKeys } = flattenStackConfig(config);
  return resolveEstate({ config: flat, secretKeys, now });
}

/** The resolved model of a committed stack file. */
export function resolveCommitted(stack: string, now: Date = TEST_DAY): ResolvedEstate {
  const { flat, secretKeys } = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  return resolveEstate({ config: flat, secretKeys, now });
}

/** Every problem the model reports for a config mapping, as `path: message` lines. */
export function configProblems(config: StackConfigDoc): string[] {
  try {
    resolveConfig(config);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map(formatProblem);
  }
}

/**
 * Builds components under the offline engine and returns every registration it recorded (the one
 * capture mechanism: the same as the plan's). `build` runs as the program; it must not read config.
 */
export async function runComponents(
  build: () => unknown,
  opts: { stack?: string; preview?: boolean } = {},
): Promise<PlannedResource[]> {
  const run = await runProgram(opts.stack ?? "test", { flat: {}, secretKeys: [] }, build, {
    preview: opts.preview ?? true,
  });
  return run.resources.filter((r) => r.custom);
}

/** Plans a stack offline from a config mapping (as `npm run plan -- --config <file>` would). */
export function planConfig(
  config: StackConfigDoc,
  opts: { stack?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<PlanReport> {
  return planStack({
    stack: opts.stack ?? "test",
    configFile: writeStackFile(config),
    env: opts.env ?? {},
  });
}

/** A deep copy, so a test can change one field of a shared fixture. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The report's resources of one type, e.g. `azure-native:keyvault:Vault`. */
export function ofType(report: PlanReport, type: string): PlanReport["resources"][number][] {
  return report.resources.filter((r) => r.type === type);
}

/** Reads a nested input by dotted path (`properties.networkAcls.defaultAction`). */
export function input(
  resource: { inputs: Readonly<Record<string, unknown>> },
  dotted: string,
): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      resource.inputs,
    );
}

export type { PlannedResource };

/** The fixed day committed stacks are planned on in tests, so expiries never depend on the date. */
export const TEST_DAY = new Date("2026-06-01T00:00:00Z");

type CommittedRun = Awaited<ReturnType<typeof planStackRun>>;
const committedRuns = new Map<string, Promise<CommittedRun>>();

/**
 * The offline plan of a committed stack (`Pulumi.<stack>.yaml`) and its recorded registrations,
 * planned once per test run and shared by every spec: no pipeline input is present, and the day
 * is `TEST_DAY`. Treat both as read-only (`clone` before changing anything).
 */
export function committedRun(stack: "dev" | "staging" | "prod"): Promise<CommittedRun> {
  let run = committedRuns.get(stack);
  if (!run) {
    run = planStackRun({ stack, root: ROOT, env: {}, now: TEST_DAY });
    committedRuns.set(stack, run);
  }
  return run;
}

/** The offline plan of a committed stack, planned once per test run (see `committedRun`). */
export async function committedPlan(stack: "dev" | "staging" | "prod"): Promise<PlanReport> {
  return (await committedRun(stack)).report;
}

/** Runs the plan CLI in-process, capturing what it prints and its exit code. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await cli(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}
