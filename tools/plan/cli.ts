import * as fs from "fs";
import { projectResources } from "./armProjection";
import { REPO_ROOT } from "../contract/repo";
import * as path from "path";
import { parseArgs } from "util";
import { resolveEstate } from "../../infra/model/estate";
import { PROJECT } from "../../infra/model/names";
import { startOfUtcDay } from "../../infra/model/time";
import { ConfigError } from "../../infra/model/validation";
import { isPresent } from "../../infra/sources";
import { buildAccessMatrix } from "./accessMatrix";
import { costNotes } from "./costNotes";
import { comparePlans, hasMandatoryRisk, planReportProblem } from "../review/compare";
import { planProgram, runProgram } from "./engine";
import { loadPolicyConfig } from "../../policies/lib/environments";
import { evaluatePolicies } from "./policyEval";
import { AzurePolicyInputError, azurePolicyWhatIf } from "../azure-policy";
import { buildReport, renderConsole, renderJson, renderMarkdown } from "./report";
import type { PlanReport, RequiredInput } from "../contract/plan";
import { outputsOverwritingBase, userPath } from "../review/files";
import { PlannedResource } from "../contract/plan";
import { PlanProgress, SILENT, streamProgress } from "./progress";
import { readStackFile, StackFileError, stackFilePath } from "./stackFile";

/** Exit codes of `npm run plan` (docs/architecture.md, contract 5). */
export const EXIT = { ok: 0, mandatoryViolation: 1, invalid: 2, internal: 3 } as const;

export class UsageError extends Error {}

const USAGE = `usage: npm run plan -- --stack <name> [--config <file>] [--json <file>] [--markdown <file>] [--compare <base.json>] [--now <YYYY-MM-DD>] [--azure-policy <file|folder>]... [--quiet]`;

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
  /** Exported Azure Policy files or folders (`--azure-policy`), evaluated against the plan. */
  readonly azurePolicy?: readonly string[];
  /** Told each phase's end and the registrations as they happen (the CLI's stderr). */
  readonly progress?: PlanProgress;
}

/** Plans one stack offline: resolves its model, runs the program under emulation, builds the report. */
export async function planStack(opts: PlanOptions): Promise<PlanReport> {
  return (await planStackRun(opts)).report;
}

/** `planStack`, also returning the recorded registrations the report was built from. */
export async function planStackRun(
  opts: PlanOptions,
): Promise<{ report: PlanReport; resources: readonly PlannedResource[] }> {
  const progress = opts.progress ?? SILENT;
  const root = opts.root ?? REPO_ROOT;
  const file = opts.configFile ?? stackFilePath(root, opts.stack);
  const stackConfig = readStackFile(file);
  // A fixed day, not the wall clock, so one day's plans of one config are byte-identical.
  const now = startOfUtcDay(opts.now ?? new Date());
  // Resolve before anything is registered (a ConfigError exits 2); the program resolves the same
  // input again to the same model, as it does in `pulumi up`.
  const estate = resolveEstate({
    config: stackConfig.flat,
    secretKeys: stackConfig.secretKeys,
    now,
  });
  progress.phase(
    "config",
    `${estate.vaults.length} ${estate.vaults.length === 1 ? "vault" : "vaults"}`,
  );
  const env = opts.env ?? process.env;
  // The plan is a dry run that reads no secret value: every env and config source is a secret
  // placeholder (refused outside a dry run), and `requiredInputs` says which ones are missing.
  const run = await runProgram(opts.stack, stackConfig, planProgram(stackConfig, now), {
    preview: true,
    progress: (n) => progress.registered(n),
  });
  progress.phase("program", `${run.resources.length} resources`);

  const sourceInputs = { env, config: stackConfig.flat };
  const requiredInputs: RequiredInput[] = estate.secretSources.map((r) => ({
    kind: r.kind,
    name: r.name,
    vault: r.vault,
    secret: r.secret,
    present: isPresent(r, sourceInputs),
  }));
  // The same policy objects and per-environment config `pulumi preview --policy-pack` uses, judged
  // at the same fixed day the program computed expiries from.
  const policyViolations = evaluatePolicies(run.resources, loadPolicyConfig(estate.environment), {
    now,
  });
  // The organisation's own Azure Policy, judged on the same resources and day (a bad file exits 2).
  const azurePolicy = opts.azurePolicy?.length
    ? azurePolicyWhatIf(opts.azurePolicy, projectResources(run.resources, now), {
        now,
        subscriptionId: stackConfig.flat["azure-native:subscriptionId"],
      })
    : undefined;
  progress.phase("policies", `${policyViolations.length} findings`);
  const report = buildReport({
    project: PROJECT,
    stack: opts.stack,
    environment: estate.environment,
    resources: run.resources,
    outputs: run.outputs,
    policyViolations,
    access: buildAccessMatrix(estate.vaults, run.resources),
    requiredInputs,
    azurePolicy,
  });
  // What the approver should know about cost before the first deploy (a pool bills from creation).
  Object.assign(report, { costNotes: costNotes(run.resources) });
  return { report, resources: run.resources };
}

/** Runs the CLI with `argv`; returns the exit code. Writes the console report to `out`. */
export async function cli(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
  progress: PlanProgress = SILENT,
): Promise<number> {
  try {
    const { values } = parseUsage(argv);
    if (values.quiet) progress = SILENT;
    progress.phase("startup");
    const files = userFiles(values);
    // Read the base before planning: a bad base exits 2 and nothing is written.
    const base = files.compare ? readBase(files.compare) : undefined;
    const planned = await planStack({
      stack: values.stack,
      configFile: files.config,
      now: values.now,
      azurePolicy: values["azure-policy"]?.map((p) => userPath(p)),
      progress,
    });
    const report = base ? { ...planned, comparison: comparePlans(base, planned) } : planned;
    out(renderConsole(report));
    if (files.json) writeFile(files.json, renderJson(report));
    if (files.markdown) writeFile(files.markdown, renderMarkdown(report));
    progress.phase("reports");
    const blocked =
      report.summary.policyViolations.mandatory > 0 ||
      (report.comparison !== undefined && hasMandatoryRisk(report.comparison)) ||
      (report.azurePolicy?.summary.mandatory ?? 0) > 0;
    return blocked ? EXIT.mandatoryViolation : EXIT.ok;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`error: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (
      e instanceof UsageError ||
      e instanceof StackFileError ||
      e instanceof AzurePolicyInputError
    ) {
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
        "azure-policy": { type: "string", multiple: true },
        quiet: { type: "boolean" },
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
    // `--json reports/dev.json` on a fresh clone: the reports folder is git-ignored, not committed.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch {
    throw new UsageError(`cannot write ${file}`);
  }
}

/** The file flags, resolved where the user typed the command; refuses an output that is the base. */
function userFiles(values: {
  config?: string;
  json?: string;
  markdown?: string;
  compare?: string;
}) {
  const at = (f: string | undefined) => (f === undefined ? undefined : userPath(f));
  const files = {
    config: at(values.config),
    json: at(values.json),
    markdown: at(values.markdown),
    compare: at(values.compare),
  };
  if (files.compare) {
    const clash = outputsOverwritingBase(
      { "--json": files.json, "--markdown": files.markdown },
      files.compare,
    );
    if (clash.length > 0) {
      throw new UsageError(
        `${clash.join(" and ")} would overwrite the base plan ${values.compare} that --compare reads: write the new plan to another file`,
      );
    }
  }
  return files;
}

function readBase(file: string): PlanReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new UsageError(`--compare: cannot read a JSON plan report from ${file}`);
  }
  const problem = planReportProblem(parsed);
  if (problem) {
    throw new UsageError(
      `--compare: ${file} is not a plan report (${problem}); write one with npm run plan -- --stack <name> --json <file>`,
    );
  }
  return parsed as PlanReport;
}

if (require.main === module) {
  cli(process.argv.slice(2), undefined, undefined, streamProgress(process.stderr)).then((code) =>
    process.exit(code),
  );
}
