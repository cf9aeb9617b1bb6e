import { expect } from "chai";
import { cli, EXIT } from "../tools/plan/cli";
import {
  clone,
  committedConfig,
  configProblems,
  resolveConfig,
  StackConfigDoc,
  writeStackFile,
} from "./helpers";

/**
 * Access specs in the stack config (infra/model/access.ts): each case starts from the committed
 * prod stack, which is valid, and changes one thing.
 */

const APP = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"; // payments-api in Pulumi.prod.yaml
const BREAK_GLASS = "4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0"; // prod's breakGlassPrincipals
const OTHER = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";

type Grant = Record<string, unknown>;
type Vault = { access: Grant[]; tier: string } & Record<string, unknown>;

function prod(): StackConfigDoc {
  return clone(committedConfig("prod"));
}

function vaults(config: StackConfigDoc): Vault[] {
  return config["keyvault-estate:vaults"] as Vault[];
}

/** The committed prod stack with one grant appended to vault `v` (payments by default). */
function prodWith(grant: Grant, v = 0, env?: "dev" | "staging" | "prod"): StackConfigDoc {
  const config = prod();
  vaults(config)[v].access.push(grant);
  if (env) config["keyvault-estate:environment"] = env;
  return config;
}

const grant = (over: Grant = {}): Grant => ({
  principalId: OTHER,
  principalType: "ServicePrincipal",
  role: "Key Vault Secrets User",
  scope: "secret/db-password",
  ...over,
});

// payments (vaults[0]) has three committed grants; an appended one is access[4] (0-based).
const NEXT = "vaults[0].access[4]";
const POLICY = "authorization-role-assignment-privileged-access";
/** The refusal of a restricted role to a principal not on the environment's break-glass list. */
const notBreakGlass = (env: string, principal = OTHER) =>
  `in ${env} it may be granted in a vault only to a break-glass principal (${POLICY}.allowedPrincipalIds in policies/config/${env}.json), and ${principal} is not one`;
/** The refusal of a role no one may hold in a vault (Owner, Contributor, User Access Administrator). */
const neverInVault = (env: string) =>
  `in ${env} it is never granted in a vault, to a break-glass principal either (${POLICY}.forbiddenRoleDefinitionIds); a break-glass principal holds Key Vault Administrator or Key Vault Data Access Administrator`;
const FORBIDDEN = ["Owner", "Contributor", "User Access Administrator"];

describe("access specs (infra/model/access.ts)", () => {
  it("accepts the committed stacks' access", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      expect(configProblems(committedConfig(stack)), stack).to.deep.equal([]);
    }
  });

  it("resolves roles and lower-cases principal ids in the parsed config", () => {
    const config = prodWith(
      grant({ principalId: OTHER.toUpperCase(), role: "key vault secrets user" }),
    );
    const parsed = resolveConfig(config);
    const a = parsed.vaults[0].access[4];
    expect(a.principalId).to.equal(OTHER);
    expect(a.role).to.deep.include({
      id: "4633458b-17de-408a-b874-0445c86b69e6",
      name: "Key Vault Secrets User",
      givenAs: "name",
    });
    expect(a.scope).to.equal("secret/db-password");
  });

  describe("scopes", () => {
    it("accepts vault, secret/<name> and key/<name> of this vault", () => {
      for (const scope of ["vault", "secret/psp-api-key", "key/receipt-signing"]) {
        const role = scope.startsWith("key/") ? "Key Vault Crypto User" : "Key Vault Reader";
        expect(configProblems(prodWith(grant({ scope, role }))), scope).to.deep.equal([]);
      }
    });

    it("defaults the scope to vault", () => {
      const config = prodWith(grant({ scope: undefined, role: "Key Vault Reader" }));
      delete vaults(config)[0].access[4].scope;
      const parsed = resolveConfig(config);
      expect(parsed.vaults[0].access[4].scope).to.equal("vault");
    });

    it("refuses a secret the vault does not have, listing the ones it has", () => {
      expect(configProblems(prodWith(grant({ scope: "secret/tls-api-cert" })))).to.deep.equal([
        `${NEXT}.scope: names no secret of this vault (its secrets: db-password, psp-api-key)`,
      ]);
    });

    it("refuses a key the vault does not have, suggesting one that differs in letter case", () => {
      expect(
        configProblems(
          prodWith(grant({ scope: "key/CMK-payments-db", role: "Key Vault Crypto User" })),
        ),
      ).to.deep.equal([
        `${NEXT}.scope: names no key of this vault (did you mean "key/cmk-payments-db"?)`,
      ]);
    });

    it("refuses a key of another vault", () => {
      expect(
        configProblems(
          prodWith(grant({ scope: "key/cmk-storage", role: "Key Vault Crypto User" })),
        ),
      ).to.deep.equal([
        `${NEXT}.scope: names no key of this vault (its keys: cmk-payments-db, receipt-signing)`,
      ]);
    });

    it("refuses a malformed scope", () => {
      expect(configProblems(prodWith(grant({ scope: "secrets/db-password" })))).to.deep.equal([
        `${NEXT}.scope: must be "vault", "secret/<name>" or "key/<name>"`,
      ]);
    });

    it("refuses a role whose actions cannot apply at the scope", () => {
      expect(configProblems(prodWith(grant({ role: "Key Vault Crypto User" })))).to.deep.equal([
        `${NEXT}.role: "Key Vault Crypto User" acts on keys and grants nothing at a secret scope`,
      ]);
      expect(
        configProblems(
          prodWith(grant({ role: "Key Vault Secrets User", scope: "key/receipt-signing" })),
        ),
      ).to.deep.equal([
        `${NEXT}.role: "Key Vault Secrets User" acts on secrets and grants nothing at a key scope`,
      ]);
    });
  });

  it("refuses a certificate role at a secret scope", () => {
    expect(configProblems(prodWith(grant({ role: "Key Vault Certificate User" })))).to.deep.equal([
      `${NEXT}.role: "Key Vault Certificate User" acts on certificates, which have no scope of their own here; grant it at vault scope`,
    ]);
  });

  describe("fields", () => {
    it("names the role that was meant", () => {
      expect(configProblems(prodWith(grant({ role: "Key Vault Secret User" })))).to.deep.equal([
        `${NEXT}.role: unknown role "Key Vault Secret User" (did you mean "Key Vault Secrets User"?); use a catalogue name (infra/azure/roles.ts) or a role definition GUID`,
      ]);
    });

    it("refuses a principal id that is not a GUID", () => {
      expect(configProblems(prodWith(grant({ principalId: "payments-api" })))).to.deep.equal([
        `${NEXT}.principalId: must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
      ]);
    });

    it("refuses a malformed role GUID", () => {
      expect(
        configProblems(prodWith(grant({ role: "4633458b-17de-408a-b874-0445c86b69eZ" }))),
      ).to.deep.equal([
        `${NEXT}.role: is not a well-formed role definition GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
      ]);
    });

    it("requires principalType, and only the three Azure needs", () => {
      const missing = grant();
      delete missing.principalType;
      expect(configProblems(prodWith(missing))).to.deep.equal([
        `${NEXT}.principalType: is required`,
      ]);
      expect(configProblems(prodWith(grant({ principalType: "App" })))).to.deep.equal([
        `${NEXT}.principalType: must be "User", "Group" or "ServicePrincipal"`,
      ]);
    });

    it("takes an ABAC condition, with conditionVersion 2.0 only alongside one", () => {
      expect(
        configProblems(
          prodWith(grant({ condition: "@Resource[x] StringEquals 'y'", conditionVersion: "2.0" })),
        ),
      ).to.deep.equal([]);
      expect(configProblems(prodWith(grant({ conditionVersion: "2.0" })))).to.deep.equal([
        `${NEXT}.conditionVersion: applies only with a condition`,
      ]);
      expect(
        configProblems(prodWith(grant({ condition: "x", conditionVersion: "1.0" }))),
      ).to.deep.equal([`${NEXT}.conditionVersion: must be "2.0"`]);
    });

    it("refuses unknown fields", () => {
      expect(configProblems(prodWith(grant({ roleId: "x" })))).to.deep.equal([
        `${NEXT}: unknown field "roleId"`,
      ]);
    });
  });

  describe("duplicates", () => {
    it("refuses the same principal, role and scope twice", () => {
      expect(configProblems(prodWith(grant({ principalId: APP })))).to.deep.equal([
        `${NEXT}: duplicate grant of "Key Vault Secrets User" to ${APP} at secret/db-password (also at index 0); Azure would refuse it with RoleAssignmentExists`,
      ]);
    });

    it("sees through a role given by GUID and a principal id in upper case", () => {
      const dup = grant({
        principalId: APP.toUpperCase(),
        role: "4633458B-17DE-408A-B874-0445C86B69E6",
      });
      expect(configProblems(prodWith(dup))).to.have.length(1);
      expect(configProblems(prodWith(dup))[0]).to.match(
        /^vaults\[0\]\.access\[4\]: duplicate grant/,
      );
    });

    it("allows the same principal and role on two scopes, or two roles on one scope", () => {
      expect(
        configProblems(prodWith(grant({ principalId: APP, scope: "secret/psp-api-key" }))),
      ).to.deep.equal([
        `${NEXT}: duplicate grant of "Key Vault Secrets User" to ${APP} at secret/psp-api-key (also at index 1); Azure would refuse it with RoleAssignmentExists`,
      ]);
      expect(
        configProblems(prodWith(grant({ principalId: APP, role: "Key Vault Reader" }))),
      ).to.deep.equal([]);
    });
  });

  describe("guardrails", () => {
    const privileged = [
      "Owner",
      "Contributor",
      "User Access Administrator",
      "Key Vault Administrator",
      "Role Based Access Control Administrator",
      "Key Vault Data Access Administrator",
    ];
    for (const role of privileged) {
      const refusal = FORBIDDEN.includes(role) ? neverInVault("prod") : notBreakGlass("prod");
      it(`refuses ${role} at vault scope in prod outside the break-glass allow-list`, () => {
        expect(configProblems(prodWith(grant({ role, scope: "vault" })))).to.deep.equal([
          `${NEXT}.role: "${role}" is privileged: ${refusal}`,
        ]);
      });

      const g = grant({ role, scope: "vault", principalId: BREAK_GLASS.toUpperCase() });
      if (FORBIDDEN.includes(role)) {
        it(`refuses ${role} at vault scope in prod to a break-glass principal too`, () => {
          expect(configProblems(prodWith(g, 1))).to.deep.equal([
            `vaults[1].access[2].role: "${role}" is privileged: ${neverInVault("prod")}`,
          ]);
        });
      } else {
        it(`allows ${role} at vault scope in prod to a break-glass principal`, () => {
          // On platform (vaults[1]): payments already grants the break-glass group Key Vault Administrator.
          expect(configProblems(prodWith(g, 1))).to.deep.equal([]);
        });
      }
    }

    it("recognises a privileged role given by raw GUID", () => {
      expect(
        configProblems(
          prodWith(grant({ role: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", scope: "vault" })),
        ),
      ).to.deep.equal([`${NEXT}.role: "Owner" is privileged: ${neverInVault("prod")}`]);
    });

    it("refuses a privileged role at a secret or key scope too", () => {
      expect(configProblems(prodWith(grant({ role: "Key Vault Administrator" })))).to.deep.equal([
        `${NEXT}.role: "Key Vault Administrator" is privileged: ${notBreakGlass("prod")}`,
      ]);
      expect(configProblems(prodWith(grant({ role: "Owner" })))).to.deep.equal([
        `${NEXT}.role: "Owner" is privileged: ${neverInVault("prod")}`,
      ]);
    });

    it("applies in staging, whose baseline also keeps privileged roles for break-glass", () => {
      const config = clone(committedConfig("staging"));
      vaults(config)[0].access.push(grant({ role: "Key Vault Contributor", scope: "vault" }));
      vaults(config)[0].access.push(grant({ role: "Contributor", scope: "vault" }));
      expect(configProblems(config)).to.deep.equal([
        `vaults[0].access[1].role: "Key Vault Contributor" is privileged: ${notBreakGlass("staging")}`,
        `vaults[0].access[2].role: "Contributor" is privileged: ${neverInVault("staging")}`,
      ]);
    });

    it("does not apply in dev", () => {
      const config = clone(committedConfig("dev"));
      vaults(config)[0].access.push(grant({ role: "Owner", scope: "vault" }));
      expect(configProblems(config)).to.deep.equal([]);
    });

    it("still applies when another part of the config is invalid", () => {
      const config = prodWith(grant({ role: "Key Vault Administrator", scope: "vault" }));
      config["keyvault-estate:breakGlassPrincipals"] = [BREAK_GLASS, "not-a-guid"];
      config["keyvault-estate:diagnostics"] = { logAnalytics: { retentionInDays: 30 } };
      expect(configProblems(config)).to.have.members([
        "breakGlassPrincipals[1]: must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
        "diagnostics.logAnalytics.retentionInDays: must be at least 365 in prod",
        `${NEXT}.role: "Key Vault Administrator" is privileged: ${notBreakGlass("prod")}`,
      ]);
    });
  });

  describe("Managed HSM", () => {
    function hsm(access: Grant[]): StackConfigDoc {
      const config = prod();
      const v = vaults(config)[1];
      v.tier = "managedHsm";
      v.keys = [];
      v.secrets = [];
      v.initialAdminObjectIds = [BREAK_GLASS];
      v.access = access;
      // A pool resolves through its own private DNS zone, not the vaults' (vaultcore).
      vaults(config)[1] = JSON.parse(
        JSON.stringify(v).replace(
          /privatelink\.vaultcore\.azure\.net/g,
          "privatelink.managedhsm.azure.net",
        ),
      );
      return config;
    }

    it("accepts control-plane roles on the pool for a break-glass principal, and only for one", () => {
      expect(
        configProblems(
          hsm([
            grant({ role: "Managed HSM contributor", scope: "vault", principalId: BREAK_GLASS }),
          ]),
        ),
      ).to.deep.equal([]);
      expect(
        configProblems(hsm([grant({ role: "Managed HSM contributor", scope: "vault" })])),
      ).to.have.length(1);
    });

    it("refuses Key Vault data-plane roles and key scopes: those are local RBAC", () => {
      expect(
        configProblems(
          hsm([
            grant({ role: "Key Vault Crypto User", scope: "vault" }),
            grant({ role: "Key Vault Crypto User", scope: "key/cmk-storage" }),
          ]),
        ),
      ).to.deep.equal([
        `vaults[1].access[0].role: "Key Vault Crypto User" grants nothing on a Managed HSM: its data plane uses local RBAC, granted after activation (see README)`,
        `vaults[1].access[1].scope: a Managed HSM's keys are data-plane objects outside ARM; grant them with the pool's local RBAC after activation (see README)`,
        `vaults[1].access[1].role: "Key Vault Crypto User" grants nothing on a Managed HSM: its data plane uses local RBAC, granted after activation (see README)`,
      ]);
    });

    it("refuses the Managed HSM role on a vault", () => {
      expect(
        configProblems(prodWith(grant({ role: "Managed HSM contributor", scope: "vault" }))),
      ).to.deep.equal([
        `${NEXT}.role: "Managed HSM contributor" applies to Managed HSM pools only and grants nothing on a vault`,
      ]);
    });
  });

  it("lists every access problem of every vault at once", () => {
    // Cross-field checks of a vault run once its fields parse (as for keys and secrets), so one
    // vault carries field problems and the other cross-field ones.
    const config = prod();
    vaults(config)[0].access.push(
      grant({ role: "Key Vault Secret User" }),
      grant({ principalId: "payments-api" }),
    );
    vaults(config)[1].access.push(
      grant({ role: "Owner", scope: "vault" }),
      grant({ scope: "secret/nope" }),
    );
    expect(configProblems(config)).to.deep.equal([
      `vaults[0].access[4].role: unknown role "Key Vault Secret User" (did you mean "Key Vault Secrets User"?); use a catalogue name (infra/azure/roles.ts) or a role definition GUID`,
      `vaults[0].access[5].principalId: must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
      `vaults[1].access[2].role: "Owner" is privileged: ${neverInVault("prod")}`,
      `vaults[1].access[3].scope: names no secret of this vault (its secrets: tls-api-cert)`,
    ]);
  });

  it("makes `npm run plan` exit 2 naming the field, without a stack trace", async () => {
    let err = "";
    const code = await cli(
      [
        "--stack",
        "prod",
        "--config",
        writeStackFile(prodWith(grant({ role: "Owner", scope: "vault" }))),
      ],
      () => undefined,
      (s) => (err += s),
    );
    expect(code).to.equal(EXIT.invalid);
    expect(err).to.contain(`${NEXT}.role: "Owner" is privileged`);
    expect(err).to.not.match(/\n\s+at /);
  });
});
