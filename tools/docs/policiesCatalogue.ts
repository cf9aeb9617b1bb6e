import * as fs from "fs";
import { REPO_ROOT } from "../contract/repo";
import * as path from "path";
import { parseArgs } from "util";
import { buildCatalogue, renderMarkdown } from "../../policies/catalogue";

/**
 * `npm run policies -- [--json <file>] [--markdown [<file>]] [--readme]`: the policy catalogue as
 * JSON, as the README's Markdown table, or written into README.md between its markers.
 */

const USAGE = "usage: npm run policies -- [--json <file>] [--markdown [<file>]] [--readme]";

export const README = path.join(REPO_ROOT, "README.md");
export const BEGIN = "<!-- policies:begin (npm run policies -- --readme) -->";
export const END = "<!-- policies:end -->";

/** `readme` with the text between the policy-table markers replaced by `table`. */
export function withPolicyTable(readme: string, table: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} section`);
  return `${readme.slice(0, start + BEGIN.length)}\n${table}${readme.slice(end)}`;
}

export function main(argv: readonly string[]): number {
  let values: { json?: string; markdown?: boolean; readme?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        json: { type: "string" },
        markdown: { type: "boolean" },
        readme: { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    }));
    if (positionals.length > (values.markdown ? 1 : 0)) {
      throw new Error(`unexpected argument '${positionals[positionals.length - 1]}'`);
    }
    if (!values.json && !values.markdown && !values.readme) {
      throw new Error("nothing to do: pass --json <file>, --markdown [<file>] or --readme");
    }
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const entries = buildCatalogue();
  const table = renderMarkdown(entries);
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(entries, null, 2)}\n`);
  if (values.markdown) {
    if (positionals[0]) fs.writeFileSync(positionals[0], table);
    else process.stdout.write(table);
  }
  if (values.readme) {
    fs.writeFileSync(README, withPolicyTable(fs.readFileSync(README, "utf8"), table));
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
