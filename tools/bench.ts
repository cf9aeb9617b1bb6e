import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { stringify } from "yaml";
import { planStack } from "./plan";

/**
 * Prints how long the offline plan takes and how much memory it uses: the committed stacks, then a
 * synthetic dev stack of `--vaults` vaults with keys, secrets and access. Figures only; no target
 * is asserted here (the mock runtime costs roughly 10 ms per azure-native resource on 2 cores).
 *
 *   npm run bench -- [--vaults 25]
 */

function syntheticStack(vaults: number): Record<string, unknown> {
  const principal = (i: number) => `6f1c2d3e-4b5a-4c6d-8e7f-${String(i).padStart(12, "0")}`;
  return {
    "azure-native:location": "westeurope",
    "keyvault-estate:environment": "dev",
    "keyvault-estate:vaults": Array.from({ length: vaults }, (_, i) => ({
      name: `bench${i}`,
      tier: "premium",
      keys: [
        { name: "cmk", type: "RSA", protection: "hsm", size: 3072, ops: ["wrapKey", "unwrapKey"] },
        { name: "signing", type: "EC", protection: "hsm", curve: "P-384", ops: ["sign", "verify"] },
      ],
      secrets: [
        {
          name: "db-password",
          source: { env: `BENCH_${i}_DB_PASSWORD` },
          contentType: "text/plain",
        },
        { name: "api-key", source: { env: `BENCH_${i}_API_KEY` }, contentType: "text/plain" },
      ],
      access: [
        {
          principalId: principal(i),
          principalType: "ServicePrincipal",
          role: "Key Vault Secrets User",
          scope: "secret/db-password",
        },
      ],
    })),
  };
}

async function measure(label: string, run: () => Promise<{ summary: { resources: number } }>) {
  const start = process.hrtime.bigint();
  const report = await run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const n = report.summary.resources;
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    `${label.padEnd(22)} ${String(n).padStart(6)} ${ms.toFixed(0).padStart(9)} ${(ms / n).toFixed(1).padStart(8)} ${heap.toFixed(0).padStart(9)}`,
  );
}

async function main() {
  const { values } = parseArgs({ options: { vaults: { type: "string", default: "25" } } });
  const vaults = Number(values.vaults);
  if (!Number.isInteger(vaults) || vaults < 1 || vaults > 500) {
    console.error("error: --vaults must be a whole number from 1 to 500");
    process.exit(2);
  }
  console.log(`node ${process.version}, ${os.cpus().length} cores`);
  console.log(
    `${"plan".padEnd(22)} ${"res".padStart(6)} ${"ms".padStart(9)} ${"ms/res".padStart(8)} ${"heap MiB".padStart(9)}`,
  );
  for (const stack of ["dev", "staging", "prod"]) {
    await measure(stack, () => planStack({ stack, env: {} }));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-bench-"));
  const file = path.join(dir, "Pulumi.bench.yaml");
  fs.writeFileSync(file, stringify({ config: syntheticStack(vaults) }));
  await measure(`synthetic ${vaults} vaults`, () =>
    planStack({ stack: "bench", configFile: file, env: {} }),
  );
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(3);
});
