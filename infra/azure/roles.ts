import { editDistance } from "../lib/editDistance";
import { GUID, GUID_SOURCE } from "./ids";

/**
 * The role catalogue: the Azure built-in roles an access spec may name, with their fixed role
 * definition GUIDs (the same in every tenant and subscription).
 *
 * Every GUID below was checked against Microsoft's generated built-in role reference, which prints
 * each role's definition JSON (`"id": "/providers/Microsoft.Authorization/roleDefinitions/<guid>"`):
 *   Key Vault and Managed HSM roles:
 *     https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 *     (source: MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/security.md)
 *     and the Key Vault RBAC guide's role table:
 *     https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 *   Owner, Contributor, User Access Administrator, Role Based Access Control Administrator:
 *     https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged
 *   Reader:
 *     https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general
 * Names are Microsoft's, letter for letter ("Managed HSM contributor" is lower-case there).
 */

/** The object kinds a data-plane role's data actions act on. */
type RoleObjects = "secrets" | "keys" | "certificates";

/** The resource kinds an assignment of the role is meaningful on. */
type RoleTarget = "vault" | "managedHsm";

/**
 * What a role can do, from its actions and data actions in Microsoft's built-in role reference:
 * - `readData`: reads or uses objects (get a secret, wrap with a key, read metadata), changes none;
 * - `writeData`: creates, changes or deletes secrets, keys or certificates (an `*Officer` role);
 * - `administer`: full control of the vault or pool: every data action (Key Vault Administrator),
 *   or the control plane (`Microsoft.KeyVault/vaults/*` write and delete: network rules, the
 *   permission model, access policies, deletion; Managed HSM contributor likewise for pools);
 * - `grantAccess`: can create role assignments (`Microsoft.Authorization/roleAssignments/write`),
 *   so it can hand itself or anyone any of the above.
 * The guardrails restrict `administer` and `grantAccess` everywhere in a vault, and `writeData` at
 * vault scope, per environment (`infra/azure/accessRules.ts`).
 */
export type RoleClass = "readData" | "writeData" | "administer" | "grantAccess";

export const ROLE_CLASSES: readonly RoleClass[] = [
  "readData",
  "writeData",
  "administer",
  "grantAccess",
];

/** How a role class reads in messages and notes. */
export const ROLE_CLASS_LABEL: Record<RoleClass, string> = {
  readData: "reads data",
  writeData: "writes data",
  administer: "administers the vault",
  grantAccess: "grants access",
};

export interface CatalogueRole {
  /** Microsoft's documented role name. */
  readonly name: string;
  /** The built-in role definition GUID, lower case. */
  readonly id: string;
  /** Short, stable slug used in Pulumi resource names (never renamed: it is part of URNs). */
  readonly slug: string;
  /**
   * `data`: Key Vault data-plane actions (only for vaults with the RBAC permission model);
   * `control`: ARM control-plane actions (manage resources or role assignments).
   */
  readonly plane: "data" | "control";
  /** What the role can do (see `RoleClass`). */
  readonly class: RoleClass;
  /**
   * It can release (export) the private key of an exportable key (`keys/release/action`, directly
   * or through a wildcard): what secure key release hands to an attested environment.
   */
  readonly releasesKeys: boolean;
  /** The objects its data actions act on; absent when it is meaningful at any scope in the vault. */
  readonly objects?: RoleObjects;
  /** Where the role grants anything: a Key Vault data role on a Managed HSM grants nothing. */
  readonly targets: readonly RoleTarget[];
  /**
   * Refused at any scope in a vault, except for `breakGlassPrincipals`, where the baseline sets
   * `access.privilegedRolesBreakGlassOnly`: broad control of the vault, or the power to grant it.
   */
  readonly privileged: boolean;
  /**
   * Reported (advisory) when granted at vault scope: it reads every secret or uses every key of
   * the vault, where a `secret/<name>` or `key/<name>` scope usually does.
   */
  readonly narrowable: boolean;
  /**
   * A general ARM role whose reach goes far beyond the vault (Owner, Contributor, User Access
   * Administrator): refused at any scope in a vault, break-glass principals included, wherever the
   * privileged-access rule is enforced (the default of its `forbiddenRoleDefinitionIds`). A
   * break-glass principal holds Key Vault Administrator or Key Vault Data Access Administrator.
   */
  readonly forbiddenInVault: boolean;
}

const VAULT: readonly RoleTarget[] = ["vault"];
const BOTH: readonly RoleTarget[] = ["vault", "managedHsm"];

function role(
  name: string,
  id: string,
  slug: string,
  rest: Partial<
    Pick<
      CatalogueRole,
      "objects" | "privileged" | "narrowable" | "releasesKeys" | "forbiddenInVault"
    >
  > &
    Pick<CatalogueRole, "plane" | "targets" | "class">,
): CatalogueRole {
  return {
    name,
    id,
    slug,
    privileged: false,
    narrowable: false,
    releasesKeys: false,
    forbiddenInVault: false,
    ...rest,
  };
}

/** The catalogue, in Microsoft's alphabetical order within each group. */
export const ROLES: readonly CatalogueRole[] = [
  // Key Vault data plane (security.md; rbac-guide "Azure built-in roles for Key Vault data plane operations").
  role("Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483", "kv-administrator", {
    class: "administer",
    releasesKeys: true,
    plane: "data",
    targets: VAULT,
    privileged: true,
  }),
  role(
    "Key Vault Certificate User",
    "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    "kv-certificate-user",
    {
      class: "readData",
      plane: "data",
      objects: "certificates",
      targets: VAULT,
    },
  ),
  role(
    "Key Vault Certificates Officer",
    "a4417e6f-fecd-4de8-b567-7b0420556985",
    "kv-certificates-officer",
    { class: "writeData", plane: "data", objects: "certificates", targets: VAULT },
  ),
  role("Key Vault Crypto Officer", "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "kv-crypto-officer", {
    class: "writeData",
    releasesKeys: true,
    plane: "data",
    objects: "keys",
    targets: VAULT,
  }),
  role(
    "Key Vault Crypto Service Encryption User",
    "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "kv-crypto-service-encryption-user",
    { class: "readData", plane: "data", objects: "keys", targets: VAULT },
  ),
  role(
    "Key Vault Crypto Service Release User",
    "08bbd89e-9f13-488c-ac41-acfcb10c90ab",
    "kv-crypto-service-release-user",
    { class: "readData", releasesKeys: true, plane: "data", objects: "keys", targets: VAULT },
  ),
  role("Key Vault Crypto User", "12338af0-0e69-4776-bea7-57ae8d297424", "kv-crypto-user", {
    class: "readData",
    plane: "data",
    objects: "keys",
    targets: VAULT,
    narrowable: true,
  }),
  role("Key Vault Reader", "21090545-7ca7-4776-b22c-e363652d74d2", "kv-reader", {
    class: "readData",
    plane: "data",
    targets: VAULT,
  }),
  role("Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "kv-secrets-officer", {
    class: "writeData",
    plane: "data",
    objects: "secrets",
    targets: VAULT,
  }),
  role("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6", "kv-secrets-user", {
    class: "readData",
    plane: "data",
    objects: "secrets",
    targets: VAULT,
    narrowable: true,
  }),
  // Control plane of Key Vault (security.md; rbac-guide "Managing built-in Key Vault data plane role
  // assignments"). Data Access Administrator can assign Key Vault Administrator, so it is as
  // privileged as the role it can hand out.
  role(
    "Key Vault Data Access Administrator",
    "8b54135c-b56d-4d72-a534-26097cfdc8d8",
    "kv-data-access-administrator",
    { class: "grantAccess", plane: "control", targets: VAULT, privileged: true },
  ),
  role("Key Vault Contributor", "f25e0fa2-a7c8-4377-a976-54943a77a395", "kv-contributor", {
    class: "administer",
    plane: "control",
    targets: VAULT,
  }),
  role("Managed HSM contributor", "18500a29-7fe2-46b2-a342-b16a415e101d", "mhsm-contributor", {
    class: "administer",
    plane: "control",
    targets: ["managedHsm"],
  }),
  // General roles people reach for (privileged.md, general.md), listed so the guardrails recognise
  // them. Role Based Access Control Administrator can assign Owner, hence privileged.
  role("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c", "contributor", {
    class: "administer",
    plane: "control",
    targets: BOTH,
    privileged: true,
    forbiddenInVault: true,
  }),
  role("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "owner", {
    class: "grantAccess",
    plane: "control",
    targets: BOTH,
    privileged: true,
    forbiddenInVault: true,
  }),
  role("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", "reader", {
    class: "readData",
    plane: "control",
    targets: BOTH,
  }),
  role(
    "Role Based Access Control Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "rbac-administrator",
    { class: "grantAccess", plane: "control", targets: BOTH, privileged: true },
  ),
  role(
    "User Access Administrator",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "user-access-administrator",
    {
      class: "grantAccess",
      plane: "control",
      targets: BOTH,
      privileged: true,
      forbiddenInVault: true,
    },
  ),
];

const BY_ID = new Map(ROLES.map((r) => [r.id, r]));
const BY_NAME = new Map(ROLES.map((r) => [normalizeName(r.name), r]));

function normalizeName(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** The catalogue role with this name (Microsoft's, letter case and spacing ignored); throws if none. */
export function catalogueRole(name: string): CatalogueRole {
  const r = BY_NAME.get(normalizeName(name));
  if (!r) throw new Error(`no catalogue role named "${name}"`);
  return r;
}

/** The catalogue role with this GUID (any letter case), if any. */
export function roleById(id: string): CatalogueRole | undefined {
  return BY_ID.get(id.toLowerCase());
}

/** A role as an access spec resolved it: a catalogue role, or a raw role definition GUID. */
export interface ResolvedRole {
  /** The role definition GUID, lower case. */
  readonly id: string;
  /** The catalogue name, or the GUID itself when the GUID is not in the catalogue. */
  readonly name: string;
  /** How the config named it: by catalogue name, or by raw GUID (flagged in the plan). */
  readonly givenAs: "name" | "guid";
  /** The catalogue entry; absent for a GUID the catalogue does not list. */
  readonly catalogue?: CatalogueRole;
}

export type RoleResolution =
  | { readonly ok: true; readonly role: ResolvedRole }
  | { readonly ok: false; readonly message: string };

const ROLE_DEFINITION_PATH = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;

/**
 * Resolves an access spec's `role`: a catalogue name (letter case and spacing ignored) or a role
 * definition GUID. Anything else is an error that suggests the nearest catalogue name.
 */
export function resolveRole(text: string): RoleResolution {
  const trimmed = text.trim();
  if (GUID.test(trimmed)) {
    const id = trimmed.toLowerCase();
    const catalogue = roleById(id);
    return {
      ok: true,
      role: {
        id,
        name: catalogue?.name ?? id,
        givenAs: "guid",
        ...(catalogue ? { catalogue } : {}),
      },
    };
  }
  const byName = BY_NAME.get(normalizeName(trimmed));
  if (byName)
    return {
      ok: true,
      role: { id: byName.id, name: byName.name, givenAs: "name", catalogue: byName },
    };

  const path = ROLE_DEFINITION_PATH.exec(trimmed);
  if (path) {
    return {
      ok: false,
      message: `give the role definition GUID alone (${GUID.test(path[1]) ? path[1] : "<guid>"}), not its ARM id: the program builds the subscription-scoped id`,
    };
  }
  // No spaces and GUID-like groups: a mistyped GUID, not a mistyped name.
  if (/^[0-9a-z]{6,10}(-[0-9a-z]{2,14}){3,5}$/i.test(trimmed)) {
    return {
      ok: false,
      message: "is not a well-formed role definition GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
    };
  }
  const suggestion = nearestRoleName(trimmed);
  return {
    ok: false,
    message:
      `unknown role "${trimmed}"` +
      (suggestion ? ` (did you mean "${suggestion}"?)` : "") +
      "; use a catalogue name (infra/azure/roles.ts) or a role definition GUID",
  };
}

/** The catalogue name nearest to `text`, when it is near enough to be the one meant. */
export function nearestRoleName(text: string): string | undefined {
  const wanted = normalizeName(text);
  if (wanted.length === 0) return undefined;
  let best: { name: string; score: number } | undefined;
  for (const r of ROLES) {
    const candidate = normalizeName(r.name);
    // "Secrets User" or "Key Vault Admin" for a longer name: a truncation is a near miss too.
    const truncated =
      wanted.length * 2 >= candidate.length &&
      (candidate.endsWith(` ${wanted}`) || candidate.startsWith(wanted));
    const score = truncated ? 1 : editDistance(wanted, candidate);
    if (!best || score < best.score) best = { name: r.name, score };
  }
  const tolerance = Math.max(2, Math.floor(wanted.length / 4));
  return best && best.score <= tolerance ? best.name : undefined;
}

/**
 * The subscription-scoped role definition id ARM stores on an assignment. ARM rewrites the id to
 * the subscription of the assignment's scope (Azure/azure-rest-api-specs#10939), so building it
 * from any other subscription makes every refresh show a diff, and `roleDefinitionId` forces a
 * replacement (pulumi/pulumi-azure-native#1010).
 */
export function roleDefinitionArmId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}/providers/Microsoft.Authorization/roleDefinitions/${roleId.toLowerCase()}`;
}

const SUBSCRIPTION_OF = new RegExp(`^/subscriptions/(${GUID_SOURCE})/`, "i");

/** The subscription an ARM resource id lives in; throws on an id outside a subscription. */
export function subscriptionOf(armId: string): string {
  const m = SUBSCRIPTION_OF.exec(armId);
  if (!m) throw new Error(`not an ARM resource id inside a subscription: ${armId}`);
  return m[1].toLowerCase();
}
