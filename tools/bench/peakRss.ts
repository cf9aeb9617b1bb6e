import * as fs from "fs";

// Preloaded (`node -r`) into each process the benchmark measures: at exit, writes the process's
// peak resident set size in KiB (`getrusage` ru_maxrss) to the file named by KV_BENCH_PEAK_RSS.
const file = process.env.KV_BENCH_PEAK_RSS;
if (file) {
  process.on("exit", () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
