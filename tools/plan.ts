import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import program from "../infra/index";
import { parseStackConfig } from "../infra/config";
import { setClock, startOfUtcDay } from "../infra/clock";
import { assertSecretSourcesStorable, isPresent, secretSourceRefs } from "../infra/secretSources";
import { ConfigError } from "../infra/validation";
import { buildAccessMatrix } from "./accessMatrix";
import { comparePlans, renderComparison } from "./compare";
import { PROJECT_NAME, runProgram } from "./engine";
import { loadPolicyConfig } from "../policies/lib/environments";
import { evaluatePolicies } from "./policyEval";
import {
  buildReport,
  PlanReport,
  renderConsole,
  renderJson,
  renderMarkdown,
  RequiredInput,
} from "./report";
import { readStackFile, StackFileError, stackFilePath } from "./stackFile";

/** Exit codes of `npm run plan` (DESIGN.md contract 5). */
export const EXIT = { ok: 0, mandatoryViolation: 1, invalid: 2, internal: 3 } as const;

export class UsageError extends Error {}

const USAGE = `usage: npm run plan -- --stack <name> [--config <file>] [--json <file>] [--markdown <file>] [--compare <base.json>] [--now <YYYY-MM-DD>]`;

export interface PlanOptions {
  /** Stack name: reads `Pulumi.<stack>.yaml` unless `configFile` is given. */
  readonly stack: string;
  /** A stack file to read instead of the committed one. */
  readonly configFile?: string;
  /** Repository root (where the `Pulumi.*.yaml` files are). */
  readonly root?: string;
  /** The environment the pipeline would provide; decides which required inputs are present. */
  readonly env?: NodeJS.ProcessEnv;
  /** The day new keys are created on (their first expiry). Defaults to today, UTC. */
  readonly now?: Date;
}

/** Plans one stack offline: validates its config, runs the program under emulation, builds the report. */
export async function planStack(opts: PlanOptions): Promise<PlanReport> {
  const root = opts.root ?? path.resolve(__dirname, "..");
  const file = opts.configFile ?? stackFilePath(root, opts.stack);
  const stackConfig = readStackFile(file);
  // Validate before anything is registered; the program validates again with the same function.
  const config = parseStackConfig(stackConfig.flat);
  // A fixed day, not the wall clock, so one day's plans of one config are byte-identical.
  const day = startOfUtcDay(opts.now ?? new Date());
  const restoreClock = setClock(() => day);
  const env = opts.env ?? process.env;
  // Config sources must be `secure:`, and secrets need a vault that holds them (exit 2 otherwise).
  assertSecretSourcesStorable(config, stackConfig.secretKeys, stackConfig.flat);
  // The plan is a dry run that reads no secret value: every env and config source is a secret
  // placeholder (refused outside a dry run), and `requiredInputs` says which ones are missing.
  const run = await runProgram(opts.stack, stackConfig, () => program({ offline: true, env }), {
    preview: true,
  }).finally(() => {
    setClock(restoreClock);
  });

  const sourceInputs = { env, config: stackConfig.flat };
  const requiredInputs: RequiredInput[] = secretSourceRefs(config).map((r) => ({
    kind: r.kind,
    name: r.name,
    vault: r.vault,
    secret: r.secret,
    present: isPresent(r, sourceInputs),
  }));
  // The same policy objects and per-environment config `pulumi preview --policy-pack` uses, judged
  // at the same fixed day the program computed expiries from.
  const policyViolations = evaluatePolicies(run.resources, loadPolicyConfig(config.environment), {
    now: day,
  });
  return buildReport({
    project: PROJECT_NAME,
    stack: opts.stack,
    environment: config.environment,
    resources: run.resources,
    outputs: run.outputs,
    policyViolations,
    access: buildAccessMatrix(config.vaults, run.resources),
    requiredInputs,
  });
}

/** Runs the CLI with `argv`; returns the exit code. Writes the console report to `out`. */
export async function cli(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const { values } = parseUsage(argv);
    const report = await planStack({
      stack: values.stack,
      configFile: values.config,
      now: values.now,
    });
    out(renderConsole(report));
    if (values.json) writeFile(values.json, renderJson(report));
    if (values.markdown) writeFile(values.markdown, renderMarkdown(report));
    if (values.compare) out(renderComparison(comparePlans(readBase(values.compare), report)));
    return report.summary.policyViolations.mandatory > 0 ? EXIT.mandatoryViolation : EXIT.ok;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`error: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (e instanceof UsageError || e instanceof StackFileError) {
      err(`error: ${e.message}\n`);
      return EXIT.invalid;
    }
    // Anything else is a bug in the program or the emulation: say so, without a stack trace.
    err(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.internal;
  }
}

function parseUsage(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        config: { type: "string" },
        json: { type: "string" },
        markdown: { type: "string" },
        compare: { type: "string" },
        now: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const { stack } = parsed.values;
  if (!stack) throw new UsageError(`--stack is required\n${USAGE}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new UsageError(`--stack must be a stack name (letters, digits, ".", "-", "_")\n${USAGE}`);
  }
  const { now } = parsed.values;
  const day = now === undefined ? undefined : new Date(`${now}T00:00:00Z`);
  if (day !== undefined && (isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== now)) {
    throw new UsageError(`--now must be a date (YYYY-MM-DD)\n${USAGE}`);
  }
  return { values: { ...parsed.values, stack, now: day } };
}

function writeFile(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch {
    throw new UsageError(`cannot write ${file}`);
  }
}

function readBase(file: string): PlanReport {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PlanReport;
  } catch {
    throw new UsageError(`--compare: cannot read a JSON plan report from ${file}`);
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
