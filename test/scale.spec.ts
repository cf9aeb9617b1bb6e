import { expect } from "chai";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { pipelineSecretValues } from "../infra/main";
import { estateProgram, runAtOnce } from "../infra/program";
import { PROJECT } from "../infra/model/names";
import { benchStackConfig } from "../tools/bench/estate";
import { floorProgram, FloorVariant } from "../tools/bench/floor";
import { benchRow, renderTable, targetChecks, BenchRow } from "../tools/bench/table";
import { azureEmulation } from "../tools/plan/emulator";
import { offlineAliases, planProgram, runProgram } from "../tools/plan/engine";
import {
  decodeAlias,
  interceptRegistrations,
  RegistrationHooks,
  runUnderMocks,
  SentAlias,
} from "../tools/plan/sdk";
import { cli, planStack } from "../tools/plan/cli";
import { PlanPhase, streamProgress } from "../tools/plan/progress";
import { readStackFile } from "../tools/plan/stackFile";
import { committedPlan, resolveCommitted, ROOT, TEST_DAY, writeStackFile } from "./helpers";

/** Records the aliases of every registration, by `type::name`. */
const aliasesInto = (into: Map<string, SentAlias[]>): RegistrationHooks => ({
  request: (req) =>
    void into.set(`${req.getType()}::${req.getName()}`, req.getAliasesList().map(decodeAlias)),
});

/**
 * Records the aliases of every registration the monitor receives from here on, on top of whatever
 * the monitor already does (the offline engine's recording).
 */
function captureAliases(into: Map<string, SentAlias[]>): void {
  interceptRegistrations(aliasesInto(into));
}

/** Runs `program` as `pulumi up` runs it: Pulumi's mocks, no offline engine around it. */
async function runAsDeployment(
  stack: string,
  config: { flat: Record<string, string>; secretKeys: readonly string[] },
  program: () => unknown,
): Promise<Map<string, SentAlias[]>> {
  const sent = new Map<string, SentAlias[]>();
  await runUnderMocks(
    azureEmulation(stack),
    {
      project: PROJECT,
      stack,
      preview: false,
      config,
      hooks: aliasesInto(sent),
      promiseStackTraces: true,
    },
    program,
  );
  return sent;
}

const isProviderTypeAlias = (a: SentAlias) =>
  "type" in a && a.name === "" && a.type.startsWith("azure-native:");

describe("offline plan at scale: azure-native's type aliases", () => {
  let deployed: Map<string, SentAlias[]>;
  let planned: Map<string, SentAlias[]>;

  before(async () => {
    const config = readStackFile(path.join(ROOT, "Pulumi.dev.yaml"));
    // `pulumi up` reads every env source; fake values stand in (never asserted, never printed).
    const env = Object.fromEntries(
      resolveCommitted("dev")
        .secretSources.filter((s) => s.kind === "env")
        .map((s) => [s.name, "fake-value-for-the-alias-test"]),
    );
    deployed = await runAsDeployment("dev", config, () =>
      runAtOnce(
        estateProgram({
          config: config.flat,
          secretKeys: config.secretKeys,
          now: TEST_DAY,
          secretValues: pipelineSecretValues({ env, config: config.flat }),
        }),
      ),
    );
    planned = new Map();
    const plan = planProgram(config, TEST_DAY);
    await runProgram(
      "dev",
      config,
      () => {
        captureAliases(planned);
        return plan();
      },
      { preview: true },
    );
  });

  it("are sent by the program as pulumi up runs it, for every azure-native resource", () => {
    const vault = [...deployed].find(([k]) => k.startsWith("azure-native:keyvault:Vault::"));
    expect(vault, "a vault was registered").to.not.equal(undefined);
    expect(vault![1].filter(isProviderTypeAlias).length).to.be.greaterThan(10);
    expect(vault![1].map((a) => ("type" in a ? a.type : ""))).to.include(
      "azure-native:keyvault/v20230701:Vault",
    );
    for (const [key, aliases] of deployed) {
      if (key.startsWith("azure-native:")) {
        expect(aliases.some(isProviderTypeAlias), `${key} keeps its type aliases`).to.equal(true);
      }
    }
  });

  it("are not sent by the offline plan, which sends every other alias exactly as pulumi up does", () => {
    expect([...planned.keys()].sort()).to.deep.equal([...deployed.keys()].sort());
    let own = 0;
    for (const [key, aliases] of planned) {
      expect(aliases.filter(isProviderTypeAlias), key).to.deep.equal([]);
      const programOwn = deployed.get(key)!.filter((a) => !isProviderTypeAlias(a));
      expect(aliases, key).to.deep.equal(programOwn);
      own += aliases.length;
    }
    // The committed dev stack renamed resources; their aliases (former names and parents) count.
    expect(own).to.be.greaterThan(5);
  });

  it("are dropped by the transformation, which keeps the program's own as they are", async () => {
    let seen: pulumi.ResourceTransformationResult | undefined;
    let own: pulumi.Input<string | pulumi.Alias>[] = [];
    await runProgram("test", { flat: {}, secretKeys: [] }, () => {
      const parent = new pulumi.ComponentResource("keyvault-estate:test:Parent", "p");
      own = [
        { name: "old-name" },
        { type: "keyvault-estate:test:OldType" },
        "urn:pulumi:test::keyvault-estate::azure-native:keyvault:Vault::old",
        { name: "old", parent },
        { type: "azure-native:keyvault/v20230701:Vault" },
      ];
      seen = offlineAliases({
        resource: parent,
        type: "azure-native:keyvault:Vault",
        name: "v",
        props: { a: 1 },
        opts: { aliases: own, protect: true },
      });
    });
    expect(seen!.props).to.deep.equal({ a: 1 });
    expect(seen!.opts.protect).to.equal(true);
    expect(seen!.opts.aliases!.slice(0, 3)).to.deep.equal([
      { name: "old-name" },
      { type: "keyvault-estate:test:OldType" },
      "urn:pulumi:test::keyvault-estate::azure-native:keyvault:Vault::old",
    ]);
    expect(seen!.opts.aliases).to.have.length(4);
    expect(seen!.opts.aliases![3]).to.equal(own[3]);
  });

  it("leaves a resource without aliases untouched", () => {
    expect(
      offlineAliases({
        resource: undefined as never,
        type: "keyvault-estate:test:Parent",
        name: "p",
        props: {},
        opts: {},
      }),
    ).to.equal(undefined);
  });
});

describe("offline plan at scale: progress", () => {
  const clockAt = (...times: number[]) => {
    let i = 0;
    return () => times[Math.min(i++, times.length - 1)];
  };

  it("writes one line per phase with its duration, and no live count into a log", () => {
    let text = "";
    const p = streamProgress(
      { write: (s: string) => (text += s) },
      clockAt(1500, 1750, 2000, 9_250),
    );
    p.phase("startup");
    p.phase("config", "2 vaults");
    p.registered(10);
    p.phase("program", "38 resources");
    p.phase("reports");
    expect(text).to.equal(
      [
        "[plan] startup     1.50 s",
        "[plan] config      0.25 s  2 vaults",
        "[plan] program     0.25 s  38 resources",
        "[plan] reports     7.25 s",
        "",
      ].join("\n"),
    );
  });

  it("draws a live count on a terminal at most every 100 ms and erases it before the next line", () => {
    let text = "";
    const p = streamProgress(
      { write: (s: string) => (text += s), isTTY: true },
      clockAt(0, 10, 50, 200, 400),
    );
    p.phase("config");
    p.registered(1);
    p.registered(2);
    p.registered(3);
    p.phase("program");
    expect(text).to.equal(
      [
        "[plan] config      0.00 s\n",
        "\r[plan] program   1 resources registered",
        "\r[plan] program   3 resources registered",
        "\r\x1b[K[plan] program     0.40 s\n",
      ].join(""),
    );
  });

  it("reports every phase on stderr, and --quiet silences them; stdout is the same either way", async () => {
    const run = async (...extra: string[]) => {
      let out = "";
      let progress = "";
      const code = await cli(
        ["--stack", "dev", "--now", "2026-06-01", ...extra],
        (s) => (out += s),
        (s) => (progress += `unexpected error output: ${s}`),
        streamProgress({ write: (s: string) => (progress += s) }),
      );
      return { code, out, progress };
    };
    const loud = await run();
    const quiet = await run("--quiet");
    expect(loud.code).to.equal(0);
    expect(quiet.code).to.equal(0);
    expect(quiet.out).to.equal(loud.out);
    expect(quiet.progress).to.equal("");
    const phases = loud.progress.split("\n").filter(Boolean);
    expect(phases.map((l) => l.split(/\s+/)[1])).to.deep.equal([
      "startup",
      "config",
      "program",
      "policies",
      "reports",
    ] satisfies PlanPhase[]);
    for (const line of phases) expect(line).to.match(/^\[plan\] \w+ +\d+\.\d\d s/);
    const { summary } = await committedPlan("dev");
    expect(phases[1]).to.match(new RegExp(`  ${summary.vaults} vaults?$`));
    expect(phases[2]).to.match(new RegExp(`  ${summary.resources} resources$`));
  });
});

describe("benchmark", () => {
  it("plans a generated prod estate of the documented mix per vault, with no mandatory finding", async () => {
    const report = await planStack({
      stack: "bench",
      configFile: writeStackFile(benchStackConfig(2)),
      env: {},
      now: TEST_DAY,
    });
    expect(report.environment).to.equal("prod");
    expect(report.summary.vaults).to.equal(2);
    expect(report.summary.policyViolations.mandatory).to.equal(0);
    for (const vault of ["app0000", "app0001"]) {
      const mix: Record<string, number> = {};
      for (const r of report.resources) {
        if (r.name === vault || r.name.startsWith(`${vault}/`))
          mix[r.type] = (mix[r.type] ?? 0) + 1;
      }
      expect(mix, vault).to.include({
        "azure-native:keyvault:Vault": 1,
        "azure-native:keyvault:Key": 3,
        "azure-native:keyvault:Secret": 10,
        "azure-native:authorization:RoleAssignment": 5,
        "azure-native:authorization:ManagementLockByScope": 1,
        "azure-native:network:PrivateEndpoint": 1,
        "azure-native:monitor:DiagnosticSetting": 1,
      });
    }
    const keys = report.resources.filter((r) => r.type === "azure-native:keyvault:Key");
    expect(keys.map((k) => (k.inputs.properties as { kty: string }).kty).sort()).to.deep.equal([
      "EC-HSM",
      "EC-HSM",
      "RSA-HSM",
      "RSA-HSM",
      "RSA-HSM",
      "RSA-HSM",
    ]);
  });

  describe("floors", () => {
    let planned: Awaited<ReturnType<typeof planStack>>;
    const floor = async (variant: FloorVariant) => {
      const sent = new Map<string, SentAlias[]>();
      const urns: string[] = [];
      // As fast as the offline engine runs (no stack trace on each of the SDK's promises).
      await runUnderMocks(
        azureEmulation("bench"),
        {
          project: PROJECT,
          stack: "bench",
          preview: true,
          hooks: {
            ...aliasesInto(sent),
            registered: (_req, res) => void urns.push(res.getUrn()),
          },
        },
        floorProgram(planned.resources, variant),
      );
      return { sent, urns: urns.sort() };
    };

    before(async () => {
      planned = await planStack({
        stack: "bench",
        configFile: writeStackFile(benchStackConfig(1)),
        env: {},
        now: TEST_DAY,
      });
    });

    it("register exactly the resources the plan registered, by URN", async () => {
      const naive = await floor("naive");
      const limit = await floor("limit");
      const urns = planned.resources.map((r) => r.urn).sort();
      expect(naive.urns).to.deep.equal(urns);
      expect(limit.urns).to.deep.equal(urns);
      // The naive floor sends azure-native's type aliases; the limit sends none.
      const vault = [...naive.sent].find(([k]) => k.startsWith("azure-native:keyvault:Vault::"))!;
      expect(vault[1].filter(isProviderTypeAlias).length).to.be.greaterThan(10);
      for (const [key, aliases] of limit.sent) expect(aliases, key).to.deep.equal([]);
    });
  });

  describe("figures", () => {
    const measured = {
      vaults: 10,
      resources: 288,
      planMs: 5_760,
      planPeakRssKib: 300 * 1024 + 300,
      naiveMs: 9_000,
      limitMs: 4_800,
    };

    it("make a JSON row of exactly the documented fields", () => {
      const row = benchRow(measured);
      expect(row).to.deep.equal({
        vaults: 10,
        resources: 288,
        ms: 5760,
        peakRssMb: 300,
        msPerResource: 20,
        naiveMsPerResource: 31.25,
        limitMsPerResource: 16.67,
        ratio: 1.2,
      } satisfies BenchRow);
      expect(JSON.parse(JSON.stringify({ rows: [row] }))).to.deep.equal({ rows: [row] });
    });

    it("render a table row per size", () => {
      expect(renderTable([benchRow(measured)]).split("\n")[2]).to.equal(
        "| 10 | 288 | 5.8 s | 300 MB | 20.0 | 31.3 | 16.7 | 0.64× | 1.20× |",
      );
    });

    it("judge each target only from a size that was measured", () => {
      const row = (vaults: number, msPerResource: number, ratio: number, peakRssMb = 500) =>
        ({ ...benchRow(measured), vaults, msPerResource, ratio, peakRssMb }) as BenchRow;
      expect(targetChecks([row(10, 20, 2)])).to.deep.equal([]);
      expect(
        targetChecks([row(10, 20, 2), row(50, 16, 1.29), row(200, 25.2, 1.31, 1024)]),
      ).to.deep.equal([
        {
          target: "50 vaults: plan per resource ≤ 1.3× the limit",
          measured: "1.29×",
          met: true,
        },
        {
          target: "200 vaults: plan per resource ≤ 1.3× the limit",
          measured: "1.31×",
          met: false,
        },
        {
          target: "200 vaults: per resource ≤ 1.25× that at 10 (linear)",
          measured: "1.26×",
          met: false,
        },
        { target: "200 vaults: peak RSS under 1024 MB", measured: "1024 MB", met: false },
      ]);
    });
  });
});
