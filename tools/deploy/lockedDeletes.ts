import * as fs from "fs";
import { parseArgs } from "util";
import { TOKENS } from "../../infra/azure/tokens";
import { UNLOCK_SCOPE_INPUT } from "../contract/unlock";

/**
 * The deletes of a deployment that a CanNotDelete lock would stop, and the locks to lift for them.
 *
 * Azure refuses to delete anything under a CanNotDelete lock (`ScopeLocked`); "a cannot-delete
 * lock on a resource or resource group prevents the deletion of Azure RBAC assignments", and the
 * lock applies to child and extension resources such as diagnostic settings (Microsoft Learn, "Lock
 * your resources to protect your infrastructure", Considerations). The prod baseline keeps the
 * vault lock, so revoking access needs the lock lifted for that one deploy: the deploy pipeline's
 * reviewed unlock step (`scripts/revoke-under-lock.sh`) asks this tool which locks and which
 * deletes, lifts those locks, runs the deletes alone (`pulumi up --target`), then restores those
 * locks alone (`pulumi up --refresh --target`) and checks each is back.
 *
 * Inputs are the engine's own documents: `pulumi preview --json` (the `PreviewDigest` of
 * pulumi/pulumi pkg/display/json.go: `steps[]` with `op`, `urn` and, for a delete, `oldState`) and
 * `pulumi stack export` (`deployment.resources[]`, apitype.ResourceV3: `urn`, `type`, `id`,
 * `inputs`). Neither holds a secret value this tool reads or prints: only ids, URNs and scopes.
 *
 *   npm run --silent locked-deletes -- --preview preview.json --state state.json
 */

const LOCK: string = TOKENS.lock;

export interface LockedDeletes {
  /** The locks to lift: each CanNotDelete lock of the stack that covers one of `targets`. */
  readonly locks: readonly { readonly urn: string; readonly id: string; readonly scope: string }[];
  /** The deletes those locks would stop, as URNs for `pulumi up --target`. */
  readonly targets: readonly string[];
}

interface StateResource {
  readonly urn?: unknown;
  readonly type?: unknown;
  readonly id?: unknown;
  readonly inputs?: Record<string, unknown>;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Whether ARM id `id` is `scope` or lies under it (ARM ids compare case-insensitively). */
function within(id: string, scope: string): boolean {
  const a = id.toLowerCase();
  const b = scope.toLowerCase().replace(/\/+$/, "");
  return b.length > 0 && (a === b || a.startsWith(`${b}/`));
}

/**
 * The step kinds that delete the resource a step names. `pulumi preview --json` shows a replacement
 * as one `replace` step (with `oldState`) unless `--show-replacement-steps` is given, which adds
 * `create-replacement` and `delete-replaced` (pkg/display/json.go; the op names are the StepOp
 * constants of pkg/resource/deploy/step.go). Either way the old resource is deleted.
 */
const DELETING_OPS: ReadonlySet<unknown> = new Set(["delete", "delete-replaced", "replace"]);

/** Finds the deletes under a lock that stays. Throws on documents of the wrong shape. */
export function lockedDeletes(preview: unknown, state: unknown): LockedDeletes {
  const steps = (preview as { steps?: unknown })?.steps;
  const deployment = (state as { deployment?: { resources?: unknown } })?.deployment;
  if (!Array.isArray(steps))
    throw new Error("--preview: not a `pulumi preview --json` document (no steps)");
  if (deployment === null || typeof deployment !== "object") {
    throw new Error("--state: not a `pulumi stack export` document (no deployment)");
  }
  // A stack with nothing deployed yet exports no `resources` at all (apitype.DeploymentV3 marks
  // it omitempty): its first deploy has no lock to lift.
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) {
    throw new Error("--state: not a `pulumi stack export` document (deployment.resources)");
  }
  const deleted = new Set<string>();
  const deletes: { urn: string; scope: string }[] = [];
  for (const s of steps as { op?: unknown; urn?: unknown; oldState?: StateResource }[]) {
    if (!DELETING_OPS.has(s.op)) continue;
    const urn = text(s.urn);
    if (deleted.has(urn)) continue; // `replace` and `delete-replaced` of one replacement
    deleted.add(urn);
    const type = text(s.oldState?.type);
    const key = UNLOCK_SCOPE_INPUT[type];
    const scope = key ? text(s.oldState?.inputs?.[key]) : "";
    if (scope) deletes.push({ urn, scope });
  }
  const locks = (resources as StateResource[])
    .filter((r) => r.type === LOCK && r.inputs?.level === "CanNotDelete")
    .map((r) => ({ urn: text(r.urn), id: text(r.id), scope: text(r.inputs?.scope) }))
    // A lock deleted in the same deploy is the change's own business, not this step's.
    .filter((l) => l.id && l.scope && !deleted.has(l.urn));
  const targets = deletes.filter((d) => locks.some((l) => within(d.scope, l.scope)));
  return {
    locks: locks.filter((l) => targets.some((d) => within(d.scope, l.scope))),
    targets: targets.map((d) => d.urn).sort(),
  };
}

function main(argv: readonly string[]): number {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { preview: { type: "string" }, state: { type: "string" } },
      strict: true,
    });
    if (!values.preview || !values.state) throw new Error("--preview and --state are required");
    const read = (flag: string, file: string) => {
      try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
      } catch {
        throw new Error(`${flag}: cannot read JSON from ${file}`);
      }
    };
    const result = lockedDeletes(read("--preview", values.preview), read("--state", values.state));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
