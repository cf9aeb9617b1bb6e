// The engine tier's workspace: a throw-away copy of the program that the real Pulumi CLI
// (build-cli.sh) deploys against a local file backend, with the fake `azure-native` / `random`
// plugins of provider/bin on PATH. Used by test/engine/*.spec.ts.
//
//   const bin = engineBin();                       // build-cli.sh (cached), once per process
//   const ws = engineWorkspace({ bin });
//   ws.pulumi(["stack", "init", "dev"]);
//   const r = ws.pulumi(["preview", "--json"], { env: ws.secretEnv("dev") });
//   ws.leaks();                                    // canaries seen in any output so far
//   ws.cleanup();
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../contract/repo";

const REPO = REPO_ROOT;
const PROVIDER_BIN = path.join(REPO, "tools", "engine-tier", "provider", "bin");

/** The passphrase of every workspace's stacks (the file backend's passphrase secrets provider). */
const PASSPHRASE = "engine-tier-test";

/**
 * What the workspace copies: the program (Pulumi.yaml, the stack files, infra/, stacks/), the
 * policy pack, the TypeScript set-up, and tools/ for the tools the deploy runs next to the engine
 * (the offline plan, locked-deletes), so both read the same snapshot of the tree.
 */
const COPIED = [
  "Pulumi.yaml",
  "infra",
  "stacks",
  "policies",
  "tools",
  "package.json",
  "tsconfig.json",
];

export interface RunResult {
  readonly command: string;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

interface RunOptions {
  /** Extra environment (e.g. `secretEnv(stack)`), over the workspace's. */
  readonly env?: Record<string, string>;
  /** Standard input. */
  readonly input?: string;
  /** Milliseconds before the command is killed; default 5 minutes. */
  readonly timeoutMs?: number;
  /** Output meant to hold secrets (`stack export --show-secrets`): kept out of `leaks()`. */
  readonly sensitive?: boolean;
}

/** The committed stacks: `Pulumi.<stack>.yaml` at the repository root. */
export function committedStacks(root: string = REPO): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** A stack's `<project>:environment` (selects policies/config/<env>.json); the stack name if unset. */
export function stackEnvironment(stack: string, root: string = REPO): string {
  const project = String(
    (parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name?: unknown })
      ?.name ?? "",
  );
  const file = parseYaml(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  } | null;
  const env = file?.config?.[`${project}:environment`];
  return typeof env === "string" ? env : stack;
}

let cachedBin: string | undefined;

/** Runs build-cli.sh (idempotent; ~0.3 s when built) once per process; returns its bin dir. */
export function engineBin(): string {
  if (cachedBin) return cachedBin;
  const script = path.join(REPO, "tools", "engine-tier", "build-cli.sh");
  const r = spawnSync("bash", [script], { encoding: "utf8", timeout: 30 * 60_000 });
  if (r.status !== 0) {
    throw new Error(`build-cli.sh failed (${r.status ?? r.signal}):\n${tail(r.stderr ?? "", 40)}`);
  }
  const bin = (r.stdout ?? "").trim().split("\n").pop() ?? "";
  if (!fs.existsSync(path.join(bin, "pulumi"))) {
    throw new Error(`build-cli.sh printed no bin dir with pulumi in it: ${JSON.stringify(bin)}`);
  }
  cachedBin = bin;
  return bin;
}

export interface EngineWorkspace {
  /** The project directory (the copy). */
  readonly dir: string;
  /** The environment every command runs with. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs `pulumi <args> --non-interactive` in the project directory. */
  pulumi(args: readonly string[], opts?: RunOptions): RunResult;
  /** Runs any command (npm, node) in the project directory with the workspace's environment. */
  run(command: string, args: readonly string[], opts?: RunOptions): RunResult;
  /** Every command run so far, with its output. */
  readonly log: readonly RunResult[];
  /**
   * The canary values of the stack's secret inputs, from the offline plan's `requiredInputs`
   * (`env`: an environment variable; `config`: a secret config key): `FAKE-CANARY-<name>`.
   */
  canaries(stack: string): readonly { kind: string; name: string; value: string }[];
  /** The environment variables carrying the stack's canaries (pass as `{ env }`). */
  secretEnv(stack: string): Record<string, string>;
  /** `pulumi stack init <stack>` and `pulumi config set --secret` for each config-kind canary. */
  initStack(stack: string): void;
  /** Where a canary appears in the output of a command run so far ("<canary> in <command> stdout"). */
  leaks(): string[];
  /** A file path inside the workspace's scratch area. */
  scratch(name: string): string;
  cleanup(): void;
}

export function engineWorkspace(opts: { bin?: string; keep?: boolean } = {}): EngineWorkspace {
  const bin = opts.bin ?? engineBin();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "engine-tier-"));
  const dir = path.join(tmp, "project");
  const home = path.join(tmp, "home");
  const state = path.join(tmp, "state");
  const scratchDir = path.join(tmp, "scratch");
  for (const d of [dir, home, state, scratchDir]) fs.mkdirSync(d, { recursive: true });
  for (const entry of [...COPIED, ...committedStacks().map((s) => `Pulumi.${s}.yaml`)]) {
    const from = path.join(REPO, entry);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(dir, entry), {
      recursive: true,
      filter: (src) => path.basename(src) !== "node_modules",
    });
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");

  // The parent's Pulumi settings (a token, another backend, a passphrase file) must not leak in.
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("PULUMI_")) base[k] = v;
  }
  const env: Record<string, string> = {
    ...base,
    PATH: [bin, PROVIDER_BIN, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Type checking is CI's job (`npm run build`); it costs 10-30 s per program start.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // Shows `preview --event-log` (cmd/pulumi/operations/preview.go: env.DebugCommands): the
    // `--json` digest drops policy events (backend/display/json.go, ShowPreviewDigest), the event
    // log keeps them.
    PULUMI_DEBUG_COMMANDS: "true",
    NO_COLOR: "1",
  };

  const log: RunResult[] = [];
  const canaryCache = new Map<string, { kind: string; name: string; value: string }[]>();

  function run(command: string, args: readonly string[], o: RunOptions = {}): RunResult {
    const t0 = Date.now();
    const r = spawnSync(command, [...args], {
      cwd: dir,
      env: { ...env, ...(o.env ?? {}) },
      input: o.input,
      encoding: "utf8",
      timeout: o.timeoutMs ?? 5 * 60_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    const result: RunResult = {
      command: [command, ...args].join(" "),
      status: r.status,
      signal: r.signal,
      stdout: r.stdout ?? "",
      stderr: (r.stderr ?? "") + (r.error ? `\n[spawn] ${r.error.message}` : ""),
      ms: Date.now() - t0,
    };
    if (!o.sensitive) log.push(result);
    return result;
  }

  function canaries(stack: string) {
    const hit = canaryCache.get(stack);
    if (hit) return hit;
    const out = path.join(scratchDir, `canary-plan-${stack}.json`);
    const r = run("npm", ["run", "--silent", "plan", "--", "--stack", stack, "--json", out]);
    if (!fs.existsSync(out)) {
      throw new Error(
        `offline plan of ${stack} wrote no report (${r.status}):\n${tail(r.stderr, 20)}`,
      );
    }
    const report = JSON.parse(fs.readFileSync(out, "utf8")) as {
      requiredInputs?: { kind: string; name: string }[];
    };
    const list = (report.requiredInputs ?? []).map((i) => ({
      kind: i.kind,
      name: i.name,
      value: `FAKE-CANARY-${i.name.replace(/[^A-Za-z0-9_-]/g, "_")}`,
    }));
    canaryCache.set(stack, list);
    return list;
  }

  function secretEnv(stack: string): Record<string, string> {
    return Object.fromEntries(
      canaries(stack)
        .filter((c) => c.kind === "env")
        .map((c) => [c.name, c.value]),
    );
  }

  function pulumi(args: readonly string[], o: RunOptions = {}): RunResult {
    return run(path.join(bin, "pulumi"), [...args, "--non-interactive"], o);
  }

  return {
    dir,
    env,
    log,
    run,
    pulumi,
    canaries,
    secretEnv,
    initStack(stack) {
      const init = pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
      if (init.status !== 0)
        throw new Error(`pulumi stack init ${stack}: ${tail(init.stderr, 20)}`);
      for (const c of canaries(stack).filter((x) => x.kind === "config")) {
        // The value through stdin, so it is in no argv (and in no process listing).
        const set = pulumi(["config", "set", "--secret", "--stack", stack, c.name], {
          input: c.value,
        });
        if (set.status !== 0)
          throw new Error(`pulumi config set ${c.name}: ${tail(set.stderr, 20)}`);
      }
    },
    leaks() {
      const values = [...canaryCache.values()].flat().map((c) => c.value);
      const found: string[] = [];
      for (const r of log) {
        for (const v of values) {
          if (r.stdout.includes(v)) found.push(`${v} in \`${r.command}\` stdout`);
          if (r.stderr.includes(v)) found.push(`${v} in \`${r.command}\` stderr`);
        }
      }
      return found;
    },
    scratch(name) {
      return path.join(scratchDir, name);
    },
    cleanup() {
      if (!opts.keep && !process.env.ENGINE_TIER_KEEP)
        fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The last `n` lines of `text`. */
export function tail(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

/** One line of `pulumi ... --event-log` (apitype.EngineEvent), the parts the tests read. */
export interface EngineEvent {
  readonly policyEvent?: {
    readonly resourceUrn?: string;
    readonly message: string;
    readonly policyName: string;
    readonly policyPackName: string;
    readonly enforcementLevel: string;
  };
  readonly diagnosticEvent?: {
    readonly urn?: string;
    readonly message: string;
    readonly severity: string;
  };
}

/** Reads an `--event-log` file: one JSON event per line (sdk/go/common/apitype/events.go). */
export function readEventLog(file: string): EngineEvent[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as EngineEvent);
}
