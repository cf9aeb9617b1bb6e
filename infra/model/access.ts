import { z } from "zod";
import type { Environment } from "../../stacks";
import {
  GrantFacts,
  judgeGrant,
  judgeInitialAdmin,
  Judgement,
  PRIVILEGED_ACCESS_POLICY,
  privilegedAccessSettings,
  PrivilegedAccessSettings,
} from "../azure/accessRules";
import { GUID } from "../azure/ids";
import { ROLE_CLASS_LABEL, resolveRole, ResolvedRole } from "../azure/roles";
import { policySettings } from "./policyConfig";
import { guid, OBJECT_NAME } from "./validation";

/**
 * An access spec from the stack config: one role assignment on a vault, or on one secret or key
 * of it. The schema checks each field and resolves the role against the catalogue; the checks
 * that need the rest of the vault or the estate (`checkAccess`) run once the vault itself parsed.
 */
export const accessSpecSchema = z
  .strictObject({
    // Azure returns object ids in lower case; a differently cased id would show a diff on every
    // refresh, and principalId forces a replacement.
    principalId: guid.transform((id) => id.toLowerCase()),
    // Required: without it ARM looks the principal up in Entra ID, and a service principal created
    // moments earlier fails with PrincipalNotFound (replication delay).
    principalType: z.enum(["User", "Group", "ServicePrincipal"], {
      error: (iss) =>
        iss.input === undefined ? "is required" : 'must be "User", "Group" or "ServicePrincipal"',
    }),
    role: z
      .string({ error: "must be a role name from the catalogue or a role definition GUID" })
      .transform((text, ctx): ResolvedRole => {
        const r = resolveRole(text);
        if (r.ok) return r.role;
        ctx.addIssue({ code: "custom", message: r.message });
        return z.NEVER;
      }),
    scope: z
      .string({ error: 'must be "vault", "secret/<name>" or "key/<name>"' })
      .regex(/^(vault|secret\/[0-9a-zA-Z-]{1,127}|key\/[0-9a-zA-Z-]{1,127})$/, {
        error: 'must be "vault", "secret/<name>" or "key/<name>"',
      })
      .default("vault"),
    /** An ABAC condition (conditionVersion 2.0). */
    condition: z.string().min(1, { error: "must not be empty" }).max(8192).optional(),
    conditionVersion: z.literal("2.0", { error: 'must be "2.0"' }).optional(),
    description: z.string().max(1024).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.conditionVersion !== undefined && a.condition === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["conditionVersion"],
        message: "applies only with a condition",
      });
    }
  });

export type AccessSpec = z.output<typeof accessSpecSchema>;

/** An access spec's scope, parsed. */
export type AccessScope =
  { readonly kind: "vault" } | { readonly kind: "secret" | "key"; readonly name: string };

export function parseScope(scope: string): AccessScope {
  const slash = scope.indexOf("/");
  if (slash < 0) return { kind: "vault" };
  const kind = scope.slice(0, slash);
  const name = scope.slice(slash + 1);
  if ((kind !== "secret" && kind !== "key") || !OBJECT_NAME.test(name)) {
    throw new Error(`not an access scope: ${scope}`);
  }
  return { kind, name };
}

function tryParseScope(scope: unknown): AccessScope | undefined {
  try {
    return typeof scope === "string" ? parseScope(scope) : undefined;
  } catch {
    return undefined;
  }
}

/** What `checkAccess` needs beyond the vault: the estate's guardrail inputs. */
export interface AccessGuardrails {
  readonly environment: Environment;
  /**
   * The baseline's `access.privilegedRolesBreakGlassOnly`, which the baseline reads from the pack's
   * rule (`privilegedAccessRule`).
   */
  readonly privilegedRolesBreakGlassOnly: boolean;
  /**
   * The stack's `breakGlassPrincipals`, lower case. Informational: the environment's break-glass
   * principals are the pack's allow-list, and where the rule is enforced the stack may only repeat
   * some of them (`checkBreakGlassPrincipals`).
   */
  readonly breakGlassPrincipals: ReadonlySet<string>;
}

/** The privileged-access rule of an environment: the pack's settings, and whether it blocks. */
export interface PrivilegedAccessRule {
  /** The policy is mandatory there: the model refuses what it would block (else it notes it). */
  readonly enforced: boolean;
  readonly settings: PrivilegedAccessSettings;
}

export function privilegedAccessRule(environment: Environment): PrivilegedAccessRule {
  const s = policySettings(environment, PRIVILEGED_ACCESS_POLICY);
  return { enforced: s.enforced, settings: privilegedAccessSettings(s.properties) };
}

const RULE_FILE = (env: string) =>
  `${PRIVILEGED_ACCESS_POLICY}.allowedPrincipalIds in policies/config/${env}.json`;

/**
 * The config problem a restricted grant makes, or undefined when the estate may make it. The
 * break-glass principals are the pack's allow-list, nothing else: the policy judges the same way.
 */
function refusal(
  j: Judgement,
  principal: string,
  what: string,
  g: AccessGuardrails,
  rule: PrivilegedAccessRule,
): string | undefined {
  if (!rule.enforced || !j.restricted) return undefined;
  if (j.forbidden) {
    return `${what}: in ${g.environment} it is never granted in a vault, to a break-glass principal either (${PRIVILEGED_ACCESS_POLICY}.forbiddenRoleDefinitionIds); a break-glass principal holds Key Vault Administrator or Key Vault Data Access Administrator`;
  }
  if (!j.allowListed) {
    return `${what}: in ${g.environment} it may be granted in a vault only to a break-glass principal (${RULE_FILE(g.environment)}), and ${principal} is not one`;
  }
  return undefined;
}

/**
 * The stack's `breakGlassPrincipals` (deprecated): the environment's break-glass principals are the
 * pack's allow-list, so where the rule is enforced a stack may list only principals on it; a
 * principal declared in the stack alone grants nothing and is refused at its index. Where the
 * rule only advises (dev) the list is accepted as it is: nothing is refused there, and its
 * principals count as known to the usage insights.
 */
export function checkBreakGlassPrincipals(
  listed: readonly string[],
  environment: Environment,
  ctx: z.RefinementCtx,
): void {
  const rule = privilegedAccessRule(environment);
  if (!rule.enforced) return;
  listed.forEach((p, i) => {
    // A malformed entry has its own issue already.
    if (typeof p !== "string" || !GUID.test(p)) return;
    if (!rule.settings.allowedPrincipalIds.includes(p.toLowerCase())) {
      ctx.addIssue({
        code: "custom",
        path: [i],
        message: `${p.toLowerCase()} is not a break-glass principal of ${environment}: break-glass principals are listed once, in ${RULE_FILE(environment)}; add it there (a security-reviewed change) or drop it here`,
      });
    }
  });
}

/**
 * The estate's break-glass principals (lower case): the pack's allow-list for the environment,
 * then any the stack lists besides (possible only where the rule only advises).
 */
export function breakGlassPrincipalsOf(
  listed: readonly string[],
  environment: Environment,
): string[] {
  const allowed = privilegedAccessRule(environment).settings.allowedPrincipalIds;
  const extra = listed.map((p) => p.toLowerCase()).filter((p) => !allowed.includes(p));
  return [...new Set([...allowed, ...extra])];
}

/** What a restricted role is, in a refusal: the catalogue's privileged roles keep their wording. */
function restrictedWhat(a: AccessSpec, scope: AccessScope): string {
  const role = a.role.catalogue;
  if (!role || role.privileged || role.class !== "writeData")
    return `"${a.role.name}" is privileged`;
  return `"${role.name}" writes every ${role.objects === "keys" ? "key" : role.objects === "secrets" ? "secret" : "certificate"} of the vault at ${scope.kind} scope`;
}

/** The parts of a parsed vault `checkAccess` reads. */
export interface AccessVault {
  readonly tier: string;
  readonly keys: readonly { readonly name: string }[];
  readonly secrets: readonly { readonly name: string }[];
  readonly access: readonly AccessSpec[];
  /** Managed HSM only: judged like a grant of `administer` at the pool. */
  readonly initialAdminObjectIds?: readonly string[];
}

const OBJECTS_AT: Record<"secret" | "key", string> = { secret: "secrets", key: "keys" };

/**
 * Cross-field and guardrail checks for a vault's access specs: scopes name existing secrets and
 * keys, roles fit their scope and the vault's tier, no grant appears twice, and privileged roles go
 * to break-glass principals only where the baseline says so. Issues are reported at
 * `access[i].<field>`, relative to the vault.
 */
export function checkAccess(v: AccessVault, g: AccessGuardrails, ctx: z.RefinementCtx): void {
  const issue = (i: number, field: string | undefined, message: string) =>
    ctx.addIssue({ code: "custom", path: field ? ["access", i, field] : ["access", i], message });
  const hsm = v.tier === "managedHsm";
  const seen = new Map<string, number>();
  const rule = privilegedAccessRule(g.environment);

  v.access.forEach((a, i) => {
    // Zod runs this refinement after continuable field issues too (a scope failing its pattern):
    // such an entry has its own issue already, so skip it rather than trust its shape.
    const scope = tryParseScope(a.scope);
    if (!scope || typeof a.role?.id !== "string" || typeof a.principalId !== "string") return;
    const role = a.role.catalogue;

    if (scope.kind !== "vault") {
      const objects = scope.kind === "secret" ? v.secrets : v.keys;
      if (hsm) {
        issue(
          i,
          "scope",
          "a Managed HSM's keys are data-plane objects outside ARM; grant them with the pool's local RBAC after activation (see README)",
        );
      } else if (!objects.some((o) => o.name === scope.name)) {
        const near = objects.find((o) => o.name.toLowerCase() === scope.name.toLowerCase());
        const list = objects.map((o) => o.name).join(", ") || "none";
        issue(
          i,
          "scope",
          `names no ${scope.kind} of this vault` +
            (near
              ? ` (did you mean "${scope.kind}/${near.name}"?)`
              : ` (its ${OBJECTS_AT[scope.kind]}: ${list})`),
        );
      }
      if (role?.objects && role.objects !== OBJECTS_AT[scope.kind]) {
        issue(
          i,
          "role",
          role.objects === "certificates"
            ? `"${role.name}" acts on certificates, which have no scope of their own here; grant it at vault scope`
            : `"${role.name}" acts on ${role.objects} and grants nothing at a ${scope.kind} scope`,
        );
      }
    }

    if (role && !role.targets.includes(hsm ? "managedHsm" : "vault")) {
      issue(
        i,
        "role",
        hsm
          ? `"${role.name}" grants nothing on a Managed HSM: its data plane uses local RBAC, granted after activation (see README)`
          : `"${role.name}" applies to Managed HSM pools only and grants nothing on a vault`,
      );
    }

    const key = `${a.principalId}\n${a.role.id}\n${a.scope.toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issue(
        i,
        undefined,
        `duplicate grant of "${a.role.name}" to ${a.principalId} at ${a.scope} (also at index ${first}); Azure would refuse it with RoleAssignmentExists`,
      );
    } else {
      seen.set(key, i);
    }

    // A role that grants nothing on this kind of store is refused above; judge the others.
    if (!role || role.targets.includes(hsm ? "managedHsm" : "vault")) {
      const j = judgeGrant(grantFacts(a, scope), rule.settings);
      const refused = refusal(j, a.principalId, restrictedWhat(a, scope), g, rule);
      if (refused) {
        issue(
          i,
          "role",
          scope.kind === "vault" && role?.class === "writeData"
            ? `${refused}; grant it at ${role.objects === "keys" ? "key" : "secret"}/<name> for each object the principal writes`
            : refused,
        );
      } else if (rule.enforced && j.custom && j.violation) {
        issue(
          i,
          "role",
          `${a.role.id} is not in the catalogue: in ${g.environment} only a reviewed custom role may be granted (add it to ${PRIVILEGED_ACCESS_POLICY}.allowedCustomRoleIds in policies/config/${g.environment}.json after reviewing its permissions), or use a catalogue role`,
        );
      }
    }
  });

  if (hsm) {
    (v.initialAdminObjectIds ?? []).forEach((raw, i) => {
      if (typeof raw !== "string" || !guid.safeParse(raw).success) return;
      const principal = raw.toLowerCase();
      const refused = refusal(
        judgeInitialAdmin(principal, rule.settings),
        principal,
        `${principal} would be an initial administrator of the Managed HSM (security domain, backups, every local role assignment)`,
        g,
        rule,
      );
      if (refused) {
        ctx.addIssue({ code: "custom", path: ["initialAdminObjectIds", i], message: refused });
      }
    });
  }
}

function grantFacts(a: AccessSpec, scope: AccessScope): GrantFacts {
  return {
    roleId: a.role.id,
    scope: scope.kind === "vault" ? "vault" : "object",
    principalId: a.principalId,
  };
}

/**
 * What the plan flags about a valid access spec (advisory, never an error): raw role GUIDs, broad
 * read/use roles at vault scope, and every role that writes, administers or grants access, saying
 * why it is allowed here (a break-glass principal, one object's scope, or an environment where the
 * rule only advises).
 */
export function accessNotes(
  a: AccessSpec,
  g: AccessGuardrails,
  exportableKeys: readonly string[] = [],
): string[] {
  const notes: string[] = [];
  const role = a.role.catalogue;
  const scope = parseScope(a.scope);
  const rule = privilegedAccessRule(g.environment);
  const j = judgeGrant(grantFacts(a, scope), rule.settings);
  if (a.role.givenAs === "guid") {
    notes.push(
      role
        ? `role given as a raw GUID; it is the catalogue's "${role.name}"`
        : `role ${a.role.id} is not in the catalogue (custom or unlisted built-in role): the guardrails cannot classify it; review its permissions` +
            (rule.settings.allowedCustomRoleIds.includes(a.role.id)
              ? ` (a reviewed custom role in ${g.environment}'s policy config)`
              : ""),
    );
  }
  if (role?.narrowable && scope.kind === "vault") {
    const kind = role.objects === "keys" ? "key" : "secret";
    notes.push(
      `advisory: "${role.name}" at vault scope reaches every ${kind} in the vault; grant ${kind}/<name> for each ${kind} the principal needs unless the vault is dedicated to it`,
    );
  }
  // A restricted role that passed an enforced rule is a break-glass grant both judges accepted:
  // the access matrix shows it as it is.
  if (role && role.class !== "readData" && !(j.restricted && rule.enforced)) {
    const label = `"${role.name}" ${ROLE_CLASS_LABEL[role.class]}`;
    if (j.restricted || scope.kind === "vault") {
      notes.push(
        `advisory: ${label}${scope.kind === "vault" ? " at vault scope" : ""}; in prod only a break-glass principal on the policy pack's allow-list may hold it`,
      );
    } else {
      notes.push(
        `${label} on ${a.scope} only: it can change or delete that ${scope.kind}, nothing else in the vault`,
      );
    }
  }
  const releasable = exportableKeys.filter((k) => scope.kind === "vault" || scope.name === k);
  if (role?.releasesKeys && releasable.length > 0) {
    notes.push(
      `"${role.name}" can release (export) the private key of exportable ${releasable.map((k) => `key/${k}`).join(", ")} to an environment its release policy trusts`,
    );
  }
  return notes;
}

/** Lenient read of `breakGlassPrincipals` before validation: the valid GUIDs, lower case. */
export function breakGlassSet(value: unknown): ReadonlySet<string> {
  const ok = Array.isArray(value) ? value.filter((p) => guid.safeParse(p).success) : [];
  return new Set(ok.map((p: string) => p.toLowerCase()));
}
