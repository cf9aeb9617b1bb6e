import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
  costNotes,
  renderCostNotesConsole,
  renderCostNotesMarkdown,
} from "../tools/plan/costNotes";
import { cli } from "../tools/plan/cli";
import type { PlanReport } from "../tools/contract/plan";
import { AVM_EXAMPLE, avmConfig } from "./avmFixture";
import { clone, planConfig, tempDir, TEST_DAY } from "./helpers";

/** The committed example stack, planned as the CLI plans it, and the plan's cost notes. */

describe("parity with Azure Verified Modules: the plan", () => {
  let report: PlanReport;
  let code: number;
  let console: string;

  before(async () => {
    const json = path.join(tempDir(), "avm.json");
    let out = "";
    code = await cli(
      ["--stack", "avm", "--config", AVM_EXAMPLE, "--now", "2026-06-01", "--json", json],
      (s) => (out += s),
      () => undefined,
    );
    console = out;
    report = JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport;
  });

  it("plans the example that uses every new input with exit 0 and no policy finding", () => {
    expect(code).to.equal(0);
    expect(report.policyViolations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal(
      [],
    );
  });

  it("carries the consumers' ids in the stack outputs", () => {
    const orders = (report.outputs.vaults as Record<string, Record<string, unknown>>).orders;
    expect(Object.keys(orders.keyIds as object)).to.deep.equal([
      "cmk-orders-db",
      "receipt-signing-next",
    ]);
    expect(Object.keys(orders.privateEndpoints as object)).to.deep.equal([
      "pe-orders-hub",
      "pe-orders-spoke-ne",
    ]);
  });

  it("shows the pool's hourly billing and the HSM key charges in the JSON and the console", () => {
    const notes = (report as PlanReport & { costNotes: { kind: string; subject: string }[] })
      .costNotes;
    expect(notes.map((n) => [n.kind, n.subject])).to.deep.equal([
      ["managed-hsm-hourly", "root"],
      ["hsm-keys", "orders"],
    ]);
    expect(console).to.contain(
      "Managed HSM pool root (Standard_B1) is billed per hour from the moment it is created",
    );
    expect(console).to.contain(
      "2 HSM-protected keys in vault orders (cmk-orders-db, rotated about every 670 days; receipt-signing-next, rotated about every 305 days)",
    );
  });

  it("still requires audit logs in the archive in prod when the settings are a list", async () => {
    const c = clone(avmConfig());
    const orders = (c["keyvault-estate:vaults"] as Record<string, unknown>[])[0];
    orders.diagnosticSettings = [
      {
        name: "to-soc",
        categoryGroups: ["audit"],
        workspaceId:
          "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/log-soc",
      },
    ];
    const variant = await planConfig(c, { stack: "avm" });
    const findings = variant.policyViolations.filter(
      (v) => v.policy === "monitor-diagnostics-keyvault-audit-logs",
    );
    expect(findings.map((v) => [v.enforcementLevel, v.message])).to.deep.equal([
      [
        "mandatory",
        "Vault 'orders' (kv-orders-prod-weu-01) does not archive audit logs to a Storage account.",
      ],
    ]);
    expect(TEST_DAY.toISOString()).to.equal("2026-06-01T00:00:00.000Z");
  });
});

describe("cost notes (tools/plan/costNotes.ts)", () => {
  const key = (name: string, vault: string, kty: string, rotate: Record<string, string>) => ({
    urn: `urn:k:${vault}/${name}`,
    type: "azure-native:keyvault:Key",
    name: `${vault}/keys/${name}`,
    inputs: {
      vaultName: vault,
      keyName: name,
      properties: {
        kty,
        rotationPolicy: {
          attributes: { expiryTime: "P365D" },
          lifetimeActions: [
            { action: { type: "Rotate" }, trigger: rotate },
            { action: { type: "Notify" }, trigger: { timeBeforeExpiry: "P30D" } },
          ],
        },
      },
    },
  });

  it("notes nothing for software keys and no pool", () => {
    expect(costNotes([key("k", "kv-a", "RSA", { timeBeforeExpiry: "P60D" })])).to.deep.equal([]);
    expect(renderCostNotesConsole([])).to.deep.equal([]);
    expect(renderCostNotesMarkdown(undefined)).to.deep.equal([]);
  });

  it("groups HSM keys by vault and reads either rotation trigger", () => {
    const notes = costNotes([
      key("a", "kv-a", "RSA-HSM", { timeBeforeExpiry: "P60D" }),
      key("b", "kv-a", "EC-HSM", { timeAfterCreate: "P90D" }),
      key("c", "kv-b", "RSA", { timeBeforeExpiry: "P60D" }),
    ]);
    expect(notes).to.deep.equal([
      {
        kind: "hsm-keys",
        urn: "urn:k:kv-a/a",
        subject: "kv-a",
        message:
          "2 HSM-protected keys in vault kv-a (a, rotated about every 305 days; b, rotated about every 90 days): each key version is billed monthly while it exists, older versions included, and each scheduled rotation adds a version and is billed per rotation.",
      },
    ]);
    expect(renderCostNotesMarkdown(notes)).to.deep.equal([
      "## Cost notes",
      "",
      `- ${notes[0].message}`,
      "",
    ]);
  });
});
