import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { lockedDeletes } from "../tools/deploy/lockedDeletes";
import { UNLOCKABLE_TYPES } from "../tools/contract/unlock";
import { ROOT } from "./helpers";

/** The deploy's unlock step: which deletes a vault lock would stop, and which locks to lift. */

const VAULT =
  "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-kv-prd/providers/Microsoft.KeyVault/vaults/kv-payments-prd-x1y2z";
const OTHER = VAULT.replace("kv-payments", "kv-platform");
const LOCK_ID = `${VAULT}/providers/Microsoft.Authorization/locks/keyvault-estate-do-not-delete`;
const urn = (type: string, name: string) => `urn:pulumi:prod::keyvault-estate::${type}::${name}`;
const RA = "azure-native:authorization:RoleAssignment";
const DS = "azure-native:monitor:DiagnosticSetting";
const LOCK = "azure-native:authorization:ManagementLockByScope";

/** A `pulumi stack export` document with one CanNotDelete lock on the payments vault. */
function state(level = "CanNotDelete") {
  return {
    version: 3,
    deployment: {
      resources: [
        {
          urn: urn(`keyvault-estate:vault:KeyVault$${LOCK}`, "payments/lock"),
          type: LOCK,
          id: LOCK_ID,
          inputs: { scope: VAULT, lockName: "keyvault-estate-do-not-delete", level },
        },
      ],
    },
  };
}

/** A `pulumi preview --json` document with these delete (or other) steps. */
function preview(...deletes: { type: string; name: string; inputs: Record<string, unknown> }[]) {
  return previewWith("delete", ...deletes);
}

function previewWith(
  op: string,
  ...deletes: { type: string; name: string; inputs: Record<string, unknown> }[]
) {
  return {
    steps: [
      { op: "same", urn: urn("pulumi:pulumi:Stack", "keyvault-estate-prod") },
      ...deletes.map((d) => ({
        op,
        urn: urn(d.type, d.name),
        oldState: { urn: urn(d.type, d.name), type: d.type, inputs: d.inputs },
      })),
    ],
  };
}

describe("deletes under a vault lock (tools/deploy/lockedDeletes.ts)", () => {
  const revoke = {
    type: RA,
    name: "payments/access/secret/db-password/kv-secrets-user/1f2e",
    inputs: { scope: `${VAULT}/secrets/db-password`, principalId: "1f2e" },
  };

  it("finds a revoked role assignment under the lock, and the lock to lift", () => {
    expect(lockedDeletes(preview(revoke), state())).to.deep.equal({
      locks: [{ urn: state().deployment.resources[0].urn, id: LOCK_ID, scope: VAULT }],
      targets: [urn(RA, revoke.name)],
    });
  });

  it("finds a deleted diagnostic setting of the vault, whatever the ids' letter case", () => {
    const setting = {
      type: DS,
      name: "payments/audit",
      inputs: { resourceUri: VAULT.toUpperCase() },
    };
    expect(lockedDeletes(preview(setting), state()).targets).to.deep.equal([urn(DS, setting.name)]);
  });

  it("leaves out deletes elsewhere, other types, ReadOnly locks and a lock that goes too", () => {
    const elsewhere = { ...revoke, name: "platform/x", inputs: { scope: OTHER } };
    const similarPrefix = { ...revoke, name: "prefix", inputs: { scope: `${VAULT}2` } };
    const secret = { type: "azure-native:keyvault:Secret", name: "s", inputs: { vaultName: "kv" } };
    expect(lockedDeletes(preview(elsewhere, similarPrefix, secret), state())).to.deep.equal({
      locks: [],
      targets: [],
    });
    expect(lockedDeletes(preview(revoke), state("ReadOnly")).targets).to.deep.equal([]);
    const lockGoes = preview(revoke);
    lockGoes.steps.push({ op: "delete", urn: state().deployment.resources[0].urn } as never);
    expect(lockedDeletes(lockGoes, state()).targets).to.deep.equal([]);
  });

  it("finds a replaced role assignment, shown as one replace step or with its replacement steps", () => {
    // A replacement deletes the old assignment under the lock as surely as a revocation does.
    const expected = [urn(RA, revoke.name)];
    expect(lockedDeletes(previewWith("replace", revoke), state()).targets).to.deep.equal(expected);
    const withSteps = previewWith("replace", revoke);
    withSteps.steps.push(...previewWith("delete-replaced", revoke).steps.slice(1));
    expect(lockedDeletes(withSteps, state()).targets).to.deep.equal(expected);
    expect(lockedDeletes(previewWith("update", revoke), state()).targets).to.deep.equal([]);
  });

  it("finds nothing to lift on a stack with nothing deployed yet (its export has no resources)", () => {
    const empty = { version: 3, deployment: { manifest: { time: "2026-12-08T00:00:00Z" } } };
    expect(lockedDeletes(preview(revoke), empty)).to.deep.equal({ locks: [], targets: [] });
  });

  it("names the document that is not what it should be", () => {
    expect(() => lockedDeletes({}, state())).to.throw(/--preview: not a `pulumi preview --json`/);
    expect(() => lockedDeletes(preview(), { version: 3 })).to.throw(
      /--state: not a `pulumi stack export`/,
    );
    expect(() => lockedDeletes(preview(), { deployment: { resources: {} } })).to.throw(
      /--state: not a `pulumi stack export`/,
    );
  });

  it("handles exactly the types the change review treats as applied by the unlock step", () => {
    expect([...UNLOCKABLE_TYPES].sort()).to.deep.equal([RA, DS]);
  });
});

describe("the deploy's reviewed unlock step (scripts/revoke-under-lock.sh)", function () {
  this.timeout(60_000);

  /** Runs the script with stand-ins for `pulumi` and `az` that log their arguments. */
  function runStep(
    previewDoc: unknown,
    stateDoc: unknown,
    upFails = false,
    { restoreFails = false, lockNotBack = false } = {},
  ) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-unlock-"));
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(path.join(dir, "preview.json"), JSON.stringify(previewDoc));
    fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify(stateDoc));
    const stub = (name: string, body: string) => {
      fs.writeFileSync(
        path.join(dir, name),
        `#!/usr/bin/env bash\necho "${name} $*" >>"${log}"\n${body}\n`,
      );
      fs.chmodSync(path.join(dir, name), 0o755);
    };
    stub(
      "pulumi",
      [
        `case "$1" in`,
        `  preview) cat "${dir}/preview.json" ;;`,
        `  stack) cat "${dir}/state.json" ;;`,
        `  up) for a in "$@"; do [ "$a" = "--refresh" ] && exit ${restoreFails ? 1 : 0}; done;`,
        `      for a in "$@"; do [ "$a" = "--target" ] && exit ${upFails ? 1 : 0}; done; exit 0 ;;`,
        `esac`,
      ].join("\n"),
    );
    stub("az", lockNotBack ? `[ "$2" = show ] && exit 3; exit 0` : "exit 0");
    const result = spawnSync(
      "bash",
      ["scripts/revoke-under-lock.sh", "prod", "--policy-pack", "policies"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } },
    );
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: result.status, calls, stderr: result.stderr };
  }

  const revoke = {
    type: RA,
    name: "payments/access/secret/db-password/kv-secrets-user/1f2e",
    inputs: { scope: `${VAULT}/secrets/db-password` },
  };

  it("lifts the lock, runs the delete alone, then restores the lock with a refresh", () => {
    const { status, calls } = runStep(preview(revoke), state());
    expect(status).to.equal(0);
    expect(calls).to.deep.equal([
      "pulumi preview --stack prod --json --policy-pack policies",
      "pulumi stack export --stack prod",
      `az lock delete --ids ${LOCK_ID}`,
      `pulumi up --stack prod --yes --skip-preview --target ${urn(RA, revoke.name)} --policy-pack policies`,
      `pulumi up --stack prod --refresh --yes --skip-preview --target ${state().deployment.resources[0].urn} --policy-pack policies`,
      `az lock show --ids ${LOCK_ID}`,
    ]);
  });

  it("fails, naming the lock, when a lifted lock is not back in Azure", () => {
    const { status, stderr } = runStep(preview(revoke), state(), false, { lockNotBack: true });
    expect(status).to.not.equal(0);
    expect(stderr).to.contain(`the lock ${LOCK_ID} is not back`);
  });

  it("fails when restoring the locks fails, and still checks each lock", () => {
    const { status, calls } = runStep(preview(revoke), state(), false, { restoreFails: true });
    expect(status).to.not.equal(0);
    expect(calls[calls.length - 1]).to.equal(`az lock show --ids ${LOCK_ID}`);
  });

  it("restores the lock even when the delete fails", () => {
    const { status, calls } = runStep(preview(revoke), state(), true);
    expect(status).to.not.equal(0);
    expect(calls.slice(-2)).to.deep.equal([
      `pulumi up --stack prod --refresh --yes --skip-preview --target ${state().deployment.resources[0].urn} --policy-pack policies`,
      `az lock show --ids ${LOCK_ID}`,
    ]);
  });

  it("does nothing when no delete is under a lock", () => {
    const { status, calls } = runStep(preview(), state());
    expect(status).to.equal(0);
    expect(calls).to.deep.equal([
      "pulumi preview --stack prod --json --policy-pack policies",
      "pulumi stack export --stack prod",
    ]);
  });
});
