import type * as storage from "@pulumi/azure-native/storage";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const storageInfrastructureEncryption: EstateResourcePolicy = {
  name: "storage-account-infrastructure-encryption",
  description: "Log-archive storage accounts use infrastructure (double) encryption.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set encryption.requireInfrastructureEncryption to true. It can only be set when the account is created, so this replaces an existing account.",
  controls: controls({ azurePolicy: ["4733ea7b-a883-42fe-8cac-97454c2a9e4a"] }),
  validateResource: validateTyped<storage.StorageAccountArgs>(
    TOKENS.storageAccount,
    (account, _args, report) => {
      if (account.encryption?.requireInfrastructureEncryption !== true) {
        report("encryption.requireInfrastructureEncryption is not true (absent means false).");
      }
    },
  ),
};
