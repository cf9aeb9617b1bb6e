import { ROLE_CLASS_LABEL, RoleClass, roleById, ROLES } from "./roles";

/**
 * Who may hold which class of role in a vault, per environment: the one rule config validation
 * (`infra/model/access.ts`, exit 2) and the policy pack (`authorization-role-assignment-privileged-access`, exit 1)
 * both apply. The rule's settings live in the pack's per-environment config
 * (`policies/config/<env>.json`), which the engine reads with `--policy-pack-config` and the model
 * imports, so the two can never judge one grant differently (`test/guardrails.spec.ts` checks that
 * on generated stacks). Its `allowedPrincipalIds` is the environment's one list of break-glass
 * principals: the baseline (`stacks/`), the model and the pack all read it there.
 */

/** The policy that carries the rule in the pack, and whose config entry holds its settings. */
export const PRIVILEGED_ACCESS_POLICY = "authorization-role-assignment-privileged-access";

/** The settings of the rule (the policy's config properties). */
export interface PrivilegedAccessSettings {
  /**
   * Role classes allowed only to allow-listed principals, at any scope in a vault. The catalogue's
   * `privileged` roles are restricted whatever this lists.
   */
  readonly restrictedClasses: readonly RoleClass[];
  /** Role classes allowed only to allow-listed principals at vault scope (fine on one object). */
  readonly restrictedClassesAtVaultScope: readonly RoleClass[];
  /** The break-glass principals allowed a restricted role (object ids, lower case). */
  readonly allowedPrincipalIds: readonly string[];
  /** Refuse a role definition GUID the catalogue does not list, unless listed below. */
  readonly refuseUnlistedCustomRoles: boolean;
  /** Reviewed custom (or unlisted built-in) role definition GUIDs. */
  readonly allowedCustomRoleIds: readonly string[];
  /**
   * Role definition GUIDs refused at any scope in a vault to anyone, break-glass included (lower
   * case); by default the catalogue's `forbiddenInVault` roles: Owner, Contributor, User Access
   * Administrator.
   */
  readonly forbiddenRoleDefinitionIds: readonly string[];
}

/** The settings' defaults: the strictest reading, so an absent setting never relaxes the rule. */
export const PRIVILEGED_ACCESS_DEFAULTS: PrivilegedAccessSettings = {
  restrictedClasses: ["grantAccess", "administer"],
  restrictedClassesAtVaultScope: ["writeData"],
  allowedPrincipalIds: [],
  refuseUnlistedCustomRoles: true,
  allowedCustomRoleIds: [],
  forbiddenRoleDefinitionIds: ROLES.filter((r) => r.forbiddenInVault).map((r) => r.id),
};

/** One grant as both judges see it. */
export interface GrantFacts {
  /** The role definition GUID (any letter case). */
  readonly roleId: string;
  /** Whether the grant covers the whole vault (or pool), or one key or secret in it. */
  readonly scope: "vault" | "object";
  readonly principalId: string;
}

/** What the rule says about one grant. */
export interface Judgement {
  /** The role's class; undefined for a role the catalogue does not list. */
  readonly roleClass?: RoleClass;
  /** The role needs an allow-listed principal here. */
  readonly restricted: boolean;
  /** The principal is on the allow-list. */
  readonly allowListed: boolean;
  /** The role is not in the catalogue. */
  readonly custom: boolean;
  /** The role is refused in a vault to anyone, allow-listed or not (`forbiddenRoleDefinitionIds`). */
  readonly forbidden: boolean;
  /** What the policy reports, when the grant breaks the rule. */
  readonly violation?: string;
}

/** Judges one grant (a role assignment, or a Managed HSM initial administrator) by the rule. */
export function judgeGrant(grant: GrantFacts, settings: PrivilegedAccessSettings): Judgement {
  const roleId = grant.roleId.toLowerCase();
  const principal = grant.principalId.toLowerCase();
  const allowListed = settings.allowedPrincipalIds.some((p) => p.toLowerCase() === principal);
  const role = roleById(roleId);
  const forbidden = settings.forbiddenRoleDefinitionIds.some((r) => r.toLowerCase() === roleId);
  if (forbidden) {
    const what = role ? `${role.name} (${ROLE_CLASS_LABEL[role.class]})` : `Role ${roleId}`;
    return {
      ...(role ? { roleClass: role.class } : {}),
      restricted: true,
      allowListed,
      custom: !role,
      forbidden: true,
      violation: `${what} is granted to ${principal}: it is never granted in a vault, to a break-glass principal either (forbiddenRoleDefinitionIds); grant a Key Vault role instead.`,
    };
  }
  if (!role) {
    const listed = settings.allowedCustomRoleIds.some((r) => r.toLowerCase() === roleId);
    const violation =
      settings.refuseUnlistedCustomRoles && !listed
        ? `Role ${roleId} granted to ${principal} is not in the catalogue and not a reviewed custom role (allowedCustomRoleIds).`
        : undefined;
    return {
      restricted: false,
      allowListed,
      custom: true,
      forbidden: false,
      ...(violation ? { violation } : {}),
    };
  }
  const restricted =
    role.privileged ||
    settings.restrictedClasses.includes(role.class) ||
    (grant.scope === "vault" && settings.restrictedClassesAtVaultScope.includes(role.class));
  const violation =
    restricted && !allowListed
      ? `${role.name} (${ROLE_CLASS_LABEL[role.class]}${grant.scope === "vault" ? ", at vault scope" : ""}) is granted to ${principal}, which is not on the break-glass allow-list (allowedPrincipalIds).`
      : undefined;
  return {
    roleClass: role.class,
    restricted,
    allowListed,
    custom: false,
    forbidden: false,
    ...(violation ? { violation } : {}),
  };
}

/**
 * Initial administrators of a Managed HSM get the pool's local "Managed HSM Administrator" role at
 * scope "/": security domain, full backup and restore, and role management
 * (learn.microsoft.com/azure/key-vault/managed-hsm/access-control; the role's id is in
 * learn.microsoft.com/azure/key-vault/managed-hsm/built-in-roles). Judged as `administer`.
 */
export const MANAGED_HSM_ADMINISTRATOR = {
  name: "Managed HSM initial administrator",
  roleId: "a290e904-7015-4bba-90c8-60543313cdb4",
} as const;

/** Judges a Managed HSM initial administrator: `administer` at the pool's scope. */
export function judgeInitialAdmin(
  principalId: string,
  settings: PrivilegedAccessSettings,
): Judgement {
  const principal = principalId.toLowerCase();
  const allowListed = settings.allowedPrincipalIds.some((p) => p.toLowerCase() === principal);
  const restricted = settings.restrictedClasses.includes("administer");
  const violation =
    restricted && !allowListed
      ? `Managed HSM initial administrator ${principal} (full administration of the pool) is not on the break-glass allow-list (allowedPrincipalIds).`
      : undefined;
  return {
    roleClass: "administer",
    restricted,
    allowListed,
    custom: false,
    forbidden: false,
    ...(violation ? { violation } : {}),
  };
}

/** Reads the rule's settings from a policy config entry's properties, defaults filled in. */
export function privilegedAccessSettings(
  properties: Readonly<Record<string, unknown>> | undefined,
): PrivilegedAccessSettings {
  const p = properties ?? {};
  const list = <T>(key: keyof PrivilegedAccessSettings, fallback: readonly T[]): readonly T[] =>
    Array.isArray(p[key]) ? (p[key] as T[]) : fallback;
  const d = PRIVILEGED_ACCESS_DEFAULTS;
  return {
    restrictedClasses: list("restrictedClasses", d.restrictedClasses),
    restrictedClassesAtVaultScope: list(
      "restrictedClassesAtVaultScope",
      d.restrictedClassesAtVaultScope,
    ),
    allowedPrincipalIds: list<string>("allowedPrincipalIds", d.allowedPrincipalIds).map((x) =>
      x.toLowerCase(),
    ),
    refuseUnlistedCustomRoles:
      typeof p.refuseUnlistedCustomRoles === "boolean"
        ? p.refuseUnlistedCustomRoles
        : d.refuseUnlistedCustomRoles,
    allowedCustomRoleIds: list<string>("allowedCustomRoleIds", d.allowedCustomRoleIds).map((x) =>
      x.toLowerCase(),
    ),
    forbiddenRoleDefinitionIds: list<string>(
      "forbiddenRoleDefinitionIds",
      d.forbiddenRoleDefinitionIds,
    ).map((x) => x.toLowerCase()),
  };
}
