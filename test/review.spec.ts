import { expect } from "chai";
import { aliasUrns, comparePlans, planReportProblem } from "../tools/review/compare";
import type { PlanReport, ReportResource } from "../tools/contract/plan";
import { REPLACE_PROPERTIES, replaceReasons } from "../tools/review/replace";
import { matchesPath } from "../tools/review/paths";
import { changeText } from "../tools/review/render";
import { RiskCode } from "../tools/contract/review";
import { clone } from "./helpers";

/**
 * The change review on small hand-built plans: each risk fires on the smallest change that causes
 * it, and nothing fires on a no-op. (test/compare.spec.ts runs it on the committed stacks.)
 */

const RG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-kv-prod";
const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv-pay-prd-abcde`;
const PARENT =
  "urn:pulumi:prod::keyvault-estate::pulumi:pulumi:Stack$keyvault-estate:vault:KeyVault::pay";
const child = (type: string, name: string) =>
  `urn:pulumi:prod::keyvault-estate::pulumi:pulumi:Stack$keyvault-estate:vault:KeyVault$${type}::${name}`;
const VAULT_URN = child("azure-native:keyvault:Vault", "pay");

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<ReportResource> = {},
): ReportResource {
  return {
    urn: child(type, name),
    type,
    name,
    parent: PARENT,
    dependsOn: [],
    protect: false,
    ignoreChanges: [],
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    aliases: [],
    inputs,
    ...extra,
  } as ReportResource;
}

/** A small prod plan: a protected, locked vault with a key, a secret, a grant and a workspace. */
function basePlan(): PlanReport {
  const resources = [
    resource(
      "azure-native:keyvault:Vault",
      "pay",
      {
        vaultName: "kv-pay-prd-abcde",
        properties: {
          enablePurgeProtection: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
          sku: { family: "A", name: "premium" },
        },
        tags: { owner: "platform" },
      },
      { protect: true, id: VAULT_ID },
    ),
    resource(
      "azure-native:authorization:ManagementLockByScope",
      "pay/lock",
      { scope: VAULT_ID, level: "CanNotDelete", lockName: "keyvault-estate-do-not-delete" },
      { dependsOn: [VAULT_URN], id: `${VAULT_ID}/providers/Microsoft.Authorization/locks/x` },
    ),
    resource(
      "azure-native:keyvault:Key",
      "pay/keys/cmk",
      {
        vaultName: "kv-pay-prd-abcde",
        keyName: "cmk",
        properties: {
          kty: "RSA-HSM",
          keySize: 3072,
          attributes: { enabled: true, expires: 1843344000 },
          rotationPolicy: { attributes: { expiryTime: "P730D" } },
        },
        tags: { owner: "platform" },
      },
      {
        ignoreChanges: ["properties", "tags"],
        retainOnDelete: true,
        id: `${VAULT_ID}/keys/cmk`,
      },
    ),
    resource(
      "azure-native:keyvault:Secret",
      "pay/secrets/db",
      {
        vaultName: "kv-pay-prd-abcde",
        secretName: "db",
        properties: {
          value: "[secret]",
          contentType: "text/plain",
          attributes: { enabled: true, expires: 1788048000 },
        },
      },
      {
        ignoreChanges: ["properties.attributes.expires"],
        retainOnDelete: true,
        id: `${VAULT_ID}/secrets/db`,
      },
    ),
    resource(
      "azure-native:authorization:RoleAssignment",
      "pay/access/secret/db/reader",
      {
        principalId: "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
        principalType: "ServicePrincipal",
        roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/4633458b",
        scope: `${VAULT_ID}/secrets/db`,
      },
      { id: `${VAULT_ID}/secrets/db/providers/Microsoft.Authorization/roleAssignments/r1` },
    ),
    resource(
      "azure-native:operationalinsights:Workspace",
      "estate/sinks/workspace",
      { workspaceName: "log-kv-audit-prd", retentionInDays: 365 },
      { id: `${RG}/providers/Microsoft.OperationalInsights/workspaces/log-kv-audit-prd` },
    ),
  ];
  return {
    project: "keyvault-estate",
    stack: "prod",
    environment: "prod",
    summary: {
      resources: resources.length,
      byType: {},
      vaults: 1,
      policyViolations: { mandatory: 0, advisory: 0 },
      requiredInputs: 0,
      missingInputs: 0,
    },
    resources,
    policyViolations: [],
    access: [
      {
        principalId: "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
        principalType: "ServicePrincipal",
        role: "Key Vault Secrets User",
        roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/4633458b",
        scope: "secret/db",
        vault: "pay",
        roleAssignmentName: "6c0f4d0e-2a51-5f1b-9a34-7d1e2b3c4d5e",
        scopeId:
          "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/db",
        notes: [],
      },
    ],
    requiredInputs: [],
    outputs: {},
  };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
type MutableResource = Omit<Writable<ReportResource>, "inputs" | "aliases"> & {
  inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  aliases: unknown[];
};
type Mutable = {
  resources: MutableResource[];
  environment: string;
  access: PlanReport["access"][number][];
  policyViolations: PlanReport["policyViolations"][number][];
};

/** The base plan with one edit applied. */
function edited(edit: (p: Mutable) => void, from: PlanReport = basePlan()): PlanReport {
  const p = clone(from) as unknown as Mutable;
  edit(p);
  return p as unknown as PlanReport;
}

const byName = (p: Mutable, name: string) => {
  const r = p.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name}`);
  return r;
};
const drop = (p: Mutable, name: string) => {
  p.resources = p.resources.filter((x) => x.name !== name);
};

/** `[action, code, level]` for every risk of a comparison. */
function risksOf(base: PlanReport, next: PlanReport): [string, string, RiskCode, string][] {
  return comparePlans(base, next).changes.flatMap((c) =>
    c.risks.map((r) => [c.action, c.name, r.code, r.level] as [string, string, RiskCode, string]),
  );
}

describe("change review", () => {
  describe("a no-op", () => {
    it("compares a plan with itself as no change, no access change, no finding", () => {
      const c = comparePlans(basePlan(), basePlan());
      expect(c.changes).to.deep.equal([]);
      expect(c.access).to.deep.equal({ granted: [], revoked: [] });
      expect(c.violations).to.deep.equal({ new: [], fixed: [] });
      expect(c.summary).to.deep.equal({
        create: 0,
        update: 0,
        replace: 0,
        delete: 0,
        risks: { mandatory: 0, advisory: 0 },
      });
    });

    it("ignores key and secret expiries that moved only because the plan's day moved", () => {
      const later = edited((p) => {
        byName(p, "pay/keys/cmk").inputs.properties.attributes.expires += 19 * 86_400;
        byName(p, "pay/secrets/db").inputs.properties.attributes.expires += 19 * 86_400;
      });
      expect(comparePlans(basePlan(), later).changes).to.deep.equal([]);
    });

    it("treats a resource whose alias names a removed URN as the same resource", () => {
      const renamed = edited((p) => {
        const r = byName(p, "pay/secrets/db");
        r.aliases = [r.urn];
        r.name = "pay-db";
        r.urn = child(r.type, "pay-db");
      });
      expect(comparePlans(basePlan(), renamed).changes).to.deep.equal([]);
      const bySpec = edited((p) => {
        const r = byName(p, "pay/secrets/db");
        r.aliases = [{ name: "pay/secrets/db" }];
        r.name = "pay-db";
        r.urn = child(r.type, "pay-db");
      });
      expect(comparePlans(basePlan(), bySpec).changes).to.deep.equal([]);
    });
  });

  describe("actions and properties", () => {
    it("lists an update leaf by leaf, with old and new values", () => {
      const c = comparePlans(
        basePlan(),
        edited((p) => {
          byName(p, "pay").inputs.properties.networkAcls.bypass = "None";
        }),
      );
      expect(c.changes).to.deep.equal([
        {
          urn: VAULT_URN,
          type: "azure-native:keyvault:Vault",
          name: "pay",
          action: "update",
          properties: [
            { path: "properties.networkAcls.bypass", before: "AzureServices", after: "None" },
          ],
          risks: [],
        },
      ]);
    });

    it("replaces a role assignment whose principal changes (azure-native forceNewMap)", () => {
      const c = comparePlans(
        basePlan(),
        edited((p) => {
          byName(p, "pay/access/secret/db/reader").inputs.principalId = "other";
        }),
      );
      expect(c.changes.map((x) => [x.action, x.replaceBecause])).to.deep.equal([
        ["replace", ["principalId"]],
      ]);
    });

    it("replaces on the resource's own replaceOnChanges paths", () => {
      const c = comparePlans(
        basePlan(),
        edited((p) => {
          const v = byName(p, "pay");
          v.replaceOnChanges = ["properties.sku"];
          v.inputs.properties.sku.name = "standard";
        }),
      );
      expect(c.changes[0].action).to.equal("replace");
      expect(c.changes[0].replaceBecause).to.deep.equal(["properties.sku.name"]);
    });

    it("never counts a secret value, which both plans hold only as the placeholder", () => {
      const c = comparePlans(
        basePlan(),
        edited((p) => {
          byName(p, "pay/secrets/db").inputs.properties.contentType = "application/json";
        }),
      );
      expect(c.changes[0].properties).to.deep.equal([
        { path: "properties.contentType", before: "text/plain", after: "application/json" },
      ]);
    });

    it("carries a vault's createMode recover as a note on its creation", () => {
      const base = edited((p) => drop(p, "pay"));
      const c = comparePlans(
        base,
        edited((p) => {
          byName(p, "pay").inputs.properties.createMode = "recover";
        }),
      );
      expect(c.changes.map((x) => [x.action, x.name, x.notes?.length])).to.deep.equal([
        ["create", "pay", 1],
      ]);
      expect(c.changes[0].notes![0]).to.match(
        /^Recovers the soft-deleted vault `kv-pay-prd-abcde`/,
      );
    });
  });

  describe("risks", () => {
    it("protected: deleting or replacing a protected vault", () => {
      expect(
        risksOf(
          basePlan(),
          edited((p) => drop(p, "pay")),
        ),
      ).to.deep.include(["delete", "pay", "protected", "mandatory"]);
      const renamed = edited((p) => {
        byName(p, "pay").inputs.vaultName = "kv-pay-prd-zzzzz";
      });
      expect(risksOf(basePlan(), renamed)[0]).to.deep.equal([
        "replace",
        "pay",
        "protected",
        "mandatory",
      ]);
    });

    it("locked-scope: revoking a role assignment under a CanNotDelete lock that stays", () => {
      const revoked = edited((p) => drop(p, "pay/access/secret/db/reader"));
      // Advisory: the deploy's reviewed unlock step applies it (scripts/revoke-under-lock.sh).
      expect(risksOf(basePlan(), revoked)).to.deep.equal([
        ["delete", "pay/access/secret/db/reader", "locked-scope", "advisory"],
      ]);
      const [risk] = comparePlans(basePlan(), revoked).changes[0].risks;
      expect(risk.message).to.include("reviewed unlock step");
      expect(risk.message).to.include("scripts/revoke-under-lock.sh");
    });

    it("locked-scope is advisory when the lock goes in the same deploy, and absent for its vault", () => {
      const dev = edited((p) => {
        p.environment = "dev";
      });
      const both = edited((p) => {
        p.environment = "dev";
        drop(p, "pay/lock");
        drop(p, "pay/access/secret/db/reader");
        byName(p, "pay").protect = false;
        drop(p, "pay");
      }, dev);
      const risks = risksOf(dev, both);
      expect(risks).to.deep.include([
        "delete",
        "pay/access/secret/db/reader",
        "locked-scope",
        "advisory",
      ]);
      expect(
        risks.filter(([, name, code]) => name === "pay" && code === "locked-scope"),
      ).to.deep.equal([]);
    });

    it("immutable: soft-delete retention of an existing vault", () => {
      const c = edited((p) => {
        byName(p, "pay").inputs.properties.softDeleteRetentionInDays = 60;
      });
      expect(risksOf(basePlan(), c)).to.deep.equal([["update", "pay", "immutable", "mandatory"]]);
    });

    it("immutable: turning purge protection off", () => {
      const c = edited((p) => {
        delete byName(p, "pay").inputs.properties.enablePurgeProtection;
      });
      expect(risksOf(basePlan(), c)).to.deep.equal([["update", "pay", "immutable", "mandatory"]]);
    });

    it("immutable: a key property the config changed, which ignoreChanges keeps from Azure", () => {
      const c = comparePlans(
        basePlan(),
        edited((p) => {
          byName(p, "pay/keys/cmk").inputs.properties.keySize = 4096;
        }),
      );
      expect(c.changes[0].properties).to.deep.equal([
        { path: "properties.keySize", before: 3072, after: 4096, ignored: true },
      ]);
      expect(c.changes[0].risks.map((r) => [r.code, r.level])).to.deep.equal([
        ["immutable", "mandatory"],
      ]);
    });

    it("immutable (advisory): new tags never reach existing keys", () => {
      const c = edited((p) => {
        byName(p, "pay/keys/cmk").inputs.tags.owner = "security";
        byName(p, "pay").inputs.tags.owner = "security";
      });
      expect(risksOf(basePlan(), c)).to.deep.equal([
        ["update", "pay/keys/cmk", "immutable", "advisory"],
      ]);
    });

    it("immutable: a Managed HSM's soft delete and initial administrators", () => {
      const hsm = (edit: (i: Record<string, unknown>) => void) =>
        edited((p) => {
          const v = byName(p, "pay");
          v.type = "azure-native:keyvault:ManagedHsm";
          v.urn = child(v.type, "pay");
          v.inputs.properties.initialAdminObjectIds = ["a"];
          edit(v.inputs.properties);
        });
      const base = hsm(() => undefined);
      expect(
        risksOf(
          base,
          hsm((i) => {
            i.enableSoftDelete = false;
          }),
        ),
      ).to.deep.equal([["update", "pay", "immutable", "mandatory"]]);
      expect(
        risksOf(
          base,
          hsm((i) => {
            i.initialAdminObjectIds = ["a", "b"];
          }),
        ),
      ).to.deep.equal([["update", "pay", "immutable", "advisory"]]);
    });

    it("retained: a removed secret stays in Azure; the message depends on whether it was disabled", () => {
      const removed = edited((p) => drop(p, "pay/secrets/db"));
      expect(risksOf(basePlan(), removed)).to.deep.equal([
        ["delete", "pay/secrets/db", "retained", "advisory"],
      ]);
      const [enabled] = comparePlans(basePlan(), removed).changes[0].risks;
      expect(enabled.message).to.include("disable it first in an earlier pull request");
      const disabled = edited((p) => {
        byName(p, "pay/secrets/db").inputs.properties.attributes.enabled = false;
      });
      const [was] = comparePlans(disabled, removed).changes[0].risks;
      expect(was.message).to.include("It is already disabled");
    });

    it("data-plane: a key deleted from a base recorded without retainOnDelete, behind a firewall", () => {
      const old = edited((p) => {
        byName(p, "pay/keys/cmk").retainOnDelete = false;
      });
      const removed = edited((p) => drop(p, "pay/keys/cmk"));
      expect(risksOf(old, removed)).to.deep.equal([
        ["delete", "pay/keys/cmk", "data-plane", "mandatory"],
        ["delete", "pay/keys/cmk", "data-loss", "advisory"],
      ]);
      const open = edited((p) => {
        const v = byName(p, "pay").inputs.properties;
        v.publicNetworkAccess = "Enabled";
        v.networkAcls.defaultAction = "Allow";
      }, old);
      expect(
        risksOf(
          open,
          edited((p) => drop(p, "pay/keys/cmk"), open),
        )[0],
      ).to.deep.equal(["delete", "pay/keys/cmk", "data-plane", "advisory"]);
    });

    it("data-loss: deleting the audit workspace, mandatory in prod and advisory in dev", () => {
      const removed = edited((p) => drop(p, "estate/sinks/workspace"));
      expect(risksOf(basePlan(), removed)).to.deep.equal([
        ["delete", "estate/sinks/workspace", "data-loss", "mandatory"],
      ]);
      const dev = edited((p) => {
        p.environment = "dev";
      });
      expect(
        risksOf(
          dev,
          edited((p) => drop(p, "estate/sinks/workspace"), dev),
        ),
      ).to.deep.equal([["delete", "estate/sinks/workspace", "data-loss", "advisory"]]);
    });
  });

  describe("access and findings", () => {
    it("lists access granted and revoked as access entries", () => {
      const next = edited((p) => {
        p.access = [{ ...p.access[0], principalId: "2a3b4c5d-0000-4000-8000-000000000000" }];
      });
      const c = comparePlans(basePlan(), next);
      expect(c.access.granted.map((a) => a.principalId)).to.deep.equal([
        "2a3b4c5d-0000-4000-8000-000000000000",
      ]);
      expect(c.access.revoked.map((a) => a.principalId)).to.deep.equal([
        "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
      ]);
    });

    it("matches findings by policy and resource, whatever their dated message says", () => {
      const finding = (message: string, policy = "keyvault-secret-max-validity") => ({
        policy,
        enforcementLevel: "mandatory" as const,
        urn: child("azure-native:keyvault:Secret", "pay/secrets/db"),
        message,
        controls: [],
      });
      const base = edited((p) => {
        p.policyViolations = [finding("It expires 2026-08-30, 90 days from now.")];
      });
      const later = edited((p) => {
        p.policyViolations = [
          finding("It expires 2026-08-30, 71 days from now."),
          finding("No content type.", "keyvault-secret-content-type"),
        ];
      });
      const c = comparePlans(base, later);
      expect(c.violations.fixed).to.deep.equal([]);
      expect(c.violations.new.map((f) => (f as { policy: string }).policy)).to.deep.equal([
        "keyvault-secret-content-type",
      ]);
      expect(comparePlans(later, base).violations.fixed).to.have.length(1);
    });

    it("compares Azure Policy findings by definition, assignment and resource when both plans have them", () => {
      const withAzure = (findings: object[]) =>
        ({ ...basePlan(), azurePolicy: { evaluated: [], findings } }) as unknown as PlanReport;
      const f = { definitionId: "d1", assignment: "a1", urn: VAULT_URN, effect: "deny" };
      const c = comparePlans(withAzure([f]), withAzure([{ ...f, assignment: "a2" }]));
      expect(c.violations.new).to.deep.equal([{ ...f, assignment: "a2" }]);
      expect(c.violations.fixed).to.deep.equal([f]);
    });
  });

  describe("helpers", () => {
    it("knows why a base is not a plan report", () => {
      expect(planReportProblem([])).to.equal("it is not a JSON object");
      expect(planReportProblem({ project: "x", stack: "y" })).to.equal(
        'it has no "environment" string',
      );
      expect(planReportProblem({ ...basePlan(), resources: [{ urn: 1 }] })).to.equal(
        "resources[0] has no urn, type and inputs",
      );
      expect(planReportProblem(basePlan())).to.equal(undefined);
    });

    it("builds old URNs from alias specs, re-parenting included", () => {
      const r = resource("azure-native:keyvault:Secret", "pay/secrets/db", {});
      expect(
        aliasUrns({
          ...r,
          aliases: [{ name: "pay-db" }, { parent: null }, "urn:pulumi:prod::p::t::n"],
        }),
      ).to.deep.equal([
        "urn:pulumi:prod::keyvault-estate::pulumi:pulumi:Stack$keyvault-estate:vault:KeyVault$azure-native:keyvault:Secret::pay-db",
        "urn:pulumi:prod::keyvault-estate::azure-native:keyvault:Secret::pay/secrets/db",
        "urn:pulumi:prod::p::t::n",
      ]);
    });

    it("matches Pulumi property paths with wildcards and containers", () => {
      expect(matchesPath("properties.attributes.expires", "properties")).to.equal(true);
      expect(matchesPath("tags.owner", "tags.*")).to.equal(true);
      expect(matchesPath("a[0].b", "a[*].b")).to.equal(true);
      expect(matchesPath("propertiesX", "properties")).to.equal(false);
    });

    it("has a replace rule for every azure-native type the estate registers", () => {
      expect(
        replaceReasons("azure-native:network:PrivateEndpoint", ["subnet.id", "tags.a"], []),
      ).to.deep.equal(["subnet.id"]);
      expect(Object.keys(REPLACE_PROPERTIES)).to.include.members([
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "azure-native:keyvault:Secret",
        "azure-native:authorization:RoleAssignment",
        "azure-native:authorization:ManagementLockByScope",
        "azure-native:monitor:DiagnosticSetting",
      ]);
    });
  });
});

describe("long texts in the review", () => {
  it("shows a multi-line value by the part of the line that changed", () => {
    const before = `AZKVAuditLogs\n| where Caller !in (dynamic(["a", "${"b".repeat(150)}"]))\n| count`;
    const after = before.replace('"]))', '", "c"]))');
    const text = changeText({ path: "query", before, after });
    expect(text).to.equal(
      `text changed (3 → 3 lines): - …${"b".repeat(23)}"])); + …${"b".repeat(23)}", "c"]))`,
    );
  });

  it("keeps short values as they are", () => {
    expect(changeText({ path: "sku.name", before: "standard", after: "premium" })).to.equal(
      "standard → premium",
    );
  });
});
