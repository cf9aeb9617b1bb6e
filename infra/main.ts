import * as pulumi from "@pulumi/pulumi";
import { estateProgram, runAtOnce } from "./program";
import type { ResolvedEstate } from "./model/types";
import { resolveSecretValues, SecretValues, SourceInputs } from "./sources";

/**
 * The keys of secret config values, as the engine hands them to the program: the language host
 * sets `PULUMI_CONFIG_SECRET_KEYS` (a JSON array), which the SDK reads into its store
 * (`runtime/state.ts`) without a public accessor.
 */
function engineSecretKeys(): string[] {
  try {
    const keys: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]");
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/**
 * A deployment's secret values: every env and config source read from what the pipeline set, as
 * `pulumi up` (one `SecretSourceError` for every missing or undecodable source, before anything is
 * registered) or `pulumi preview` (one warning; missing values unknown) reads them.
 */
export function pipelineSecretValues(
  inputs: SourceInputs,
): (estate: ResolvedEstate) => SecretValues {
  return (estate) =>
    resolveSecretValues(estate, {
      mode: pulumi.runtime.isDryRun() ? "preview" : "up",
      inputs,
      readSecretConfig: (key) => new pulumi.Config().requireSecret(key),
      warn: (message) => void pulumi.log.warn(message),
    });
}

/**
 * The program's entry, and the only code that reads config, the environment and the clock: it
 * runs the program (`estateProgram`) on what it read, building every vault at once, and returns
 * the stack outputs.
 */
export async function main() {
  const config = pulumi.runtime.allConfig();
  return runAtOnce(
    estateProgram({
      config,
      secretKeys: engineSecretKeys(),
      now: new Date(),
      secretValues: pipelineSecretValues({ env: process.env, config }),
    }),
  );
}
