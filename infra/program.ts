import * as authorization from "@pulumi/azure-native/authorization";
import { Estate, EstateOutputs } from "./components/estate";
import { resolveEstate } from "./model/estate";
import type { ResolvedEstate } from "./model/types";
import type { SecretValues } from "./sources";

/** What the program is given: everything the entry read (`main.ts`). The program reads nothing. */
export interface ProgramInputs {
  /** The flat stack config (`pulumi.runtime.allConfig()`). */
  readonly config: Readonly<Record<string, string>>;
  /** The config keys whose values are secret. */
  readonly secretKeys: readonly string[];
  /** The instant of the run. */
  readonly now: Date;
  /**
   * The values of the resolved model's env and config sources (`pipelineSecretValues` in a
   * deployment). Called once, before any resource is registered; may throw to refuse the run.
   */
  readonly secretValues: (estate: ResolvedEstate) => SecretValues;
}

/**
 * The program, one vault at a time: resolves the model (nothing is registered if any field is
 * wrong), reads every secret's source, builds the estate's shared resources and its first vault,
 * then one more vault each time it is resumed (`Estate.build`), yielding each vault's logical name;
 * returns the stack outputs. `main()` runs it through at once (`runAtOnce`); a caller may let each
 * vault's registrations finish before resuming it. The resources are the same either way.
 */
export function* estateProgram(inputs: ProgramInputs): Generator<string, EstateOutputs, void> {
  const estate = resolveEstate({
    config: inputs.config,
    secretKeys: inputs.secretKeys,
    now: inputs.now,
  });
  const secretValues = inputs.secretValues(estate);
  // The deploying identity: an invoke, which the engine answers in a preview too.
  const client = authorization.getClientConfigOutput();
  const tenantId = estate.tenantId ?? client.apply((c) => c.tenantId);
  const subscriptionId = client.apply((c) => c.subscriptionId);
  const built = yield* Estate.build("estate", { estate, tenantId, subscriptionId, secretValues });
  return built.outputs;
}

/** Runs a program's steps through without pausing: every vault at once, as a deployment builds. */
export function runAtOnce<T>(steps: Generator<unknown, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
