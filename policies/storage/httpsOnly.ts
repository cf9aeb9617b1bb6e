import type * as storage from "@pulumi/azure-native/storage";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const storageHttpsOnly: EstateResourcePolicy = {
  name: "storage-account-https-only",
  description: "Log-archive storage accounts accept HTTPS traffic only.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Leave enableHttpsTrafficOnly unset or set it to true.",
  controls: controls({
    azurePolicy: ["404c3081-a854-4457-ae30-26a93ef643f9"],
    checkov: ["CKV_AZURE_3"],
  }),
  validateResource: validateTyped<storage.StorageAccountArgs>(
    TOKENS.storageAccount,
    (account, _args, report) => {
      // Absent means true since API 2019-04-01 (azure-native 3.x uses 2024-01-01).
      if (account.enableHttpsTrafficOnly === false) {
        report("enableHttpsTrafficOnly is false: the account accepts plain HTTP.");
      }
    },
  ),
};
