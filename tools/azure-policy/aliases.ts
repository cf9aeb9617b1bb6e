import * as fs from "fs";
import * as path from "path";

/** Where an alias points: the ARM type it belongs to and the property path it reads. */
export interface AliasTarget {
  readonly type: string;
  readonly path: string;
}

const ALIAS_DIR = path.resolve(__dirname, "../../policies/reference/azure-policy-aliases");

let table: Map<string, AliasTarget> | undefined;

/** The committed alias files (ARM aliases and Key Vault data-plane aliases), by lower-case name. */
function aliasTable(): ReadonlyMap<string, AliasTarget> {
  if (!table) {
    table = new Map();
    for (const file of ["aliases.json", "keyvault-data.json"]) {
      const data = JSON.parse(fs.readFileSync(path.join(ALIAS_DIR, file), "utf8")) as {
        types: Record<string, Record<string, string>>;
      };
      for (const [type, aliases] of Object.entries(data.types)) {
        for (const [alias, p] of Object.entries(aliases)) {
          if (!table.has(alias.toLowerCase())) table.set(alias.toLowerCase(), { type, path: p });
        }
      }
    }
  }
  return table;
}

export function resolveAlias(alias: string): AliasTarget | undefined {
  return aliasTable().get(alias.toLowerCase());
}
