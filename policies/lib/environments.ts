import * as fs from "fs";
import * as path from "path";

// One list of environments for the program and the pack.
export { ENVIRONMENTS, type Environment } from "../../stacks/baseline";
import type { Environment } from "../../stacks/baseline";

/** Path of an environment's policy config, the file passed to `--policy-pack-config`. */
function policyConfigPath(env: Environment): string {
  return path.join(__dirname, "..", "config", `${env}.json`);
}

/** The environment's policy config as raw JSON (validate it with parsePolicyConfig). */
export function loadPolicyConfig(env: Environment): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(policyConfigPath(env), "utf8")) as Record<string, unknown>;
}
