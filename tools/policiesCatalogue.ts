import * as fs from "fs";
import { buildCatalogue, renderMarkdown } from "../policies/catalogue";

const USAGE = "usage: npm run policies -- [--json <file>] [--markdown [<file>]]";

interface Options {
  json?: string;
  markdown?: string | true;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (arg === "--json") {
      if (next === undefined || next.startsWith("--")) throw new Error("--json needs a file path");
      opts.json = next;
      i++;
    } else if (arg === "--markdown") {
      if (next !== undefined && !next.startsWith("--")) {
        opts.markdown = next;
        i++;
      } else {
        opts.markdown = true;
      }
    } else {
      throw new Error(`unknown argument '${arg}'`);
    }
  }
  if (opts.json === undefined && opts.markdown === undefined) {
    throw new Error("nothing to do: pass --json <file> and/or --markdown [<file>]");
  }
  return opts;
}

function main(argv: readonly string[]): number {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const entries = buildCatalogue();
  if (opts.json !== undefined) {
    fs.writeFileSync(opts.json, `${JSON.stringify(entries, null, 2)}\n`);
  }
  if (opts.markdown === true) {
    process.stdout.write(renderMarkdown(entries));
  } else if (opts.markdown !== undefined) {
    fs.writeFileSync(opts.markdown, renderMarkdown(entries));
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

export { main };
