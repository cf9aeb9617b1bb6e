import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { PRIVILEGED_ACCESS_POLICY } from "../infra/azure/accessRules";
import { ROLES } from "../infra/azure/roles";
import { privilegedAccessRule } from "../infra/model/access";
import { credentialVariable } from "../infra/model/secrets";
import { resolveSecretValues, SecretSourceError } from "../infra/sources";
import { BASELINES } from "../stacks";
import { loadPolicyConfig } from "../policies/lib/environments";
import { authorizationPrivilegedAccess } from "../policies/authorization/privilegedAccess";
import { buildAccessMatrix, KEY_RELEASE_ROLE } from "../tools/plan/accessMatrix";
import { cli, EXIT } from "../tools/plan/cli";
import { PlannedResource } from "../tools/contract/plan";
import { evaluatePolicies } from "../tools/plan/policyEval";
import { readStackFile } from "../tools/plan/stackFile";
import {
  clone,
  committedConfig,
  committedPlan,
  configProblems,
  resolveCommitted,
  resolveConfig,
  StackConfigDoc,
  tempDir,
  writeStackFile,
} from "./helpers";

/**
 * The second round of guardrails, at the config layer (exit 2): each case starts from a committed
 * stack, which is valid, and changes one thing.
 */

const BREAK_GLASS = "4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"; // prod's breakGlassPrincipals
const OTHER = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
const CUSTOM_ROLE = "0b5d1a2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const FOREIGN_SUB = "99999999-9999-4999-8999-999999999999";
const PROD_SUB = "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f"; // the prod network's, listed in the pack
const AUTHORITY = "https://sharedweu.weu.attest.azure.net";
const NEXT = "vaults[0].access[4]"; // payments has four committed grants
/** The refusal of a restricted role to a principal not on the environment's break-glass list. */
const notBreakGlass = (env: string, principal = OTHER) =>
  `in ${env} it may be granted in a vault only to a break-glass principal (${PRIVILEGED_ACCESS_POLICY}.allowedPrincipalIds in policies/config/${env}.json), and ${principal} is not one`;
const neverInVault = (env: string) =>
  `in ${env} it is never granted in a vault, to a break-glass principal either (${PRIVILEGED_ACCESS_POLICY}.forbiddenRoleDefinitionIds); a break-glass principal holds Key Vault Administrator or Key Vault Data Access Administrator`;

type Doc = Record<string, unknown>;
type Vault = Doc & { access: Doc[]; keys: Doc[]; secrets: Doc[]; network: Doc; tags?: Doc };

const vaults = (c: StackConfigDoc) => c["keyvault-estate:vaults"] as Vault[];
const stack = (name: "dev" | "staging" | "prod") => clone(committedConfig(name));

function withGrant(c: StackConfigDoc, grant: Doc, v = 0): StackConfigDoc {
  vaults(c)[v].access.push({ principalType: "ServicePrincipal", principalId: OTHER, ...grant });
  return c;
}

const releasePolicy = (conditions = true) =>
  Buffer.from(
    JSON.stringify({
      version: "1.0.0",
      anyOf: [
        conditions
          ? {
              authority: AUTHORITY,
              allOf: [{ claim: "x-ms-attestation-type", equals: "sevsnpvm" }],
            }
          : { authority: AUTHORITY },
      ],
    }),
  ).toString("base64url");

function withExportableKey(c: StackConfigDoc, conditions = true): StackConfigDoc {
  vaults(c)[0].keys.push({
    name: "cmk-release",
    type: "RSA",
    protection: "hsm",
    size: 3072,
    ops: ["wrapKey", "unwrapKey", "release"],
    exportable: true,
    releasePolicy: { data: releasePolicy(conditions) },
  });
  return c;
}

function prodHsm(admins: string[], breakGlass: string[] = [BREAK_GLASS]): StackConfigDoc {
  const c = stack("prod");
  c["keyvault-estate:breakGlassPrincipals"] = breakGlass;
  const v = vaults(c)[1];
  Object.assign(v, { tier: "managedHsm", keys: [], secrets: [], access: [] });
  v.initialAdminObjectIds = admins;
  (v.network.privateEndpoint as Doc).privateDnsZoneId =
    `/subscriptions/${PROD_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.managedhsm.azure.net`;
  return c;
}

async function planExit(c: StackConfigDoc) {
  let err = "";
  const code = await cli(
    ["--stack", "prod", "--config", writeStackFile(c)],
    () => undefined,
    (s) => (err += s),
  );
  return { code, err };
}

describe("guardrails, second round (config validation)", () => {
  describe("privileged access: role classes, break-glass and the pack's allow-list", () => {
    it("refuses a self-declared break-glass principal the pack does not allow-list", () => {
      const c = withGrant(stack("prod"), {
        role: "Key Vault Data Access Administrator",
        scope: "vault",
      });
      c["keyvault-estate:breakGlassPrincipals"] = [BREAK_GLASS, OTHER];
      expect(configProblems(c)).to.deep.equal([
        `breakGlassPrincipals[1]: ${OTHER} is not a break-glass principal of prod: break-glass principals are listed once, in ${PRIVILEGED_ACCESS_POLICY}.allowedPrincipalIds in policies/config/prod.json; add it there (a security-reviewed change) or drop it here`,
        `${NEXT}.role: "Key Vault Data Access Administrator" is privileged: ${notBreakGlass("prod")}`,
      ]);
    });

    it("takes the break-glass principals from the pack alone: the stack need not list them", () => {
      const c = withGrant(stack("prod"), {
        role: "Key Vault Data Access Administrator",
        scope: "vault",
        principalId: BREAK_GLASS,
      });
      delete c["keyvault-estate:breakGlassPrincipals"];
      expect(configProblems(c)).to.deep.equal([]);
      expect(resolveConfig(c).breakGlassPrincipals).to.deep.equal([BREAK_GLASS]);
    });

    for (const [role, objects] of [
      ["Key Vault Secrets Officer", "secret"],
      ["Key Vault Crypto Officer", "key"],
      ["Key Vault Certificates Officer", "certificate"],
    ] as const) {
      it(`refuses ${role} at vault scope in prod`, () => {
        const c = withGrant(stack("prod"), { role, scope: "vault" });
        expect(configProblems(c)).to.deep.equal([
          `${NEXT}.role: "${role}" writes every ${objects} of the vault at vault scope: ${notBreakGlass("prod")}; grant it at ${objects === "key" ? "key" : "secret"}/<name> for each object the principal writes`,
        ]);
      });
    }

    for (const role of ["Key Vault Contributor", "Owner"]) {
      it(`refuses ${role} (administer / grant access) in prod and staging`, () => {
        const prod = withGrant(stack("prod"), { role, scope: "vault" });
        expect(configProblems(prod)).to.deep.equal([
          `${NEXT}.role: "${role}" is privileged: ${role === "Owner" ? neverInVault("prod") : notBreakGlass("prod")}`,
        ]);
        const staging = withGrant(stack("staging"), { role, scope: "vault" });
        expect(configProblems(staging)).to.have.length(1);
      });
    }

    it("allows a data-writing role on one secret, with a note naming what it can change", () => {
      const c = withGrant(stack("prod"), {
        role: "Key Vault Secrets Officer",
        scope: "secret/db-password",
      });
      expect(resolveConfig(c).vaults[0].access[4].notes).to.deep.equal([
        `"Key Vault Secrets Officer" writes data on secret/db-password only: it can change or delete that secret, nothing else in the vault`,
      ]);
    });

    it("accepts a restricted role held by an allow-listed break-glass principal as it is", () => {
      const notes = resolveCommitted("prod").vaults[0].access.find(
        (a) => a.principalId === BREAK_GLASS,
      )?.notes;
      expect(notes).to.deep.equal([]);
    });

    it("only notes broad roles in dev and data-writing roles at vault scope in staging", () => {
      const dev = withGrant(stack("dev"), { role: "Owner", scope: "vault" });
      expect(configProblems(dev)).to.deep.equal([]);
      expect(resolveConfig(dev).vaults[0].access[2].notes).to.deep.equal([
        `advisory: "Owner" grants access at vault scope; in prod only a break-glass principal on the policy pack's allow-list may hold it`,
      ]);
      const staging = withGrant(stack("staging"), {
        role: "Key Vault Secrets Officer",
        scope: "vault",
      });
      expect(configProblems(staging)).to.deep.equal([]);
      expect(resolveConfig(staging).vaults[0].access[1].notes).to.have.length(1);
    });

    it("refuses an unreviewed custom role GUID in prod, notes it in staging", () => {
      const prod = withGrant(stack("prod"), { role: CUSTOM_ROLE, scope: "vault" });
      expect(configProblems(prod)).to.deep.equal([
        `${NEXT}.role: ${CUSTOM_ROLE} is not in the catalogue: in prod only a reviewed custom role may be granted (add it to ${PRIVILEGED_ACCESS_POLICY}.allowedCustomRoleIds in policies/config/prod.json after reviewing its permissions), or use a catalogue role`,
      ]);
      const staging = withGrant(stack("staging"), { role: CUSTOM_ROLE, scope: "vault" });
      expect(configProblems(staging)).to.deep.equal([]);
      expect(resolveConfig(staging).vaults[0].access[1].notes[0]).to.match(
        /is not in the catalogue \(custom or unlisted built-in role\)/,
      );
    });

    it("refuses Managed HSM initial administrators outside break-glass and the allow-list", () => {
      expect(configProblems(prodHsm([BREAK_GLASS]))).to.deep.equal([]);
      expect(configProblems(prodHsm([BREAK_GLASS, OTHER]))).to.deep.equal([
        `vaults[1].initialAdminObjectIds[1]: ${OTHER} would be an initial administrator of the Managed HSM (security domain, backups, every local role assignment): ${notBreakGlass("prod")}`,
      ]);
      // Declaring it break-glass in the stack does not help: the pack's allow-list decides.
      expect(configProblems(prodHsm([OTHER], [BREAK_GLASS, OTHER]))).to.deep.equal([
        `breakGlassPrincipals[1]: ${OTHER} is not a break-glass principal of prod: break-glass principals are listed once, in ${PRIVILEGED_ACCESS_POLICY}.allowedPrincipalIds in policies/config/prod.json; add it there (a security-reviewed change) or drop it here`,
        `vaults[1].initialAdminObjectIds[0]: ${OTHER} would be an initial administrator of the Managed HSM (security domain, backups, every local role assignment): ${notBreakGlass("prod")}`,
      ]);
    });

    it("shows Managed HSM initial administrators and key release authorities in the access matrix", () => {
      const hsm = resolveConfig(prodHsm([BREAK_GLASS])).vaults[1];
      const rows = buildAccessMatrix([hsm], []);
      expect(rows.map((r) => [r.vault, r.role, r.principalId, r.scope])).to.deep.equal([
        ["platform", "Managed HSM initial administrator", BREAK_GLASS, "vault"],
      ]);
      const premium = stack("dev");
      vaults(premium)[0].tier = "premium";
      const dev = resolveConfig(withExportableKey(premium)).vaults[0];
      const release = buildAccessMatrix([{ ...dev, access: [] }], []);
      expect(release.map((r) => [r.role, r.principalId, r.principalType, r.scope])).to.deep.equal([
        [KEY_RELEASE_ROLE, AUTHORITY, "AttestationAuthority", "key/cmk-release"],
      ]);
    });

    it("keeps each baseline's break-glass rule and the pack's rule in step", () => {
      for (const env of ["dev", "staging", "prod"] as const) {
        const rule = privilegedAccessRule(env);
        const restricts =
          rule.enforced &&
          rule.settings.restrictedClasses.includes("grantAccess") &&
          rule.settings.restrictedClasses.includes("administer");
        expect(restricts, env).to.equal(BASELINES[env].access.privilegedRolesBreakGlassOnly);
      }
    });

    it("gives every committed estate the pack's allow-list as its break-glass principals", () => {
      for (const name of ["dev", "staging", "prod"] as const) {
        const estate = resolveCommitted(name);
        const allowed = privilegedAccessRule(estate.environment).settings.allowedPrincipalIds;
        expect([...allowed].sort(), name).to.deep.equal([...estate.breakGlassPrincipals].sort());
      }
    });
  });

  describe("config validation and the policy agree on every grant", () => {
    const pool = [BREAK_GLASS, OTHER, "9c8b7a6f-5e4d-4c3b-a291-807f6e5d4c3b"];
    const vaultRoles = ROLES.filter((r) => r.targets.includes("vault"));
    const grants = fc.record({
      role: fc.oneof(fc.constantFrom(...vaultRoles.map((r) => r.name)), fc.constant(CUSTOM_ROLE)),
      principal: fc.constantFrom(...pool),
      onSecret: fc.boolean(),
    });
    const VAULT_ID =
      "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";

    for (const env of ["dev", "staging", "prod"] as const) {
      it(`in ${env}: the model refuses a grant exactly when the policy blocks it, and any self-declared break-glass principal`, () => {
        fc.assert(
          fc.property(grants, fc.subarray(pool), (g, breakGlass) => {
            const role = vaultRoles.find((r) => r.name === g.role);
            // A role acting on keys or certificates has no secret scope (refused for that reason).
            const onSecret = g.onSecret && (!role?.objects || role.objects === "secrets");
            const c = withGrant(stack(env), {
              role: g.role,
              principalId: g.principal,
              scope: onSecret ? "secret/db-password" : "vault",
            });
            c["keyvault-estate:breakGlassPrincipals"] = breakGlass;
            const at = `vaults[0].access[${vaults(c)[0].access.length - 1}].role`;
            const problems = configProblems(c);
            const refused = problems.some((p) => p.startsWith(`${at}:`));

            const assignment: PlannedResource = {
              urn: "urn:pulumi:t::keyvault-estate::azure-native:authorization:RoleAssignment::ra",
              type: "azure-native:authorization:RoleAssignment",
              name: "ra",
              custom: true,
              dependsOn: [],
              propertyDependencies: {},
              protect: false,
              ignoreChanges: [],
              retainOnDelete: false,
              deleteBeforeReplace: false,
              replaceOnChanges: [],
              aliases: [],
              inputs: {
                scope: onSecret ? `${VAULT_ID}/secrets/db-password` : VAULT_ID,
                principalId: g.principal,
                principalType: "ServicePrincipal",
                roleDefinitionId: `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/${role?.id ?? CUSTOM_ROLE}`,
              },
              outputs: {},
            };
            const policyConfig = {
              [PRIVILEGED_ACCESS_POLICY]: loadPolicyConfig(env)[PRIVILEGED_ACCESS_POLICY],
            };
            const blocked = evaluatePolicies([assignment], policyConfig, {
              policies: [authorizationPrivilegedAccess],
            }).some((v) => v.enforcementLevel === "mandatory");
            const rule = privilegedAccessRule(env);
            expect(refused, problems.join("\n")).to.equal(blocked);
            const selfDeclared = rule.enforced
              ? breakGlass.filter((p) => !rule.settings.allowedPrincipalIds.includes(p))
              : [];
            expect(problems.filter((p) => p.startsWith("breakGlassPrincipals[")).length).to.equal(
              selfDeclared.length,
            );
          }),
          { numRuns: 40 },
        );
      });
    }
  });

  describe("exportable keys", () => {
    it("refuses an exportable key in prod unless the key and its authorities are allow-listed", () => {
      expect(configProblems(withExportableKey(stack("prod")))).to.deep.equal([
        `vaults[0].keys[2].exportable: Key payments/keys/cmk-release is exportable (its private key can leave the HSM): the key is not allow-listed (allowedKeys); its release policy trusts attestation authority not allow-listed (allowedAttestationAuthorities): ${AUTHORITY}: in prod both must be reviewed in keyvault-key-exportable (policies/config/prod.json)`,
      ]);
    });

    it("names a release policy without claim conditions as trusting any attested environment", () => {
      expect(configProblems(withExportableKey(stack("prod"), false))[0]).to.contain(
        "states no claim conditions: it would release the key to any environment that authority attests",
      );
    });

    it("accepts an exportable key in dev, noting who can release it", () => {
      const premium = stack("dev");
      vaults(premium)[0].tier = "premium";
      const c = withGrant(withExportableKey(premium), {
        role: "Key Vault Crypto Service Release User",
        scope: "key/cmk-release",
      });
      expect(configProblems(c)).to.deep.equal([]);
      expect(resolveConfig(c).vaults[0].access[2].notes).to.deep.equal([
        `"Key Vault Crypto Service Release User" can release (export) the private key of exportable key/cmk-release to an environment its release policy trusts`,
      ]);
    });
  });

  describe("audit sinks and references outside the estate", () => {
    const foreign = (type: string) =>
      `/subscriptions/${FOREIGN_SUB}/resourceGroups/rg-x/providers/${type}`;

    it("protects and locks the created workspace and archive in prod only", () => {
      const prod = resolveCommitted("prod").sinks;
      expect([
        prod.protect,
        prod.workspaceLock?.resource.name,
        prod.archiveLock?.level,
      ]).to.deep.equal([true, "estate/sinks/workspace/lock", "CanNotDelete"]);
      const staging = resolveCommitted("staging").sinks;
      expect([staging.protect, staging.workspaceLock, staging.archiveLock]).to.deep.equal([
        false,
        undefined,
        undefined,
      ]);
    });

    it("registers the prod sinks protected, each with its CanNotDelete lock", async () => {
      const plan = await committedPlan("prod");
      const sinks = plan.resources.filter((r) =>
        ["estate/sinks/workspace", "estate/sinks/archive"].includes(r.name),
      );
      expect(sinks.map((r) => [r.name, r.protect])).to.have.deep.members([
        ["estate/sinks/workspace", true],
        ["estate/sinks/archive", true],
      ]);
      const locks = plan.resources.filter(
        (r) => r.name.startsWith("estate/sinks/") && r.name.endsWith("/lock"),
      );
      expect(locks.map((r) => [r.name, r.inputs.level, r.inputs.scope])).to.have.deep.members(
        sinks.map((s) => [`${s.name}/lock`, "CanNotDelete", s.id]),
      );
    });

    it("refuses, in prod, existing sinks and an Event Hub in an unreviewed subscription", () => {
      const c = stack("prod");
      c["keyvault-estate:diagnostics"] = {
        logAnalytics: { workspaceId: foreign("Microsoft.OperationalInsights/workspaces/w") },
        storage: { accountId: foreign("Microsoft.Storage/storageAccounts/s") },
        eventHub: {
          authorizationRuleId: foreign("Microsoft.EventHub/namespaces/n/authorizationRules/r"),
          name: "kv-audit",
        },
      };
      const suffix = `is in subscription ${FOREIGN_SUB}, which is not a reviewed subscription of the prod estate (keyvault-vault-references-allowed-subscriptions.allowedSubscriptionIds in policies/config/prod.json: ${PROD_SUB})`;
      expect(configProblems(c)).to.deep.equal([
        `diagnostics.logAnalytics.workspaceId: the workspace ${suffix}`,
        `diagnostics.storage.accountId: the archive account ${suffix}`,
        `diagnostics.eventHub.authorizationRuleId: the Event Hubs namespace ${suffix}`,
      ]);
      const listed = stack("prod");
      listed["keyvault-estate:diagnostics"] = {
        logAnalytics: {
          workspaceId: `/subscriptions/${PROD_SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w`,
        },
        storage: { retentionInDays: 365 },
      };
      expect(configProblems(listed)).to.deep.equal([]);
    });

    it("refuses a private endpoint subnet elsewhere, and a DNS zone of the wrong store kind", () => {
      const c = stack("prod");
      const pe = vaults(c)[0].network.privateEndpoint as Doc;
      pe.subnetId = foreign("Microsoft.Network/virtualNetworks/v/subnets/s");
      (vaults(c)[1].network.privateEndpoint as Doc).privateDnsZoneId = String(
        (vaults(c)[1].network.privateEndpoint as Doc).privateDnsZoneId,
      ).replace("privatelink.vaultcore.azure.net", "privatelink.blob.core.windows.net");
      expect(configProblems(c)).to.deep.equal([
        `vaults[0].network.privateEndpoint.subnetId: the private endpoint's subnet is in subscription ${FOREIGN_SUB}, which is not a reviewed subscription of the prod estate (keyvault-vault-references-allowed-subscriptions.allowedSubscriptionIds in policies/config/prod.json: ${PROD_SUB})`,
        "vaults[1].network.privateEndpoint.privateDnsZoneId: names the zone privatelink.blob.core.windows.net; a vault resolves through privatelink.vaultcore.azure.net",
      ]);
    });

    it("refuses a Managed HSM endpoint in the vaults' DNS zone", () => {
      const c = prodHsm([BREAK_GLASS]);
      (vaults(c)[1].network.privateEndpoint as Doc).privateDnsZoneId =
        `/subscriptions/${PROD_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;
      expect(configProblems(c)).to.deep.equal([
        "vaults[1].network.privateEndpoint.privateDnsZoneId: names the zone privatelink.vaultcore.azure.net; a Managed HSM resolves through privatelink.managedhsm.azure.net",
      ]);
    });
  });

  describe("credential variables as secret sources", () => {
    const refused = [
      "AZURE_CLIENT_SECRET",
      "GH_TOKEN",
      "NPM_TOKEN",
      "NODE_AUTH_TOKEN",
      "SYSTEM_ACCESSTOKEN",
      "arm_client_secret",
      "GITHUB_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
      "PULUMI_ACCESS_TOKEN",
      "npm_config__authToken",
      "AZURE_DEVOPS_EXT_PAT",
      "MSI_SECRET",
    ];
    for (const name of refused) {
      it(`refuses ${name}, saying whose credential it is`, () => {
        const c = stack("prod");
        vaults(c)[0].secrets[0].source = { env: name };
        const problems = configProblems(c);
        expect(problems).to.have.length(1);
        expect(problems[0]).to.equal(
          `vaults[0].secrets[0].source.env: names a credential variable of the deployment or its CI system (${credentialVariable(name)}); seeding a vault from it would copy that credential: use a variable set for this secret`,
        );
      });
    }

    it("accepts the variables a pipeline sets for a secret", () => {
      for (const name of [
        "PAYMENTS_DB_PASSWORD",
        "AZURE_REGION_NAME",
        "SECRET_API_KEY",
        "GHOST_TOKEN",
      ]) {
        expect(credentialVariable(name), name).to.equal(undefined);
      }
    });
  });

  describe("Azure's limits", () => {
    it("refuses a secret whose merged tags exceed Key Vault's 15", () => {
      const c = stack("prod"); // 3 estate tags + 2 reserved
      vaults(c)[0].secrets[0].tags = Object.fromEntries(
        Array.from({ length: 11 }, (_, i) => [`t${i}`, "x"]),
      );
      expect(configProblems(c)).to.deep.equal([
        "vaults[0].secrets[0].tags: the secret would carry 16 tags (the estate's, the vault's, its own and the reserved environment and managed-by); Azure allows 15",
      ]);
      vaults(c)[0].secrets[0].tags = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`t${i}`, "x"]),
      );
      expect(configProblems(c)).to.deep.equal([]);
    });

    it("refuses a vault's tags that push it over 50, and reserved tags in any letter case", () => {
      const c = stack("prod");
      vaults(c)[0].tags = {
        Environment: "dev",
        ...Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`t${i}`, "x"])),
      };
      expect(configProblems(c)).to.deep.equal([
        'vaults[0].tags.Environment: "environment" is reserved: the estate sets it on every resource (environment, managed-by)',
        "vaults[0].tags: the vault would carry 51 tags (the estate's, the vault's, its own and the reserved environment and managed-by); Azure allows 50",
        "vaults[0].tags: every key and secret of the vault inherits 51 tags (the estate's, the vault's and the reserved environment and managed-by); Key Vault allows 15 per key or secret",
      ]);
    });

    it("refuses tags that differ only in letter case from the estate's", () => {
      const c = stack("prod");
      vaults(c)[0].tags = { Owner: "someone-else" };
      expect(configProblems(c)).to.deep.equal([
        'vaults[0].tags: tags "Owner" and "owner" differ only in letter case, and Azure tag names are case-insensitive: use one spelling',
      ]);
    });

    it("fails `pulumi up` on a value over 25 KB, naming the source and never the value", () => {
      const canary = `canary-oversized-${"x".repeat(26 * 1024)}`;
      const estate = resolveCommitted("prod");
      const env = {
        PAYMENTS_DB_PASSWORD: canary,
        PAYMENTS_PSP_API_KEY: "fake-psp-canary",
        PLATFORM_TLS_API_PFX_BASE64: "MAMCAQM=",
      };
      let error: unknown;
      try {
        resolveSecretValues(estate, {
          mode: "up",
          inputs: { env, config: {} },
          readSecretConfig: () => {
            throw new Error("not read");
          },
          warn: () => undefined,
        });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(SecretSourceError);
      const message = (error as Error).message;
      expect(message).to.contain(
        `vaults[0].secrets[0] (payments/db-password): the value of env PAYMENTS_DB_PASSWORD is ${Buffer.byteLength(canary)} bytes as stored; Key Vault stores at most 25600 bytes (25 KB) per secret`,
      );
      expect(message).to.not.contain("canary");
    });
  });

  describe("namespaces", () => {
    for (const key of [
      "keyvault_estate:tenantId",
      "keyvault-estat:vaults",
      "kv-estate:environment",
    ]) {
      it(`refuses ${key} with a did-you-mean`, () => {
        const c = stack("prod");
        c[key] = "x";
        const [ns, name] = key.split(":");
        expect(configProblems(c)).to.deep.equal([
          `${key}: "${ns}" is not this project's namespace, so the key would be ignored (did you mean "keyvault-estate:${name}"?)`,
        ]);
      });
    }

    it("passes keys of other namespaces", () => {
      const c = stack("prod");
      Object.assign(c, {
        "azure-native:subscriptionId": "x",
        "pulumi:template": "y",
        "azure:location": "z",
        "random:seed": "1",
      });
      expect(configProblems(c)).to.deep.equal([]);
    });
  });

  describe("no value on any stream", () => {
    it("reports a YAML warning by position and reason only", () => {
      const file = path.join(tempDir(), "Pulumi.test.yaml");
      fs.writeFileSync(file, "config:\n  keyvault-estate:x: !plain fake-canary-value\n");
      const warnings: string[] = [];
      const emitted: unknown[] = [];
      const emit = process.emitWarning;
      process.emitWarning = ((w: unknown) => void emitted.push(w)) as typeof process.emitWarning;
      try {
        readStackFile(file, (m) => warnings.push(m));
      } finally {
        process.emitWarning = emit;
      }
      expect(warnings).to.deep.equal([
        `${file}: line 2, column 22: an unknown tag; the value is read as plain text`,
      ]);
      expect(emitted).to.deep.equal([]);
    });

    it("reports a YAML error by position and reason only", () => {
      const file = path.join(tempDir(), "Pulumi.test.yaml");
      fs.writeFileSync(file, "config:\n  keyvault-estate:x: [fake-canary-value\n");
      expect(() => readStackFile(file, () => undefined)).to.throw(
        `${file} is not valid YAML at line 3, column 1: `,
      );
      try {
        readStackFile(file, () => undefined);
      } catch (e) {
        expect((e as Error).message).to.not.contain("canary");
      }
    });
  });

  it("asks for a possible fix when no notification day fits after the rotation", () => {
    const c = stack("prod");
    vaults(c)[0].keys[0].rotation = { rotateBeforeExpiryDays: 7, notifyBeforeExpiryDays: 7 };
    expect(configProblems(c)).to.deep.equal([
      "vaults[0].keys[0].rotation.rotateBeforeExpiryDays: must be at least 8, so the near-expiry notification (at least 7 days before expiry) can fire after the rotation",
    ]);
  });

  it("stops the prod plan with exit 2 naming the path", async () => {
    const c = withGrant(stack("prod"), { role: "Key Vault Secrets Officer", scope: "vault" });
    const { code, err } = await planExit(c);
    expect(code).to.equal(EXIT.invalid);
    expect(err).to.contain(`${NEXT}.role: "Key Vault Secrets Officer" writes every secret`);
    expect(err).to.not.match(/\n\s+at /);
  });
});
