import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { Estate } from "./components/estate";
import { resolveEstate } from "./model/estate";
import { resolveSecretValues, SourceMode } from "./sources";

/** How the offline plan runs the program; a deployment calls `main()` without options. */
export interface MainOptions {
  /**
   * Resolve secret sources as the offline plan does: no value is read, each is a secret
   * placeholder. Refused outside a dry run, so a placeholder can never be deployed. Defaults to false.
   */
  readonly offline?: boolean;
  /** The environment secret sources are read from. Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The instant of the run. Defaults to the clock. */
  readonly now?: Date;
  /** The config keys whose values are secret. Defaults to what the engine passed (see below). */
  readonly secretKeys?: readonly string[];
  /**
   * Awaited after each vault is added: the offline plan lets that vault's registrations finish
   * before it builds the next, so an estate of hundreds of vaults is never pending all at once.
   * A deployment builds every vault at once (no wait).
   */
  readonly settle?: () => Promise<void>;
}

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
 * The program's entry, and the only code that reads config, the environment and the clock: it
 * resolves the model (nothing is registered if any field is wrong), reads every secret's source
 * (in `pulumi up`, nothing is registered if one is missing), builds the estate and returns the
 * stack outputs.
 */
export async function main(opts: MainOptions = {}) {
  const flat = pulumi.runtime.allConfig();
  const estate = resolveEstate({
    config: flat,
    secretKeys: opts.secretKeys ?? engineSecretKeys(),
    now: opts.now ?? new Date(),
  });
  const mode: SourceMode = opts.offline ? "offline" : pulumi.runtime.isDryRun() ? "preview" : "up";
  const secretValues = resolveSecretValues(estate, {
    mode,
    inputs: { env: opts.env ?? process.env, config: flat },
    readSecretConfig: (key) => new pulumi.Config().requireSecret(key),
    warn: (message) => void pulumi.log.warn(message),
  });
  const tenantId =
    estate.tenantId ?? authorization.getClientConfigOutput().apply((c) => c.tenantId);
  const args = { estate, tenantId, secretValues };
  if (!opts.settle) return new Estate("estate", args).outputs;
  const built = new Estate("estate", args, {}, true);
  for (const vault of estate.vaults) {
    built.addVault(vault);
    await opts.settle();
  }
  built.complete();
  return built.outputs;
}
