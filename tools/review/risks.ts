import { TOKENS } from "../../infra/azure/tokens";
import { coveredBy } from "./paths";
import { UNLOCKABLE_TYPES } from "../contract/unlock";
import { PropertyChange, Risk } from "../contract/review";

/**
 * What real Azure and the Pulumi engine do with a change, as risks with what to do instead. Every
 * message the review prints is written here, so the wording lives in one place.
 */

const mandatory = (code: Risk["code"], message: string): Risk => ({
  code,
  level: "mandatory",
  message,
});
const advisory = (code: Risk["code"], message: string): Risk => ({
  code,
  level: "advisory",
  message,
});

/** `pulumi up` refuses to delete or replace a resource registered with `protect: true`. */
export function protectedRisk(action: "delete" | "replace"): Risk {
  return mandatory(
    "protected",
    `The resource is protected: \`pulumi up\` refuses to ${action} it and stops the deploy. ` +
      (action === "delete"
        ? "Keep it in the config. A protected store (vault, pool, resource group, name suffix) is never retired by a pull request."
        : "Revert the change that forces the replacement; to move to a new resource, add it next to this one and migrate its consumers."),
  );
}

/** One CanNotDelete lock of the base plan, as a delete under it sees it. */
export interface LockInfo {
  /** The lock's Pulumi name (`payments-lock`). */
  readonly name: string;
  /** The locked scope's ARM id. */
  readonly scope: string;
  /** The lock's name in Azure (`keyvault-estate-do-not-delete`). */
  readonly lockName: string;
  /** Whether the lock is still in the new plan (a delete under it meets it in Azure). */
  readonly remains: boolean;
  /** What the lock depends on (its vault): the engine deletes those only after the lock. */
  readonly dependsOn: readonly string[];
}

/**
 * What happens when a change deletes something under a CanNotDelete lock. Azure refuses the delete
 * with `ScopeLocked`: "A cannot-delete lock on a resource or resource group prevents the deletion
 * of Azure RBAC assignments" and the lock applies to every child and extension resource of the
 * scope, such as diagnostic settings (Microsoft Learn, "Lock your resources to protect your
 * infrastructure", considerations). The prod baseline does not let a stack drop the lock, so the
 * deploy job's reviewed unlock step (`scripts/revoke-under-lock.sh`, after the environment's
 * approval) lifts exactly the locks that cover the deletes it handles (`tools/deploy/lockedDeletes.ts`),
 * runs those deletes alone and restores the locks; anything else under a lock blocks the change.
 */
function lockedScopeRemedy(args: {
  readonly type: string;
  readonly lock: LockInfo;
  readonly environment: string;
}): string {
  const what =
    args.type === TOKENS.roleAssignment
      ? "Revoking this role assignment"
      : args.type === TOKENS.diagnosticSetting
        ? "Deleting this diagnostic setting"
        : "Deleting this resource";
  const where = `${what} is a delete under the CanNotDelete lock \`${args.lock.name}\` on its vault, which Azure refuses (ScopeLocked) while the lock stands.`;
  if (!UNLOCKABLE_TYPES.has(args.type)) {
    return `${where} The deploy's unlock step handles role assignments and diagnostic settings only: remove the lock in an earlier pull request where the baseline allows it, or keep this resource.`;
  }
  return (
    `${where} The ${args.environment} deploy's reviewed unlock step applies it after the environment's approval: ` +
    `it lifts \`${args.lock.lockName}\` for this delete alone (\`pulumi up --target\`), then restores that lock alone ` +
    `(\`pulumi up --refresh --target\`) and checks in Azure that it is back, whatever happens in between (scripts/revoke-under-lock.sh). Approve that deploy knowing the vault is unlocked for that step.`
  );
}

export function lockedScopeRisk(type: string, lock: LockInfo, environment: string): Risk {
  if (!lock.remains) {
    return advisory(
      "locked-scope",
      `The CanNotDelete lock \`${lock.name}\` is deleted in the same deploy, in no guaranteed order with this delete, which Azure refuses (ScopeLocked) while the lock exists. Remove the lock in an earlier pull request, or rerun the deploy after it fails.`,
    );
  }
  const message = lockedScopeRemedy({ type, lock, environment });
  // What the unlock step handles deploys through pull requests alone; anything else would fail.
  return UNLOCKABLE_TYPES.has(type)
    ? advisory("locked-scope", message)
    : mandatory("locked-scope", message);
}

const STORE_LOSS: Readonly<Record<string, string>> = {
  [TOKENS.vault]:
    "Deleting the vault puts it and every key and secret in it into soft delete: consumers of its keys (customer-managed keys) and secrets fail at once, and with purge protection the name stays taken until the retention ends.",
  [TOKENS.managedHsm]:
    "Deleting the Managed HSM puts the pool and every key in it into soft delete (still billed per hour); consumers of its keys fail at once.",
  [TOKENS.storageAccount]:
    "Deleting the archive account deletes every archived audit log in it (a deleted account can at best be recovered within 14 days, and only if its name is still free).",
  [TOKENS.workspace]:
    "Deleting the Log Analytics workspace leaves it in soft delete for 14 days, then destroys the audit logs it holds and every query and alert over them.",
};

/** The data a delete (or the delete half of a replacement) destroys or leaves to soft delete. */
export function dataLossRisk(type: string, environment: string): Risk | undefined {
  const loss = STORE_LOSS[type];
  if (!loss) return undefined;
  const text = `${loss} Keep it in the config; to move, build the new one next to it and migrate first.`;
  return environment === "dev" ? advisory("data-loss", text) : mandatory("data-loss", text);
}

/**
 * A key or secret deleted without `retainOnDelete`. azure-native deletes both through the vault's
 * data plane (provider/pkg/resources/customresources/custom_keyvault.go: "DELETE is implemented
 * via the KeyVault data plane API, because it isn't available via ARM"); a hosted runner outside a
 * vault whose firewall denies it gets ForbiddenByFirewall (hashicorp/terraform-provider-azurerm#9738),
 * and the deploying identity holds no data-plane role anyway.
 */
export function dataPlaneRisks(type: string, vaultReachable: boolean): Risk[] {
  const object = type === TOKENS.key ? "key" : "secret";
  const plane =
    `azure-native deletes a ${object} through the vault's data plane (https://<vault>.vault.azure.net), which the deploy runner ` +
    (vaultReachable
      ? "may not reach and has no data-plane role for."
      : "cannot reach: the vault's firewall denies it.") +
    ` Deploy the current program with the ${object} still in the config first (its state then records retainOnDelete), then remove it; or run this deploy from a runner inside the vault's network.`;
  return [
    vaultReachable ? advisory("data-plane", plane) : mandatory("data-plane", plane),
    advisory(
      "data-loss",
      `The ${object} would go to soft delete; with purge protection its name cannot be reused until the retention ends.`,
    ),
  ];
}

/** A key or secret that leaves the stack but stays in the vault (`retainOnDelete`). */
export function retainedRisk(type: string, enabled: unknown): Risk {
  if (type === TOKENS.secret) {
    const first =
      enabled === false
        ? "It is already disabled, so it stays in the vault unreadable and recoverable."
        : "It stays in the vault enabled, and anyone granted it can still read it: disable it first in an earlier pull request (`enabled: false`), deploy, then remove it.";
    return advisory(
      "retained",
      `The secret leaves the stack and stays in Azure (retainOnDelete). ${first} Deleting or purging it takes a runner with data-plane reach (\`az keyvault secret delete\`, then \`purge\`).`,
    );
  }
  if (type === TOKENS.key) {
    return advisory(
      "retained",
      "The key leaves the stack and stays in Azure (retainOnDelete), enabled, and its rotation policy keeps rotating it. Move every consumer to its successor first. ARM cannot disable an existing key: disable or delete it from a runner with data-plane reach (`az keyvault key set-attributes --enabled false`, `az keyvault key delete`).",
    );
  }
  return advisory(
    "retained",
    "The resource leaves the stack and stays in Azure (retainOnDelete); delete it by hand if it is no longer needed.",
  );
}

const KEY_IMMUTABLE =
  'ARM\'s key PUT never updates an existing key (Microsoft.KeyVault keys.json: "does not update existing keys"; Azure/bicep#8283), so the program ignores this change and it never reaches Azure.';

/**
 * Properties Azure cannot change on an existing resource, by type, from the new and old values of
 * the changed (or config-changed but ignored) paths.
 */
export function immutableRisks(type: string, changes: readonly PropertyChange[]): Risk[] {
  const risks: Risk[] = [];
  const at = (path: string) => changes.find((c) => c.path === path);
  if (type === TOKENS.vault) {
    // Microsoft Learn, "Azure Key Vault soft-delete overview": the retention interval can only be
    // configured when the vault is created and cannot be changed afterwards.
    const retention = at("properties.softDeleteRetentionInDays");
    if (retention && retention.before !== undefined) {
      risks.push(
        mandatory(
          "immutable",
          `Soft-delete retention is fixed when a vault is created (Microsoft Learn, Key Vault soft-delete overview): Azure keeps ${String(retention.before)} days. Set it back to ${String(retention.before)}; a different retention takes a new vault (new name) and a migration.`,
        ),
      );
    }
    // keyvault.json VaultProperties.enablePurgeProtection: "Enabling this functionality is
    // irreversible - that is, the property does not accept false as its value."
    const purge = at("properties.enablePurgeProtection");
    if (purge && purge.before === true && purge.after !== true) {
      risks.push(
        mandatory(
          "immutable",
          "Purge protection cannot be turned off once on (keyvault.json: the property does not accept false): Azure keeps it on. Restore `purgeProtection: true`.",
        ),
      );
    }
    const softDelete = at("properties.enableSoftDelete");
    if (softDelete && softDelete.before === true && softDelete.after !== true) {
      risks.push(
        mandatory(
          "immutable",
          "Soft delete cannot be turned off on a vault (Microsoft Learn, soft-delete change: it is on for every vault). Restore it.",
        ),
      );
    }
  }
  if (type === TOKENS.managedHsm) {
    // managedHsm.json ManagedHsmProperties: enableSoftDelete "is immutable"; purge protection:
    // "Enabling this functionality is irreversible" (Managed HSM recovery docs: "it can't be
    // disabled or overridden by anyone, including Microsoft").
    const softDelete = at("properties.enableSoftDelete");
    if (softDelete && softDelete.before !== undefined) {
      risks.push(
        mandatory(
          "immutable",
          "A Managed HSM's soft delete is immutable (managedHsm.json). Restore its previous value.",
        ),
      );
    }
    const purge = at("properties.enablePurgeProtection");
    if (purge && purge.before === true && purge.after !== true) {
      risks.push(
        mandatory(
          "immutable",
          "A Managed HSM's purge protection cannot be disabled, by anyone (managedHsm.json; Managed HSM recovery docs). Restore `purgeProtection: true`.",
        ),
      );
    }
    // The initial administrators only seed the pool's local RBAC at creation; afterwards the
    // pool's administrators are Managed HSM local role assignments (data plane).
    if (changes.some((c) => coveredBy(c.path, ["properties.initialAdminObjectIds"]))) {
      risks.push(
        advisory(
          "immutable",
          "`initialAdminObjectIds` only seeds an activated pool's administrators: change administrators with Managed HSM local RBAC (`az keyvault role assignment create --hsm-name …`, runbook step 5).",
        ),
      );
    }
  }
  if (type === TOKENS.key) {
    const properties = changes.filter((c) => c.ignored && coveredBy(c.path, ["properties"]));
    if (properties.length > 0) {
      risks.push(
        mandatory(
          "immutable",
          `${KEY_IMMUTABLE} Revert it. To change type, size, curve, operations or expiry, add a key under a new name, move its consumers, then retire this one; a rotation policy can also be updated from a runner with data-plane reach (\`az keyvault key rotation-policy update\`).`,
        ),
      );
    }
    if (changes.some((c) => c.ignored && coveredBy(c.path, ["tags"]))) {
      risks.push(
        advisory(
          "immutable",
          `${KEY_IMMUTABLE} Existing keys keep their tags; keys created from now on get the new ones.`,
        ),
      );
    }
  }
  return risks;
}
