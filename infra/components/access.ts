import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { v5 as uuidv5 } from "uuid";
import { roleDefinitionArmId } from "../azure/roles";
import type { ResolvedGrant } from "../model/types";
import { aliasesFor } from "./aliases";

/**
 * The UUIDv5 namespace of role assignment names. Never change it: every assignment's name, and so
 * its identity in Azure, derives from it.
 */
const ROLE_ASSIGNMENT_NAMESPACE = "5d0f4a8e-6b1c-4f7a-9e3d-2c8b1a7f6e40";

/**
 * A role assignment's name: UUIDv5 of (scope, principal, role), like Bicep's
 * `guid(scope, principalId, roleDefinitionId)` (learn.microsoft.com/azure/azure-resource-manager/bicep/scenarios-rbac).
 * The scope is the resolved ARM id, so the name is unique in the tenant (Azure requires that even
 * for narrower scopes) and identical on every run and machine for the same deployed scope. Parts
 * are lower-cased because ARM ids and GUIDs compare case-insensitively.
 */
export function roleAssignmentName(scopeId: string, principalId: string, roleId: string): string {
  const key = [scopeId, principalId, roleId].map((p) => p.toLowerCase()).join("\n");
  return uuidv5(key, ROLE_ASSIGNMENT_NAMESPACE);
}

/** Anything with an ARM id: a `keyvault.Key`, a `keyvault.Secret`, or a test stand-in. */
interface ArmResource {
  readonly id: pulumi.Input<string>;
}

/** Arguments of a `VaultAccess`: a vault's resolved grants and what their scopes name. */
export interface VaultAccessArgs {
  /** The vault's logical name (messages). */
  readonly vault: string;
  /** The resolved grants. */
  readonly grants: readonly ResolvedGrant[];
  /** ARM id of the vault (or Managed HSM pool): the `vault` scope. */
  readonly vaultId: pulumi.Input<string>;
  /**
   * The subscription the vault lives in (the deploying identity's). The role definition id is
   * built from it, not from the scope's id: a scope being created has no id in a preview, and the
   * pack must read every grant's role there (the engine analyzes previews too:
   * pkg/resource/deploy/step_generator.go). ARM stores the id under the scope's subscription
   * (`roleDefinitionArmId`), which is this one: the program creates its vaults in its own
   * resource group.
   */
  readonly subscriptionId: pulumi.Input<string>;
  /** The vault's keys by name, for `key/<name>` scopes. Defaults to none. */
  readonly keys?: Readonly<Record<string, ArmResource>>;
  /** The vault's secrets by name, for `secret/<name>` scopes. Defaults to none. */
  readonly secrets?: Readonly<Record<string, ArmResource>>;
}

/**
 * A vault's role assignments: one `authorization.RoleAssignment` per grant, scoped to the vault or
 * to one of its secrets or keys. Each scope is the ARM id output of the resource it names, so an
 * assignment waits for its secret or key to exist.
 */
export class VaultAccess extends pulumi.ComponentResource {
  /** The assignments, by Pulumi name. */
  public readonly assignments: Readonly<Record<string, authorization.RoleAssignment>>;

  constructor(name: string, args: VaultAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:access:VaultAccess", name, {}, opts);
    const assignments: Record<string, authorization.RoleAssignment> = {};

    for (const grant of args.grants) {
      const scopeId = pulumi.output(resolveScope(args, grant));
      const assignment = new authorization.RoleAssignment(
        grant.resource.name,
        {
          scope: scopeId,
          // Computed from the resolved scope: plain values in, no resource created in the apply.
          roleAssignmentName: scopeId.apply((s) =>
            roleAssignmentName(s, grant.principalId, grant.role.id),
          ),
          roleDefinitionId: pulumi
            .output(args.subscriptionId)
            .apply((sub) => roleDefinitionArmId(sub, grant.role.id)),
          principalId: grant.principalId,
          principalType: grant.principalType,
          description: grant.description,
          condition: grant.condition,
          conditionVersion: grant.conditionVersion,
        },
        { parent: this, aliases: aliasesFor(grant.resource) },
      );
      assignments[grant.resource.name] = assignment;
      for (const note of grant.notes) {
        void pulumi.log.warn(`${args.vault} ${grant.scope}: ${note}`, assignment);
      }
    }
    this.assignments = assignments;
    this.registerOutputs({});
  }
}

function resolveScope(args: VaultAccessArgs, grant: ResolvedGrant): pulumi.Input<string> {
  const s = grant.parsedScope;
  if (s.kind === "vault") return args.vaultId;
  const target = (s.kind === "secret" ? args.secrets : args.keys)?.[s.name];
  if (!target) {
    // The model guarantees the name exists in the vault's spec; reaching this means the
    // component that creates it did not hand its resources over.
    throw new Error(
      `vault ${args.vault}: access scope ${grant.scope} names no ${s.kind} resource passed to VaultAccess`,
    );
  }
  return target.id;
}
