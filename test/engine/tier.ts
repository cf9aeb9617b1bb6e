// Shared by the engine tier's specs (run with `npx mocha --config .mocharc.engine.json`).
import { expect } from "chai";
import type { EngineEvent, RunResult } from "../../tools/engine-tier/workspace";
import { tail } from "../../tools/engine-tier/workspace";

/**
 * `describe` in the engine tier, `describe.skip` elsewhere: the default suite's glob
 * (test/**\/*.spec.ts) also finds these files, and they need the built CLI and minutes.
 */
export const describeEngine: Mocha.SuiteFunction | Mocha.PendingSuiteFunction =
  process.env.KVE_ENGINE_TIER === "1" ? describe : describe.skip;

/** Fails with the command, its exit status and its output's tail unless it exited 0. */
export function expectOk(r: RunResult, lines = 30): void {
  const detail = `\`${r.command}\` exited ${r.status ?? r.signal} after ${r.ms} ms\n--- stderr\n${tail(r.stderr, lines)}\n--- stdout\n${tail(r.stdout, lines)}`;
  expect(r.status, detail).to.equal(0);
}

/** `pulumi preview --json`'s document (pkg/display/json.go, PreviewDigest), the parts read here. */
export interface PreviewDigest {
  readonly steps?: readonly {
    readonly op: string;
    readonly urn: string;
    readonly oldState?: unknown;
    readonly newState?: unknown;
  }[];
  readonly diagnostics?: readonly { urn?: string; message?: string; severity?: string }[];
  readonly changeSummary?: Readonly<Record<string, number>>;
}

/** Parses a `--json` stdout; on failure, says what the command printed instead. */
export function parseDigest(r: RunResult): PreviewDigest {
  try {
    return JSON.parse(r.stdout) as PreviewDigest;
  } catch {
    throw new Error(
      `\`${r.command}\` printed no JSON (exit ${r.status}):\n${tail(r.stdout, 20)}\n${tail(r.stderr, 20)}`,
    );
  }
}

/** Mandatory policy violations, from the event log (the --json digest drops policy events). */
export function mandatoryViolations(events: readonly EngineEvent[]): string[] {
  return events
    .map((e) => e.policyEvent)
    .filter(
      (p): p is NonNullable<EngineEvent["policyEvent"]> => p?.enforcementLevel === "mandatory",
    )
    .map(
      (p) =>
        `${p.policyName} on ${p.resourceUrn ?? "the stack"}: ${p.message.trim().replace(/\n/g, " / ")}`,
    );
}

/** The digest's and the event log's error diagnostics. */
export function errorDiagnostics(digest: PreviewDigest, events: readonly EngineEvent[]): string[] {
  const fromDigest = (digest.diagnostics ?? [])
    .filter((d) => d.severity === "error")
    .map((d) => `${d.urn ?? ""} ${d.message ?? ""}`.trim());
  const fromLog = events
    .map((e) => e.diagnosticEvent)
    .filter((d) => d?.severity === "error")
    .map((d) => `${d?.urn ?? ""} ${d?.message ?? ""}`.trim());
  return [...new Set([...fromDigest, ...fromLog])];
}
