import type { PolicyResource } from "@pulumi/policy";
import { describe } from "../lib/links";
import { OWN_POLICY, type EstateStackPolicy } from "../lib/policy";
import { dependencyClosure, ofType, vaultsOfChild } from "../lib/stack";
import { TOKENS } from "../lib/tokens";

function label(r: PolicyResource): string {
  return `${r.type === TOKENS.key ? "key" : "secret"} '${r.name}'`;
}

export const vaultSerializedWrites: EstateStackPolicy = {
  name: "keyvault-vault-serialized-writes",
  description:
    "Every two keys or secrets of the same vault are ordered by dependencies, so ARM never receives concurrent writes to one vault.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Chain the vault's keys and secrets: give each one dependsOn the previous one (see docs/architecture.md, contract 3, pulumi/pulumi-azure-native#1013).",
  controls: OWN_POLICY,
  validateStack: (args, report) => {
    const vaults = ofType(args.resources, TOKENS.vault);
    const children = [
      ...ofType(args.resources, TOKENS.key),
      ...ofType(args.resources, TOKENS.secret),
    ];
    const byVault = new Map<string, PolicyResource[]>();
    for (const child of children) {
      const owners = vaultsOfChild(child, vaults);
      if (owners.length === 0) {
        report(
          `Cannot tell which vault ${label(child)} writes to: pass the vault's name output as vaultName.`,
          child.urn,
        );
      }
      for (const vault of owners)
        byVault.set(vault.urn, [...(byVault.get(vault.urn) ?? []), child]);
    }
    for (const vault of vaults) {
      const writes = byVault.get(vault.urn) ?? [];
      const closures = new Map(writes.map((w) => [w.urn, dependencyClosure(w)]));
      writes.forEach((a, i) => {
        for (const b of writes.slice(i + 1)) {
          if (!closures.get(a.urn)?.has(b.urn) && !closures.get(b.urn)?.has(a.urn)) {
            report(
              `${label(a)} and ${label(b)} write to vault ${describe(vault)} with no dependency between them.`,
              b.urn,
            );
          }
        }
      });
    }
  },
};
