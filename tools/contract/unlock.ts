import { TOKENS } from "../../infra/azure/tokens";

/**
 * What the deploy's unlock step (`tools/deploy/lockedDeletes.ts`) and the change review agree on:
 * the resource types whose deletes under a CanNotDelete lock the step applies, each with the input
 * that names its ARM scope (what a lock on a parent covers).
 */
export const UNLOCK_SCOPE_INPUT: Readonly<Record<string, string>> = {
  [TOKENS.roleAssignment]: "scope",
  [TOKENS.diagnosticSetting]: "resourceUri",
};

/** The types whose deletes under a lock the unlock step applies (the change review says so). */
export const UNLOCKABLE_TYPES: ReadonlySet<string> = new Set(Object.keys(UNLOCK_SCOPE_INPUT));
