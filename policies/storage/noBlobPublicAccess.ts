import type * as storage from "@pulumi/azure-native/storage";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const storageNoBlobPublicAccess: EstateResourcePolicy = {
  name: "storage-account-no-blob-public-access",
  description: "Log-archive storage accounts disallow anonymous blob access.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Set allowBlobPublicAccess to false.",
  controls: controls({
    azurePolicy: ["4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"],
    checkov: ["CKV_AZURE_190"],
  }),
  validateResource: validateTyped<storage.StorageAccountArgs>(
    TOKENS.storageAccount,
    (account, _args, report) => {
      // API 2024-01-01 interprets an absent allowBlobPublicAccess as false.
      if (account.allowBlobPublicAccess === true) {
        report("allowBlobPublicAccess is true: containers can be made public.");
      }
    },
  ),
};
