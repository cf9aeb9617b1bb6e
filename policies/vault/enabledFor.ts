import type * as keyvault from "@pulumi/azure-native/keyvault";
import { configOf, OWN_POLICY, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const FLAGS = [
  "enabledForDeployment",
  "enabledForDiskEncryption",
  "enabledForTemplateDeployment",
] as const;
type Flag = (typeof FLAGS)[number];

const configSchema = {
  properties: {
    allowed: {
      type: "array" as const,
      items: { type: "string" as const, enum: [...FLAGS] },
      uniqueItems: true,
      default: [],
    },
  },
};

export const vaultEnabledForFlags: EstateResourcePolicy = {
  name: "keyvault-vault-enabled-for-flags",
  description:
    "Key vaults keep enabledForDeployment, enabledForDiskEncryption and enabledForTemplateDeployment off unless allow-listed.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set the flag to false (the default), or allow-list it in the policy config with a reason in the stack's review.",
  controls: OWN_POLICY,
  configSchema,
  validateResource: validateTyped<keyvault.VaultArgs>(TOKENS.vault, (vault, args, report) => {
    const { allowed } = configOf<{ allowed: Flag[] }>(args, configSchema);
    for (const flag of FLAGS) {
      if (vault.properties?.[flag] === true && !allowed.includes(flag)) {
        report(`properties.${flag} is true but not allow-listed.`);
      }
    }
  }),
};
