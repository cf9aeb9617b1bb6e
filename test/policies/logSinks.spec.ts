import type * as storage from "@pulumi/azure-native/storage";
import type { Unwrap } from "@pulumi/pulumi";
import { expect } from "chai";
import { TOKENS } from "../../policies/lib/tokens";
import { storageAccountArgs, workspaceArgs } from "./fixtures";
import { messages, planned } from "./helpers";

type AccountInputs = Unwrap<storage.StorageAccountArgs>;

function accountMessages(policy: string, change: (a: AccountInputs) => void): string[] {
  const args = storageAccountArgs();
  change(args);
  return messages(policy, [planned(TOKENS.storageAccount, "audit", { ...args })]);
}

const cases: [policy: string, title: string, change: (a: AccountInputs) => void][] = [
  [
    "storage-account-https-only",
    "flags an account accepting plain HTTP",
    (a) => (a.enableHttpsTrafficOnly = false),
  ],
  [
    "storage-account-minimum-tls",
    "flags an account allowing TLS 1.0",
    (a) => (a.minimumTlsVersion = "TLS1_0"),
  ],
  [
    "storage-account-minimum-tls",
    "flags an account with TLS unset (TLS 1.0)",
    (a) => delete a.minimumTlsVersion,
  ],
  [
    "storage-account-no-blob-public-access",
    "flags an account allowing public blobs",
    (a) => (a.allowBlobPublicAccess = true),
  ],
  [
    "storage-account-shared-key-disabled",
    "flags an account allowing Shared Key",
    (a) => (a.allowSharedKeyAccess = true),
  ],
  [
    "storage-account-shared-key-disabled",
    "flags an account with Shared Key unset (allowed)",
    (a) => delete a.allowSharedKeyAccess,
  ],
  [
    "storage-account-infrastructure-encryption",
    "flags an account without infrastructure encryption",
    (a) => delete a.encryption,
  ],
];

describe("log sink policies", () => {
  const policies = [...new Set(cases.map(([p]) => p))];
  for (const policy of policies) {
    it(`${policy} passes the compliant storage account fixture`, () => {
      expect(accountMessages(policy, () => undefined)).to.deep.equal([]);
    });
    it(`${policy} does not apply to a workspace`, () => {
      expect(
        messages(policy, [planned(TOKENS.workspace, "w", { ...workspaceArgs() })]),
      ).to.deep.equal([]);
    });
  }
  for (const [policy, title, change] of cases) {
    it(`${policy} ${title}`, () => {
      expect(accountMessages(policy, change)).to.have.length(1);
    });
  }
  it("storage-account-https-only judges an unset flag as Azure's default (HTTPS only)", () => {
    expect(
      accountMessages("storage-account-https-only", (a) => delete a.enableHttpsTrafficOnly),
    ).to.deep.equal([]);
  });
  it("storage-account-no-blob-public-access judges an unset flag as Azure's default (off)", () => {
    expect(
      accountMessages(
        "storage-account-no-blob-public-access",
        (a) => delete a.allowBlobPublicAccess,
      ),
    ).to.deep.equal([]);
  });

  describe("operationalinsights-workspace-retention", () => {
    const policy = "operationalinsights-workspace-retention";
    const config = { [policy]: { minimumRetentionDays: 365 } };
    it("passes the compliant workspace fixture", () => {
      expect(
        messages(policy, [planned(TOKENS.workspace, "audit", { ...workspaceArgs() })], config),
      ).to.deep.equal([]);
    });
    it("flags a retention below the configured minimum", () => {
      const ws = { ...workspaceArgs(), retentionInDays: 90 };
      expect(messages(policy, [planned(TOKENS.workspace, "audit", ws)], config)).to.have.length(1);
    });
    it("judges an absent retention as Azure's default of 30 days", () => {
      const ws = { ...workspaceArgs(), retentionInDays: undefined };
      expect(messages(policy, [planned(TOKENS.workspace, "audit", ws)])[0]).to.match(
        /Retention is 30 days/,
      );
    });
  });
});
