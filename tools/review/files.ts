import * as fs from "fs";
import * as path from "path";

/**
 * The plan CLI's file arguments. `npm run plan` runs in the package directory whatever directory
 * the user typed it in, and npm records that directory in `INIT_CWD`: relative paths resolve
 * against it, so `--json plan.json` lands where the user expects.
 */
export function userPath(file: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.INIT_CWD || process.cwd(), file);
}

/** The real path of a file, or of its directory joined with its name when it does not exist yet. */
function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
    } catch {
      return path.resolve(file);
    }
  }
}

/**
 * The output flags (`--json`, `--markdown`) that name the base plan of `--compare` itself, through
 * any relative path or symbolic link: writing one would overwrite the base the review reads.
 */
export function outputsOverwritingBase(
  outputs: Readonly<Record<string, string | undefined>>,
  base: string,
): string[] {
  const target = realPath(base);
  return Object.entries(outputs)
    .filter(([, file]) => file !== undefined && realPath(file) === target)
    .map(([flag]) => flag);
}
