import * as path from "path";

/** The repository's root, which the tools read the stack files, the pack and the README from. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
