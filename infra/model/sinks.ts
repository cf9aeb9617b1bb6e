import type { Baseline } from "../../stacks";
import { childName, ESTATE_NAMES } from "./names";
import type { ResolvedLock } from "./types";

/**
 * How the estate protects the audit sinks it creates. Where the baseline protects vaults (prod), the
 * workspace and the archive account are `protect`ed, so neither `pulumi destroy` nor a change that
 * drops them from the program (switching to an existing sink) can delete them without first
 * unprotecting them in a reviewed change; and each carries a CanNotDelete lock, so nobody deletes
 * them through ARM either ("CanNotDelete: authorized users can read and modify a resource, but they
 * can't delete it", learn.microsoft.com/azure/azure-resource-manager/management/lock-resources).
 * The lock governs the control plane only: Azure Monitor keeps writing logs, and the archive's
 * lifecycle rule keeps expiring old blobs (data-plane deletes a lock does not block).
 */
export interface SinkProtection {
  readonly protect: boolean;
  readonly workspaceLock?: ResolvedLock;
  readonly archiveLock?: ResolvedLock;
}

const LOCK_NAME = "keyvault-estate-do-not-delete";

export function sinkProtection(b: Baseline): SinkProtection {
  if (!b.vault.protect) return { protect: false };
  const lock = (sink: string, what: string): ResolvedLock => ({
    resource: { name: childName(sink, "lock") },
    name: LOCK_NAME,
    level: "CanNotDelete",
    notes: `Managed by keyvault-estate: deleting this ${what} would destroy the vaults' audit logs.`,
  });
  return {
    protect: true,
    workspaceLock: lock(ESTATE_NAMES.workspace.name, "Log Analytics workspace"),
    archiveLock: lock(ESTATE_NAMES.archive.name, "archive account"),
  };
}
