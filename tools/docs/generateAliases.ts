/**
 * Regenerates `policies/reference/azure-policy-aliases/aliases.json`: the Azure Policy aliases of
 * the resource types this program creates, and the property path each alias reads.
 *
 * Input is Azure's own alias list, in either of two shapes:
 *   --az <dir>        JSON files written by `az provider show --namespace <ns> --expand "resourceTypes/aliases"`
 *   --markdown <dir>  a checkout of github.com/maciejporebski/azure-policy-aliases (its `aliases/` tables,
 *                     produced by `Get-AzPolicyAlias -ListAvailable`)
 *
 *   npx ts-node --transpile-only tools/docs/generateAliases.ts --markdown <checkout> --source "<what and when>"
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ALIAS_TYPES } from "../plan/armTypes";

export const ALIASES_FILE = path.resolve(
  __dirname,
  "../../policies/reference/azure-policy-aliases/aliases.json",
);

/** The committed alias data: per ARM type, alias name -> property path (`properties.x[*].y`). */
export interface AliasData {
  readonly source: string;
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One alias row as Azure lists it. */
interface AliasRow {
  readonly type: string;
  readonly alias: string;
  readonly path: string;
}

/** Reads the Markdown tables (`| \`path\` | \`alias\` |`) of one alias file; the title names the type. */
export function parseMarkdownAliases(text: string): AliasRow[] {
  const title = /^#\s+(\S+)/m.exec(text);
  if (!title) return [];
  const rows: AliasRow[] = [];
  for (const m of text.matchAll(/^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|/gm)) {
    rows.push({ type: title[1], path: m[1], alias: m[2] });
  }
  return rows;
}

interface AzProvider {
  namespace?: string;
  resourceTypes?: {
    resourceType?: string;
    aliases?: { name?: string; defaultPath?: string; paths?: { path?: string }[] }[];
  }[];
}

/** Reads `az provider show --expand "resourceTypes/aliases"` output. */
export function parseAzProviderAliases(doc: AzProvider): AliasRow[] {
  const rows: AliasRow[] = [];
  for (const rt of doc.resourceTypes ?? []) {
    for (const a of rt.aliases ?? []) {
      // `defaultPath` is the path for the newest API versions; older dumps only list `paths`.
      const p = a.defaultPath ?? a.paths?.[a.paths.length - 1]?.path;
      if (a.name && p && doc.namespace && rt.resourceType) {
        rows.push({ type: `${doc.namespace}/${rt.resourceType}`, alias: a.name, path: p });
      }
    }
  }
  return rows;
}

/** Keeps the types this program creates; an alias listed twice keeps its first path. */
export function buildAliasData(rows: readonly AliasRow[], source: string): AliasData {
  const wanted = new Map(ALIAS_TYPES.map((t) => [t.toLowerCase(), t]));
  const types: Record<string, Record<string, string>> = {};
  for (const r of rows) {
    const type = wanted.get(r.type.toLowerCase());
    if (!type) continue;
    const table = (types[type] ??= {});
    if (!Object.keys(table).some((k) => k.toLowerCase() === r.alias.toLowerCase())) {
      table[r.alias] = r.path;
    }
  }
  const sorted = Object.fromEntries(
    Object.keys(types)
      .sort()
      .map((t) => [
        t,
        Object.fromEntries(
          Object.keys(types[t])
            .sort((a, b) => a.localeCompare(b))
            .map((k) => [k, types[t][k]]),
        ),
      ]),
  );
  return { source, types: sorted };
}

function walk(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? walk(path.join(dir, e.name), ext)
        : e.name.endsWith(ext)
          ? [path.join(dir, e.name)]
          : [],
    );
}

function main(): void {
  const { values } = parseArgs({
    options: {
      az: { type: "string" },
      markdown: { type: "string" },
      source: { type: "string" },
      out: { type: "string" },
    },
  });
  if (!values.source || (!values.az && !values.markdown)) {
    process.stderr.write(
      "usage: generateAliases.ts (--az <dir> | --markdown <dir>) --source <text> [--out <file>]\n",
    );
    process.exit(2);
  }
  const rows = values.az
    ? walk(values.az, ".json").flatMap((f) =>
        parseAzProviderAliases(JSON.parse(fs.readFileSync(f, "utf8")) as AzProvider),
      )
    : walk(values.markdown as string, ".md").flatMap((f) =>
        parseMarkdownAliases(fs.readFileSync(f, "utf8")),
      );
  const data = buildAliasData(rows, values.source);
  const missing = ALIAS_TYPES.filter((t) => !data.types[t]);
  fs.writeFileSync(values.out ?? ALIASES_FILE, `${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(
    `${Object.keys(data.types).length} types written` +
      (missing.length ? `; no aliases listed for: ${missing.join(", ")}\n` : "\n"),
  );
}

if (require.main === module) main();
