import { expect } from "chai";
import { TOKENS } from "../../policies/lib/tokens";
import { evaluatePolicies } from "../../tools/plan/policyEval";
import {
  diagnosticSettingArgs,
  type Estate,
  estate,
  keyArgs,
  managedHsmArgs,
  privateEndpointArgs,
  resourcesOf,
  secretArgs,
  vaultArgs,
} from "./fixtures";
import { messages, NOW, planned } from "./helpers";

const STACK_POLICIES = [
  "keyvault-vault-private-endpoint",
  "keyvault-vault-management-lock",
  "keyvault-vault-premium-for-hsm-keys",
  "keyvault-vault-serialized-writes",
  "monitor-diagnostics-keyvault-audit-logs",
  "keyvault-managed-hsm-private-link",
];

const without = (e: Estate, part: keyof Estate) => resourcesOf(e).filter((r) => r !== e[part]);

describe("stack policies", () => {
  it("the compliant estate has no finding from any policy", () => {
    expect(evaluatePolicies(resourcesOf(estate()), {}, { now: NOW })).to.deep.equal([]);
  });
  for (const policy of STACK_POLICIES) {
    it(`${policy} does not apply to a stack without vaults`, () => {
      expect(
        messages(policy, [planned(TOKENS.workspace, "w", { retentionInDays: 365 })]),
      ).to.deep.equal([]);
    });
  }

  describe("monitor-diagnostics-keyvault-audit-logs", () => {
    const policy = "monitor-diagnostics-keyvault-audit-logs";
    const withDiagnostics = (
      change: (d: ReturnType<typeof diagnosticSettingArgs>) => void,
      links = true,
    ) => {
      const e = estate();
      const args = diagnosticSettingArgs();
      change(args);
      e.diagnostics = planned(
        TOKENS.diagnosticSetting,
        "d",
        { ...args },
        links ? { propertyDependencies: { resourceUri: [e.vault] } } : {},
      );
      return resourcesOf(e);
    };
    it("flags a vault with no diagnostic setting", () => {
      const e = estate();
      expect(messages(policy, without(e, "diagnostics"))).to.deep.equal([
        "Vault 'payments' (kv-payments) has no diagnostic setting sending audit logs.",
      ]);
    });
    it("flags a setting whose audit logs are disabled", () => {
      expect(
        messages(
          policy,
          withDiagnostics((d) => (d.logs = [{ categoryGroup: "audit", enabled: false }])),
        ),
      ).to.have.length(1);
    });
    it("flags a setting that sends only metrics", () => {
      expect(
        messages(
          policy,
          withDiagnostics((d) => delete d.logs),
        ),
      ).to.have.length(1);
    });
    it("accepts the AuditEvent category and the allLogs category group", () => {
      expect(
        messages(
          policy,
          withDiagnostics((d) => (d.logs = [{ category: "AuditEvent", enabled: true }])),
        ),
      ).to.deep.equal([]);
      expect(
        messages(
          policy,
          withDiagnostics((d) => (d.logs = [{ categoryGroup: "allLogs", enabled: true }])),
        ),
      ).to.deep.equal([]);
    });
    it("flags audit logs that do not reach Log Analytics", () => {
      expect(
        messages(
          policy,
          withDiagnostics((d) => delete d.workspaceId),
        )[0],
      ).to.match(/Log Analytics/);
    });
    it("flags audit logs without a Storage archive where the environment requires one", () => {
      const resources = withDiagnostics((d) => delete d.storageAccountId);
      expect(messages(policy, resources)[0]).to.match(/archive/);
      expect(
        messages(policy, resources, { [policy]: { requireStorageArchive: false } }),
      ).to.deep.equal([]);
    });
    it("links a setting to its vault by ARM id when no dependency is recorded", () => {
      expect(
        messages(
          policy,
          withDiagnostics(() => undefined, false),
        ),
      ).to.deep.equal([]);
    });
    it("does not count a setting of another vault", () => {
      const resources = withDiagnostics(
        (d) => (d.resourceUri = d.resourceUri.replace("kv-payments", "kv-other")),
        false,
      );
      expect(messages(policy, resources)).to.have.length(1);
    });
    it("flags a Managed HSM without audit logs", () => {
      const hsm = planned(TOKENS.managedHsm, "hsm", { ...managedHsmArgs() });
      expect(messages(policy, [...resourcesOf(estate()), hsm])).to.deep.equal([
        "Managed HSM 'hsm' (mhsm-payments) has no diagnostic setting sending audit logs.",
      ]);
    });
  });

  describe("keyvault-vault-management-lock", () => {
    const policy = "keyvault-vault-management-lock";
    it("flags a vault without a lock", () => {
      const e = estate();
      expect(messages(policy, without(e, "lock"))).to.have.length(1);
    });
    it("flags a vault whose only lock has no level", () => {
      const e = estate();
      e.lock = planned(
        TOKENS.lock,
        "l",
        { scope: "x" },
        { propertyDependencies: { scope: [e.vault] } },
      );
      expect(messages(policy, resourcesOf(e))).to.have.length(1);
    });
  });

  describe("keyvault-vault-private-endpoint", () => {
    const policy = "keyvault-vault-private-endpoint";
    it("flags a vault without a private endpoint", () => {
      const e = estate();
      expect(messages(policy, without(e, "endpoint"))).to.deep.equal([
        "Vault 'payments' (kv-payments) has no private endpoint.",
      ]);
    });
    it("flags an endpoint to the vault with the wrong sub-resource", () => {
      const e = estate();
      const args = privateEndpointArgs();
      args.privateLinkServiceConnections = [{ privateLinkServiceId: "x", groupIds: ["blob"] }];
      e.endpoint = planned(
        TOKENS.privateEndpoint,
        "pe",
        { ...args },
        { propertyDependencies: { privateLinkServiceConnections: [e.vault] } },
      );
      expect(messages(policy, resourcesOf(e))).to.have.length(1);
    });
    it("links an endpoint to its vault by ARM id when no dependency is recorded", () => {
      const e = estate();
      e.endpoint = planned(TOKENS.privateEndpoint, "pe", { ...privateEndpointArgs() });
      expect(messages(policy, resourcesOf(e))).to.deep.equal([]);
    });
  });

  describe("keyvault-managed-hsm-private-link", () => {
    const policy = "keyvault-managed-hsm-private-link";
    it("flags a Managed HSM without a private endpoint", () => {
      expect(
        messages(policy, [planned(TOKENS.managedHsm, "hsm", { ...managedHsmArgs() })]),
      ).to.have.length(1);
    });
    it("accepts a Managed HSM with a 'managedhsm' private endpoint", () => {
      const hsm = planned(TOKENS.managedHsm, "hsm", { ...managedHsmArgs() });
      const pe = planned(
        TOKENS.privateEndpoint,
        "pe",
        {
          privateLinkServiceConnections: [
            { privateLinkServiceId: "unknown", groupIds: ["managedhsm"] },
          ],
        },
        { propertyDependencies: { privateLinkServiceConnections: [hsm] } },
      );
      expect(messages(policy, [hsm, pe])).to.deep.equal([]);
    });
  });

  describe("keyvault-vault-premium-for-hsm-keys", () => {
    const policy = "keyvault-vault-premium-for-hsm-keys";
    it("flags an HSM-protected key in a standard vault", () => {
      const e = estate();
      const args = vaultArgs();
      args.properties.sku.name = "standard";
      e.vault = planned(TOKENS.vault, "payments", { ...args });
      expect(messages(policy, resourcesOf(e))).to.have.length(1);
    });
    it("does not apply to a software key in a standard vault", () => {
      const e = estate();
      const v = vaultArgs();
      v.properties.sku.name = "standard";
      const k = keyArgs();
      k.properties.kty = "RSA";
      e.vault = planned(TOKENS.vault, "payments", { ...v });
      e.key = planned(
        TOKENS.key,
        "k",
        { ...k },
        { propertyDependencies: { vaultName: [e.vault] } },
      );
      expect(messages(policy, resourcesOf(e))).to.deep.equal([]);
    });
  });

  describe("keyvault-vault-serialized-writes", () => {
    const policy = "keyvault-vault-serialized-writes";
    it("flags two writes to the same vault with no dependency between them", () => {
      const e = estate();
      e.secret = planned(
        TOKENS.secret,
        "payments-db-password",
        { ...secretArgs() },
        { propertyDependencies: { vaultName: [e.vault] } },
      );
      expect(messages(policy, resourcesOf(e))).to.deep.equal([
        "key 'payments-cmk-storage' and secret 'payments-db-password' write to vault 'payments' (kv-payments) with no dependency between them.",
      ]);
    });
    it("accepts writes ordered through a transitive chain", () => {
      const e = estate();
      const onVault = { vaultName: [e.vault] };
      const middle = planned(
        TOKENS.secret,
        "middle",
        { ...secretArgs() },
        { propertyDependencies: onVault, dependsOn: [e.key] },
      );
      e.secret = planned(
        TOKENS.secret,
        "last",
        { ...secretArgs() },
        { propertyDependencies: onVault, dependsOn: [middle] },
      );
      expect(messages(policy, [...resourcesOf(e), middle])).to.deep.equal([]);
    });
    it("links writes to their vault by name when vaultName has no recorded dependency", () => {
      const vault = planned(TOKENS.vault, "payments", { ...vaultArgs() });
      const key = planned(TOKENS.key, "k", { ...keyArgs() });
      const secret = planned(TOKENS.secret, "s", { ...secretArgs() });
      expect(messages(policy, [vault, key, secret])).to.have.length(1);
    });
    it("keeps writes to different vaults independent", () => {
      const a = planned(TOKENS.vault, "a", { ...vaultArgs(), vaultName: "kv-a" });
      const b = planned(TOKENS.vault, "b", { ...vaultArgs(), vaultName: "kv-b" });
      const ka = planned(
        TOKENS.key,
        "ka",
        { ...keyArgs(), vaultName: "kv-a" },
        { propertyDependencies: { vaultName: [a] } },
      );
      const kb = planned(
        TOKENS.key,
        "kb",
        { ...keyArgs(), vaultName: "kv-b" },
        { propertyDependencies: { vaultName: [b] } },
      );
      expect(messages(policy, [a, b, ka, kb])).to.deep.equal([]);
    });
    it("flags a write whose vault cannot be determined", () => {
      const vault = planned(TOKENS.vault, "payments", { ...vaultArgs() });
      const key = planned(TOKENS.key, "k", { ...keyArgs(), vaultName: "kv-elsewhere" });
      expect(messages(policy, [vault, key])[0]).to.match(/Cannot tell which vault/);
    });
  });
});
