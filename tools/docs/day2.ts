import * as fs from "fs";
import { REPO_ROOT } from "../contract/repo";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { hasMandatoryRisk, comparePlans } from "../review/compare";
import { planStack } from "../plan/cli";
import { renderChangesConsole } from "../review/render";

/**
 * The README's "Day 2" examples: each is a change to the committed prod stack file, planned and
 * compared with the committed prod plan. The README shows what this module prints for each, and
 * a test fails when the two differ. Regenerate with
 * `npx ts-node --transpile-only tools/docs/day2.ts --readme`.
 */

type ConfigDoc = Record<string, unknown>;
type Vault = {
  name: string;
  tier?: string;
  keys?: { name: string; size?: number }[];
  secrets?: { name: string; enabled?: boolean; expiresInDays?: number; expiresOn?: string }[];
  access?: Access[];
};
type Access = {
  principalId: string;
  principalType?: string;
  role?: string;
  scope?: string;
  description?: string;
};

export interface Day2Example {
  /** The README marker id. */
  readonly id: string;
  /** What the pull request changes in `Pulumi.prod.yaml`. */
  readonly change: (config: ConfigDoc) => void;
  /** A change the base plan already has (a previous pull request of the same procedure). */
  readonly before?: (config: ConfigDoc) => void;
  /** Print only the changes with a mandatory risk, and only those risks. */
  readonly blockingOnly?: boolean;
}

const vault = (c: ConfigDoc, name: string): Vault => {
  const v = (c["keyvault-estate:vaults"] as Vault[]).find((x) => x.name === name);
  if (!v) throw new Error(`Pulumi.prod.yaml has no vault ${name}`);
  return v;
};
const secret = (c: ConfigDoc, v: string, s: string) => {
  const found = vault(c, v).secrets?.find((x) => x.name === s);
  if (!found) throw new Error(`vault ${v} has no secret ${s}`);
  return found;
};
const disablePspKey = (c: ConfigDoc) => {
  secret(c, "payments", "psp-api-key").enabled = false;
};

export const DAY2_EXAMPLES: readonly Day2Example[] = [
  {
    id: "rotate-secret",
    change: (c) => {
      const s = secret(c, "payments", "db-password");
      delete s.expiresInDays;
      s.expiresOn = "2026-09-01T00:00:00Z";
    },
  },
  {
    id: "grant-access",
    change: (c) => {
      vault(c, "platform").access?.push({
        principalId: "6d7e8f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
        principalType: "ServicePrincipal",
        role: "Key Vault Secrets User",
        scope: "secret/tls-api-cert",
        description: "the ingress controller imports the TLS certificate",
      });
    },
  },
  {
    id: "revoke-access",
    change: (c) => {
      const v = vault(c, "payments");
      v.access = v.access?.filter((a) => a.scope !== "secret/db-password");
    },
  },
  { id: "disable-secret", change: disablePspKey },
  {
    id: "remove-secret",
    before: disablePspKey,
    change: (c) => {
      disablePspKey(c);
      const v = vault(c, "payments");
      v.secrets = v.secrets?.filter((s) => s.name !== "psp-api-key");
      v.access = v.access?.filter((a) => a.scope !== "secret/psp-api-key");
    },
  },
  {
    id: "change-key",
    change: (c) => {
      const key = vault(c, "platform").keys?.find((k) => k.name === "cmk-storage");
      if (key) key.size = 3072;
    },
  },
  {
    id: "retire-key",
    change: (c) => {
      const v = vault(c, "payments");
      v.keys = v.keys?.filter((k) => k.name !== "receipt-signing");
    },
  },
  {
    id: "rename-vault",
    blockingOnly: true,
    change: (c) => {
      vault(c, "platform").name = "platform2";
    },
  },
  {
    id: "change-tier",
    change: (c) => {
      vault(c, "platform").tier = "standard";
    },
  },
];

/** The day both plans are made on, so the README's expiries never depend on the date. */
export const DAY2_DAY = new Date("2026-06-01T00:00:00Z");

function committedConfig(root: string): ConfigDoc {
  return (
    parse(fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8")) as { config: ConfigDoc }
  ).config;
}

async function planWith(root: string, dir: string, edit?: (c: ConfigDoc) => void) {
  const config = committedConfig(root);
  edit?.(config);
  const file = path.join(dir, `Pulumi.prod-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, stringify({ config }));
  return planStack({ stack: "prod", configFile: file, root, env: {}, now: DAY2_DAY });
}

/** What `npm run plan -- --stack prod --config <changed file> --compare prod.json` prints for one example. */
export async function day2Output(example: Day2Example, root: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-estate-day2-"));
  try {
    const base = await planWith(root, dir, example.before);
    let next;
    try {
      next = await planWith(root, dir, example.change);
    } catch (e) {
      // A config the model refuses exits 2 with its problems, before any comparison.
      return `error: ${(e as Error).message}\nexit 2\n`;
    }
    const comparison = comparePlans(base, next);
    const shown = example.blockingOnly
      ? {
          ...comparison,
          changes: comparison.changes
            .map((c) => ({ ...c, risks: c.risks.filter((r) => r.level === "mandatory") }))
            .filter((c) => c.risks.length > 0),
          access: { granted: [], revoked: [] },
          violations: { new: [], fixed: [] },
        }
      : comparison;
    const blocked = hasMandatoryRisk(comparison) || next.summary.policyViolations.mandatory > 0;
    const lines = renderChangesConsole(shown);
    if (example.blockingOnly) lines.push("  (only the changes with a mandatory risk are shown)");
    return `${lines.join("\n")}\nexit ${blocked ? 1 : 0}\n`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const marker = (id: string) => ({
  begin: `<!-- day2:${id} (npx ts-node --transpile-only tools/docs/day2.ts --readme) -->`,
  end: `<!-- /day2:${id} -->`,
});

/** `readme` with each example's block replaced by `outputs[id]` (a fenced console block). */
export function withDay2Outputs(readme: string, outputs: ReadonlyMap<string, string>): string {
  let text = readme;
  for (const [id, output] of outputs) {
    const { begin, end } = marker(id);
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (start < 0 || stop < start) throw new Error(`README.md has no ${begin} … ${end} block`);
    text = `${text.slice(0, start + begin.length)}\n\`\`\`text\n${output}\`\`\`\n${text.slice(stop)}`;
  }
  return text;
}

export async function day2Outputs(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const example of DAY2_EXAMPLES) out.set(example.id, await day2Output(example, root));
  return out;
}

if (require.main === module) {
  const root = REPO_ROOT;
  const readme = path.join(root, "README.md");
  day2Outputs(root)
    .then((outputs) => {
      if (process.argv.includes("--readme")) {
        fs.writeFileSync(readme, withDay2Outputs(fs.readFileSync(readme, "utf8"), outputs));
      } else {
        for (const [id, o] of outputs) process.stdout.write(`--- ${id}\n${o}`);
      }
    })
    .catch((e: Error) => {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    });
}
