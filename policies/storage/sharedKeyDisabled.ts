import type * as storage from "@pulumi/azure-native/storage";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const storageSharedKeyDisabled: EstateResourcePolicy = {
  name: "storage-account-shared-key-disabled",
  description:
    "Log-archive storage accounts disable Shared Key authorization (absent means allowed).",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps: "Set allowSharedKeyAccess to false and authorize with Microsoft Entra ID.",
  controls: controls({
    azurePolicy: ["8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54"],
    checkov: ["CKV2_AZURE_40"],
  }),
  validateResource: validateTyped<storage.StorageAccountArgs>(
    TOKENS.storageAccount,
    (account, _args, report) => {
      if (account.allowSharedKeyAccess !== false) {
        report(
          `allowSharedKeyAccess is ${account.allowSharedKeyAccess === undefined ? "unset (means true)" : "true"}; account keys can authorize requests.`,
        );
      }
    },
  ),
};
