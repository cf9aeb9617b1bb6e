import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { parseStackConfig } from "./config";
import { Estate } from "./estate";
import { resolveSecretValues, SourceMode } from "./secretSources";

/** How the offline plan runs the program; a deployment calls `main()` without options. */
export interface MainOptions {
  /**
   * Resolve secret sources as the offline plan does: no value is read, each is a secret
   * placeholder. Refused outside a dry run, so a placeholder can never be deployed. Defaults to false.
   */
  readonly offline?: boolean;
  /** The environment secret sources are read from. Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The program: read the stack config, validate it whole (nothing is registered if any field is
 * wrong), resolve every secret's source (in `pulumi up`, nothing is registered if one is missing),
 * build the estate and return the stack outputs. The only place that reads config and env.
 */
export function main(opts: MainOptions = {}) {
  const flat = pulumi.runtime.allConfig();
  const config = parseStackConfig(flat);
  const mode: SourceMode = opts.offline ? "offline" : pulumi.runtime.isDryRun() ? "preview" : "up";
  const secrets = resolveSecretValues(config, {
    mode,
    inputs: { env: opts.env ?? process.env, config: flat },
    readSecretConfig: (key) => new pulumi.Config().requireSecret(key),
    warn: (message) => void pulumi.log.warn(message),
  });
  const tenantId =
    config.tenantId ?? authorization.getClientConfigOutput().apply((c) => c.tenantId);
  const estate = new Estate("estate", { config, tenantId, secrets });
  return estate.outputs();
}
