import { MANAGED_HSM_ADMINISTRATOR } from "../../infra/azure/accessRules";
import { decodeReleasePolicy } from "../../infra/azure/releasePolicy";
import { roleById } from "../../infra/azure/roles";
import { TOKENS } from "../../infra/azure/tokens";
import type { ResolvedGrant } from "../../infra/model/types";
import { PlannedResource } from "../contract/plan";
import type { AccessEntry } from "../contract/plan";

/**
 * The plan's access matrix: one row per role assignment the program registered, read from the
 * registered inputs (what would be deployed), labelled with the access spec that asked for it.
 */

const ROLE_ASSIGNMENT: string = TOKENS.roleAssignment;
const KEY_STORES = new Set<string>([TOKENS.vault, TOKENS.managedHsm]);
const UNKNOWN = "(unknown)";

/** What the matrix reads of a resolved vault (`ResolvedVault`). */
export interface MatrixVault {
  readonly name: string;
  readonly access: readonly ResolvedGrant[];
  /** Managed HSM only: each gets the pool's local Administrator role (a row each). */
  readonly initialAdminObjectIds?: readonly string[];
  /** Exportable keys: the attestation authorities of their release policy get a row each. */
  readonly keys?: readonly {
    readonly name: string;
    readonly exportable?: boolean;
    readonly releasePolicy?: { readonly data: string };
  }[];
}

/** The principal type shown for a row whose principal ARM does not type (an object id, a URL). */
const UNTYPED = {
  objectId: "(object id: user, group or service principal)",
  attestationAuthority: "AttestationAuthority",
} as const;

/** The role label of a key release row. */
export const KEY_RELEASE_ROLE = "Secure key release (attested environments)";

/** The access matrix of a plan, sorted by vault, scope, role, principal. */
export function buildAccessMatrix(
  vaults: readonly MatrixVault[],
  resources: readonly PlannedResource[],
): AccessEntry[] {
  const assignments = resources.filter((r) => r.type === ROLE_ASSIGNMENT);
  const byName = new Map(assignments.map((r) => [r.name, r]));
  const matched = new Set<string>();
  const rows: AccessEntry[] = [];

  for (const v of vaults) {
    for (const a of v.access) {
      const name = a.resource.name;
      const r = byName.get(name);
      if (!r) {
        throw new Error(`vault ${v.name}: the program registered no role assignment ${name}`);
      }
      matched.add(r.urn);
      rows.push(row(r, { vault: v.name, scope: a.scope, role: a.role.name }, a.notes));
    }
  }

  for (const v of vaults) rows.push(...dataPlaneRows(v, resources));

  // Assignments no access spec declared (another component's) still belong in "who can do what".
  const stores = resources.filter((r) => KEY_STORES.has(r.type));
  for (const r of assignments) {
    if (matched.has(r.urn)) continue;
    const scopeId = text(r.inputs.scope);
    const store = stores.find((s) => isWithin(scopeId, text(s.outputs.id)));
    const roleId = text(r.inputs.roleDefinitionId).split("/").pop() ?? "";
    rows.push(
      row(
        r,
        {
          vault: store?.name ?? "(none)",
          scope: store ? logicalScope(scopeId, text(store.outputs.id)) : scopeId,
          role: roleById(roleId)?.name ?? roleId,
        },
        ["not declared in any vault's access config"],
      ),
    );
  }
  return rows.sort(compareRows);
}

/**
 * Access that no role assignment carries but a reviewer must see: a Managed HSM's initial
 * administrators (the pool's local "Managed HSM Administrator" at "/", granted by ARM at creation)
 * and, for each exportable key, every attestation authority its release policy trusts (any
 * environment that authority attests, with the stated claims, can receive the private key).
 */
function dataPlaneRows(v: MatrixVault, resources: readonly PlannedResource[]): AccessEntry[] {
  const rows: AccessEntry[] = [];
  const store = resources.find(
    (r) => KEY_STORES.has(r.type) && (r.name === v.name || r.name.endsWith(`/${v.name}`)),
  );
  const scopeId = store ? text(store.outputs.id) : UNKNOWN;
  for (const id of v.initialAdminObjectIds ?? []) {
    rows.push({
      principalId: id,
      principalType: UNTYPED.objectId,
      role: MANAGED_HSM_ADMINISTRATOR.name,
      roleDefinitionId: `Microsoft.KeyVault/managedHSMs local RBAC: ${MANAGED_HSM_ADMINISTRATOR.roleId}`,
      scope: "vault",
      vault: v.name,
      roleAssignmentName: "(initialAdminObjectIds)",
      scopeId,
      notes: [
        `full administration of the pool's data plane: security domain, full backup and restore, and every local role assignment (it can grant itself any key permission); set at creation in initialAdminObjectIds`,
      ],
    });
  }
  for (const k of v.keys ?? []) {
    if (k.exportable !== true || !k.releasePolicy) continue;
    const decoded = decodeReleasePolicy(k.releasePolicy.data);
    const authorities = decoded.ok ? decoded.authorities : ["(undecodable release policy)"];
    for (const authority of authorities) {
      rows.push({
        principalId: authority,
        principalType: UNTYPED.attestationAuthority,
        role: KEY_RELEASE_ROLE,
        roleDefinitionId: "(release policy)",
        scope: `key/${k.name}`,
        vault: v.name,
        roleAssignmentName: "(releasePolicy)",
        scopeId: scopeId === UNKNOWN ? UNKNOWN : `${scopeId}/keys/${k.name}`,
        notes: [
          decoded.ok
            ? `exportable key: an environment this authority attests, whose claims satisfy the release policy, can receive the private key (with a principal holding a release role)`
            : `exportable key whose release policy ${decoded.problem}`,
        ],
      });
    }
  }
  return rows;
}

function row(
  r: PlannedResource,
  label: { vault: string; scope: string; role: string },
  notes: readonly string[],
): AccessEntry {
  const description = r.inputs.description;
  const condition = r.inputs.condition;
  return {
    principalId: text(r.inputs.principalId),
    principalType: text(r.inputs.principalType),
    role: label.role,
    roleDefinitionId: text(r.inputs.roleDefinitionId),
    scope: label.scope,
    vault: label.vault,
    roleAssignmentName: text(r.inputs.roleAssignmentName),
    scopeId: text(r.inputs.scope),
    ...(typeof description === "string" ? { description } : {}),
    ...(typeof condition === "string" ? { condition } : {}),
    notes: [...notes],
  };
}

function text(v: unknown): string {
  return typeof v === "string" && v.length > 0 ? v : UNKNOWN;
}

function isWithin(id: string, storeId: string): boolean {
  const a = id.toLowerCase();
  const b = storeId.toLowerCase();
  return storeId !== UNKNOWN && (a === b || a.startsWith(`${b}/`));
}

/** `vault`, `secret/<name>` or `key/<name>` for an ARM id within the vault `storeId`. */
function logicalScope(id: string, storeId: string): string {
  const rest = id.slice(storeId.length);
  const m = /^\/(secrets|keys)\/([^/]+)$/i.exec(rest);
  if (rest === "") return "vault";
  return m ? `${m[1].toLowerCase() === "secrets" ? "secret" : "key"}/${m[2]}` : id;
}

function compareRows(a: AccessEntry, b: AccessEntry): number {
  // Code-unit order, not localeCompare: the same on every machine, whatever its locale.
  const ka = [a.vault, a.scope, a.role, a.principalId, a.principalType, a.roleAssignmentName];
  const kb = [b.vault, b.scope, b.role, b.principalId, b.principalType, b.roleAssignmentName];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return 0;
}
