import type { PolicyResource } from "@pulumi/policy";
import { describe, known } from "../lib/links";
import { OWN_POLICY, type EstateStackPolicy } from "../lib/policy";
import { ofType, vaultsOfChild } from "../lib/stack";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

/** A key's type from its inputs (`properties.kty`) or, in the engine's stack view, its outputs (`kty`). */
function keyType(key: PolicyResource): unknown {
  return known(() => key.props.properties?.kty) ?? known(() => key.props.kty);
}

export const vaultPremiumForHsmKeys: EstateStackPolicy = {
  name: "keyvault-vault-premium-for-hsm-keys",
  description: "A vault that holds an HSM-protected key (RSA-HSM, EC-HSM) uses the Premium SKU.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set the vault\'s properties.sku.name to "premium", or move the HSM-protected key to a premium vault or a Managed HSM.',
  controls: OWN_POLICY,
  validateStack: (args, report) => {
    const vaults = ofType(args.resources, TOKENS.vault);
    for (const key of ofType(args.resources, TOKENS.key)) {
      const kty = keyType(key);
      if (typeof kty !== "string" || !kty.toUpperCase().endsWith("-HSM")) continue;
      for (const vault of vaultsOfChild(key, vaults)) {
        const sku = known(() => vault.props.properties?.sku?.name);
        if (!sameText(sku, "premium")) {
          report(
            `Key '${key.name}' is ${kty} but vault ${describe(vault)} uses SKU '${String(sku ?? "unset")}'; HSM-protected keys need 'premium'.`,
            key.urn,
          );
        }
      }
    }
  },
};
