import { expect } from "chai";
import * as path from "path";
import { planProgram, runProgram } from "../tools/plan/engine";
import { platformStackOutputs } from "../tools/plan/emulator";
import { planStack } from "../tools/plan/cli";
import type { PlanReport } from "../tools/contract/plan";
import { readStackFile } from "../tools/plan/stackFile";
import {
  clone,
  configProblems,
  committedConfig,
  ofType,
  resolveConfig,
  ROOT,
  TEST_DAY,
} from "./helpers";

/** The worked example of an estate split into stacks (README, "Beyond one stack"). */
const EXAMPLE = path.join(ROOT, "examples", "split-stacks");
const PLATFORM = "organization/keyvault-estate/platform-prod";
const example = (stack: string) => path.join(EXAMPLE, `Pulumi.${stack}.yaml`);

const WORKSPACE = "azure-native:operationalinsights:Workspace";
const ACCOUNT = "azure-native:storage:StorageAccount";
const SETTING = "azure-native:monitor:DiagnosticSetting";

describe("an estate split into a platform stack and team stacks", () => {
  let platform: PlanReport;
  let payments: PlanReport;

  before(async () => {
    platform = await planStack({
      stack: "platform-prod",
      configFile: example("platform-prod"),
      env: {},
      now: TEST_DAY,
    });
    payments = await planStack({
      stack: "payments-prod",
      configFile: example("payments-prod"),
      env: {},
      now: TEST_DAY,
    });
  });

  it("plans the platform stack with the sinks, exporting their ids", () => {
    expect(platform.summary.policyViolations.mandatory).to.equal(0);
    const [workspace] = ofType(platform, WORKSPACE);
    const [account] = ofType(platform, ACCOUNT);
    expect(platform.outputs.logAnalyticsWorkspaceId).to.equal(workspace.id);
    expect(platform.outputs.auditStorageAccountId).to.equal(account.id);
  });

  it("plans a team stack that creates no sink and sends every vault's audit logs to the platform's", () => {
    expect(payments.summary.policyViolations.mandatory).to.equal(0);
    expect(ofType(payments, WORKSPACE)).to.deep.equal([]);
    expect(ofType(payments, ACCOUNT)).to.deep.equal([]);
    const settings = ofType(payments, SETTING);
    expect(settings).to.have.length(1);
    expect(settings[0].inputs).to.include({
      workspaceId: platformStackOutputs(PLATFORM).logAnalyticsWorkspaceId,
      storageAccountId: platformStackOutputs(PLATFORM).auditStorageAccountId,
    });
    // The team stack passes the platform's ids on, as the platform stack does its own.
    expect(payments.outputs.logAnalyticsWorkspaceId).to.equal(
      platformStackOutputs(PLATFORM).logAnalyticsWorkspaceId,
    );
  });

  it("fails a team stack whose platform stack does not export a sink, naming the output", async () => {
    const config = readStackFile(example("identity-prod"));
    const outputs = {
      [PLATFORM]: { logAnalyticsWorkspaceId: platform.outputs.logAnalyticsWorkspaceId },
    };
    let failure: unknown;
    try {
      await runProgram("identity-prod", config, planProgram(config, TEST_DAY), {
        preview: true,
        stackOutputs: outputs,
      });
    } catch (e) {
      failure = e;
    }
    // (First of the two runs: the one that fails leaves the SDK's promises of that run pending.)
    expect(String(failure)).to.contain(
      `Required output 'auditStorageAccountId' does not exist on stack '${PLATFORM}'`,
    );
  });

  it("reads the sink ids from the platform stack's outputs, as a StackReference returns them", async () => {
    const config = readStackFile(example("identity-prod"));
    const run = await runProgram("identity-prod", config, planProgram(config, TEST_DAY), {
      preview: true,
      stackOutputs: { [PLATFORM]: platform.outputs },
    });
    const [setting] = run.resources.filter((r) => r.type === SETTING);
    expect(setting.inputs.workspaceId).to.equal(platform.outputs.logAnalyticsWorkspaceId);
    expect(setting.inputs.storageAccountId).to.equal(platform.outputs.auditStorageAccountId);
  });

  it("resolves fromStack into both sinks, read through one StackReference", () => {
    const config = committedConfig("prod");
    config["keyvault-estate:diagnostics"] = { fromStack: PLATFORM, allLogs: true };
    const { sinks } = resolveConfig(config);
    const ref = (output: string) => ({
      create: false,
      fromStack: { stack: PLATFORM, resource: "estate/sinks/platform", output },
    });
    expect(sinks.workspace).to.deep.equal(ref("logAnalyticsWorkspaceId"));
    expect(sinks.archive).to.deep.equal(ref("auditStorageAccountId"));
    expect(sinks.categoryGroup).to.equal("allLogs");
  });

  it("refuses fromStack with sinks of its own, and a name that is not <organization>/<project>/<stack>", () => {
    const config = committedConfig("prod");
    const both = clone(config);
    both["keyvault-estate:diagnostics"] = {
      fromStack: PLATFORM,
      logAnalytics: { retentionInDays: 365 },
      storage: {
        accountId:
          "/subscriptions/8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/starchive",
      },
    };
    const leaveOut =
      "leave it out with fromStack: the platform stack creates the sinks and sets their retention";
    expect(configProblems(both)).to.deep.equal([
      `diagnostics.logAnalytics: ${leaveOut}`,
      `diagnostics.storage: ${leaveOut}`,
    ]);
    for (const name of [
      "platform-prod",
      "keyvault-estate/platform-prod",
      "org/proj/stack/extra",
      "org/proj/st ack",
    ]) {
      const bad = clone(config);
      bad["keyvault-estate:diagnostics"] = { fromStack: name };
      expect(configProblems(bad), name).to.deep.equal([
        "diagnostics.fromStack: must be a stack name, <organization>/<project>/<stack>",
      ]);
    }
  });
});
