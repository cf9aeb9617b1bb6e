import type * as storage from "@pulumi/azure-native/storage";
import { controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

export const storageMinimumTls: EstateResourcePolicy = {
  name: "storage-account-minimum-tls",
  description: "Log-archive storage accounts require TLS 1.2 or later (absent means TLS 1.0).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: 'Set minimumTlsVersion to "TLS1_2".',
  controls: controls({
    azurePolicy: ["fe83a0eb-a853-422d-aac2-1bffd182c5d0"],
    checkov: ["CKV_AZURE_44"],
  }),
  validateResource: validateTyped<storage.StorageAccountArgs>(
    TOKENS.storageAccount,
    (account, _args, report) => {
      const version = account.minimumTlsVersion ?? "TLS1_0";
      if (version !== "TLS1_2" && version !== "TLS1_3") {
        report(`minimumTlsVersion is '${version}' (absent means TLS1_0); it must be TLS1_2.`);
      }
    },
  ),
};
