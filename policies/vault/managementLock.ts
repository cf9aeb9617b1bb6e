import { describe, linkedTargets, read } from "../lib/links";
import { OWN_POLICY, type EstateStackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

export const vaultManagementLock: EstateStackPolicy = {
  name: "keyvault-vault-management-lock",
  description: "Every key vault carries a CanNotDelete (or ReadOnly) management lock.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add an authorization.ManagementLockByScope with scope set to the vault\'s id and level "CanNotDelete".',
  controls: OWN_POLICY,
  validateStack: (args, report) => {
    const locks = ofType(args.resources, TOKENS.lock);
    for (const vault of ofType(args.resources, TOKENS.vault)) {
      const locked = locks.some((lock) => {
        const level = read(() => lock.props.level);
        const blocks =
          !level.known ||
          sameText(level.value, "CanNotDelete") ||
          sameText(level.value, "ReadOnly");
        return blocks && linkedTargets(lock, "scope", [vault], (p) => [p.scope]).length > 0;
      });
      if (!locked) report(`Vault ${describe(vault)} has no management lock.`, vault.urn);
    }
  },
};
