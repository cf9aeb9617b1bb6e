import { spawn } from "child_process";
import { REPO_ROOT } from "../contract/repo";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { stringify } from "yaml";
import { benchStackConfig } from "./estate";
import {
  benchRow,
  BenchReport,
  Measurement,
  renderTable,
  renderTargets,
  targetChecks,
} from "./table";

/**
 * How the offline plan scales, against floors measured in the same run (README, "Development").
 * For each size, a generated prod estate (`bench/estate.ts`) is planned as a user plans it, as a
 * whole process; then, each as its own process under the same mock runtime, the plan's exact
 * resources are registered bare (`bench/floor.ts`): the naive floor (azure-native's classes as
 * they are) and the limit (the same without their type aliases). Figures and targets only: timings
 * depend on the machine, and no test asserts one.
 *
 * `--floors-without-stack-traces` runs the floors as the offline engine runs the program, without
 * the stack trace Pulumi's runtime keeps of each of its promises: the ratio then measures only
 * what the plan adds to registering its resources (startup, model, emulation, recording, policies,
 * reports).
 *
 *   npm run bench -- [--sizes 10,50,200] [--runs 1] [--json <file>] [--floors-without-stack-traces]
 */

const ROOT = REPO_ROOT;
const USAGE =
  "usage: npm run bench -- [--sizes 10,50,200] [--runs <n>] [--json <file>] [--floors-without-stack-traces]";
const MAX_VAULTS = 1000;

class UsageError extends Error {}

interface Run {
  readonly ms: number;
  readonly peakRssKib: number;
}

/**
 * Runs one TypeScript entry as its own Node process, as `npm run plan` runs it (`ts-node --swc`,
 * which `tools/runtime/register.js` sets up), and measures it whole: wall-clock from spawn to exit, and its
 * peak RSS (reported by a preload).
 */
function measureProcess(script: string, args: readonly string[], dir: string): Promise<Run> {
  const rssFile = path.join(dir, `rss-${process.hrtime.bigint()}`);
  const argv = [
    "-r",
    path.join(ROOT, "tools", "runtime", "register.js"),
    "-r",
    path.join(__dirname, "peakRss.ts"),
    script,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, KV_BENCH_PEAK_RSS: rssFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      // The plan exits 1 for a policy finding; the figures still stand. Anything else failed.
      if (code !== 0 && code !== 1) {
        reject(
          new Error(`${path.basename(script)} exited ${code}: ${stderr.trim().split("\n")[0]}`),
        );
        return;
      }
      const peakRssKib = Number(fs.readFileSync(rssFile, "utf8"));
      resolve({ ms, peakRssKib });
    });
  });
}

async function fastest(runs: number, once: () => Promise<Run>): Promise<Run> {
  let best: Run | undefined;
  for (let i = 0; i < runs; i++) {
    const run = await once();
    if (!best || run.ms < best.ms) best = run;
  }
  return best as Run;
}

interface Usage {
  readonly sizes: readonly number[];
  readonly runs: number;
  readonly json?: string;
  readonly floorsWithoutStackTraces: boolean;
}

async function measureSize(vaults: number, usage: Usage, dir: string): Promise<Measurement> {
  const { runs } = usage;
  const stackFile = path.join(dir, `Pulumi.bench-${vaults}.yaml`);
  fs.writeFileSync(stackFile, stringify({ config: benchStackConfig(vaults) }));
  const planJson = path.join(dir, `plan-${vaults}.json`);
  const step = (what: string) => process.stderr.write(`bench: ${vaults} vaults: ${what}\n`);

  step("plan");
  const plan = await fastest(runs, () =>
    measureProcess(
      path.join(ROOT, "tools", "plan", "cli.ts"),
      ["--stack", "bench", "--config", stackFile, "--json", planJson, "--quiet"],
      dir,
    ),
  );
  const report = JSON.parse(fs.readFileSync(planJson, "utf8")) as {
    summary: { resources: number };
  };
  const floor = (variant: string) =>
    fastest(runs, () =>
      measureProcess(
        path.join(ROOT, "tools", "bench", "floor.ts"),
        [planJson, variant, ...(usage.floorsWithoutStackTraces ? ["no-stack-traces"] : [])],
        dir,
      ),
    );
  step("naive floor");
  const naive = await floor("naive");
  step("limit");
  const limit = await floor("limit");
  return {
    vaults,
    resources: report.summary.resources,
    planMs: plan.ms,
    planPeakRssKib: plan.peakRssKib,
    naiveMs: naive.ms,
    limitMs: limit.ms,
  };
}

function parseUsage(argv: readonly string[]): Usage {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        sizes: { type: "string", default: "10,50,200" },
        runs: { type: "string", default: "1" },
        json: { type: "string" },
        "floors-without-stack-traces": { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const sizes = values.sizes.split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_VAULTS)) {
    throw new UsageError(`--sizes must be whole numbers of vaults from 1 to ${MAX_VAULTS}`);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 10) {
    throw new UsageError("--runs must be a whole number from 1 to 10");
  }
  return {
    sizes,
    runs,
    json: values.json,
    floorsWithoutStackTraces: values["floors-without-stack-traces"],
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let usage;
  try {
    usage = parseUsage(argv);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-bench-"));
  try {
    const rows = [];
    for (const vaults of usage.sizes) {
      rows.push(benchRow(await measureSize(vaults, usage, dir)));
    }
    const report: BenchReport = { rows };
    const cpus = os.cpus();
    process.stdout.write(
      `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, fastest of ${usage.runs} run(s)${usage.floorsWithoutStackTraces ? ", floors without stack traces" : ""}\n\n`,
    );
    process.stdout.write(renderTable(rows));
    const checks = targetChecks(rows);
    if (checks.length > 0) process.stdout.write(`\n${renderTargets(checks)}`);
    if (usage.json) fs.writeFileSync(usage.json, `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(3);
    },
  );
}
