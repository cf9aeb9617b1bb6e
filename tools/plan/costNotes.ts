import { TOKENS } from "../../infra/azure/tokens";
import type { CostNote, PlannedResource } from "../contract/plan";

export type { CostNote };

/**
 * What the plan tells the reviewer who approves it about cost: charges that start with a resource
 * and do not depend on how much it is used. Computed from the planned resources (what would be
 * deployed), never priced: prices vary by region and agreement (Azure Key Vault pricing page).
 */

/** What the cost notes need of a planned resource (the plan's and the report's shape both fit). */
type Resource = Pick<PlannedResource, "urn" | "type" | "name" | "inputs">;

const daysOf = (duration: unknown): number | undefined => {
  const m = typeof duration === "string" ? /^P(\d+)D$/.exec(duration) : null;
  return m ? Number(m[1]) : undefined;
};

/** Days between rotations the key's rotation policy schedules, if it schedules any. */
function rotationPeriodDays(key: Resource): number | undefined {
  const props = key.inputs.properties as
    | {
        rotationPolicy?: {
          attributes?: { expiryTime?: unknown };
          lifetimeActions?: {
            action?: { type?: unknown };
            trigger?: { timeAfterCreate?: unknown; timeBeforeExpiry?: unknown };
          }[];
        };
      }
    | undefined;
  const policy = props?.rotationPolicy;
  // azure-native's KeyRotationPolicyActionType sends `rotate`; ARM documents `Rotate`.
  const rotate = policy?.lifetimeActions?.find(
    (a) => String(a.action?.type).toLowerCase() === "rotate",
  )?.trigger;
  if (!rotate) return undefined;
  const after = daysOf(rotate.timeAfterCreate);
  if (after !== undefined) return after;
  const lifetime = daysOf(policy?.attributes?.expiryTime);
  const before = daysOf(rotate.timeBeforeExpiry);
  return lifetime !== undefined && before !== undefined ? lifetime - before : undefined;
}

function isHsmKey(key: Resource): boolean {
  const kty = (key.inputs.properties as { kty?: unknown } | undefined)?.kty;
  return typeof kty === "string" && kty.endsWith("-HSM");
}

/** The plan's cost notes: each Managed HSM pool, then each vault's HSM-protected keys. */
export function costNotes(resources: readonly Resource[]): CostNote[] {
  const notes: CostNote[] = [];
  for (const pool of resources.filter((r) => r.type === TOKENS.managedHsm)) {
    const sku = (pool.inputs.sku as { name?: unknown } | undefined)?.name ?? "Standard_B1";
    notes.push({
      kind: "managed-hsm-hourly",
      urn: pool.urn,
      subject: pool.name,
      message: `Managed HSM pool ${pool.name} (${String(sku)}) is billed per hour from the moment it is created, whether or not it is activated or holds keys: activate it promptly, and remove it from the config only after its keys have been migrated (README, "Managed HSM activation runbook").`,
    });
  }
  const byVault = new Map<string, Resource[]>();
  for (const key of resources.filter((r) => r.type === TOKENS.key && isHsmKey(r))) {
    const vault = String(key.inputs.vaultName ?? "");
    byVault.set(vault, [...(byVault.get(vault) ?? []), key]);
  }
  for (const [vaultName, keys] of byVault) {
    const vault = resources.find(
      (r) => r.type === TOKENS.vault && r.inputs.vaultName === vaultName,
    );
    const each = keys.map((k) => {
      const period = rotationPeriodDays(k);
      const name = String(k.inputs.keyName ?? k.name);
      return period === undefined ? name : `${name}, rotated about every ${period} days`;
    });
    notes.push({
      kind: "hsm-keys",
      urn: vault?.urn ?? keys[0].urn,
      subject: vault?.name ?? vaultName,
      message: `${keys.length} HSM-protected key${keys.length === 1 ? "" : "s"} in vault ${vault?.name ?? vaultName} (${each.join("; ")}): each key version is billed monthly while it exists, older versions included, and each scheduled rotation adds a version and is billed per rotation.`,
    });
  }
  return notes;
}

/** The cost notes as console lines (none when there is nothing to say). */
export function renderCostNotesConsole(notes: readonly CostNote[] | undefined): string[] {
  if (!notes || notes.length === 0) return [];
  return ["", "Cost notes:", ...notes.map((n) => `  - ${n.message}`)];
}

/** The cost notes as a Markdown section (none when there is nothing to say). */
export function renderCostNotesMarkdown(notes: readonly CostNote[] | undefined): string[] {
  if (!notes || notes.length === 0) return [];
  return ["## Cost notes", "", ...notes.map((n) => `- ${n.message.replace(/\|/g, "\\|")}`), ""];
}
