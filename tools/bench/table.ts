/**
 * The benchmark's figures: one row per estate size, the console table and the targets (shown,
 * never asserted in a unit test: timings depend on the machine).
 */

/** What one size measured: three whole processes, wall-clock, on the same generated estate. */
export interface Measurement {
  readonly vaults: number;
  /** Registrations of the plan (the stack, components and custom resources). */
  readonly resources: number;
  /** The plan, as a user runs it (`npm run plan`), from start to exit. */
  readonly planMs: number;
  /** The plan process's peak resident set size, KiB. */
  readonly planPeakRssKib: number;
  /** The same resources registered bare, azure-native's classes as they are. */
  readonly naiveMs: number;
  /** The same without azure-native's type aliases. */
  readonly limitMs: number;
}

/** One row of `npm run bench -- --json <file>` (README, "Development"). */
export interface BenchRow {
  readonly vaults: number;
  readonly resources: number;
  /** Wall-clock milliseconds of the whole plan process. */
  readonly ms: number;
  /** Peak RSS of the plan process, MB of 2^20 bytes. */
  readonly peakRssMb: number;
  readonly msPerResource: number;
  readonly naiveMsPerResource: number;
  readonly limitMsPerResource: number;
  /** msPerResource / limitMsPerResource: what the plan costs over the runtime's limit. */
  readonly ratio: number;
}

export interface BenchReport {
  readonly rows: readonly BenchRow[];
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

export function benchRow(m: Measurement): BenchRow {
  const per = (ms: number) => ms / m.resources;
  return {
    vaults: m.vaults,
    resources: m.resources,
    ms: Math.round(m.planMs),
    peakRssMb: Math.round(m.planPeakRssKib / 1024),
    msPerResource: round(per(m.planMs), 2),
    naiveMsPerResource: round(per(m.naiveMs), 2),
    limitMsPerResource: round(per(m.limitMs), 2),
    ratio: round(m.planMs / m.limitMs, 2),
  };
}

/** The targets (issue "Estate scale"): each with the figure it judges, when the run has one. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const TARGETS = {
  /** Plan cost per resource at most this multiple of the limit's, at 50 and at 200 vaults. */
  ratio: 1.3,
  /** Cost per resource at 200 vaults at most this multiple of that at 10 (linear growth). */
  growth: 1.25,
  /** Peak RSS of the 200-vault plan, MB. */
  peakRssMb: 1024,
} as const;

export function targetChecks(rows: readonly BenchRow[]): TargetCheck[] {
  const at = (vaults: number) => rows.find((r) => r.vaults === vaults);
  const checks: TargetCheck[] = [];
  for (const vaults of [50, 200]) {
    const row = at(vaults);
    if (row) {
      checks.push({
        target: `${vaults} vaults: plan per resource ≤ ${TARGETS.ratio}× the limit`,
        measured: `${row.ratio.toFixed(2)}×`,
        met: row.ratio <= TARGETS.ratio,
      });
    }
  }
  const small = at(10);
  const large = at(200);
  if (small && large) {
    const growth = large.msPerResource / small.msPerResource;
    checks.push({
      target: `200 vaults: per resource ≤ ${TARGETS.growth}× that at 10 (linear)`,
      measured: `${growth.toFixed(2)}×`,
      met: growth <= TARGETS.growth,
    });
  }
  if (large) {
    checks.push({
      target: `200 vaults: peak RSS under ${TARGETS.peakRssMb} MB`,
      measured: `${large.peakRssMb} MB`,
      met: large.peakRssMb < TARGETS.peakRssMb,
    });
  }
  return checks;
}

const thousands = (n: number) => n.toLocaleString("en-US");

/** The Markdown table the console shows (and the README quotes). */
export function renderTable(rows: readonly BenchRow[]): string {
  const lines = [
    "| vaults | resources | plan | peak RSS | ms per resource | naive floor | limit | vs the naive floor | vs the limit |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.vaults} | ${thousands(r.resources)} | ${(r.ms / 1000).toFixed(1)} s | ${r.peakRssMb} MB | ${r.msPerResource.toFixed(1)} | ${r.naiveMsPerResource.toFixed(1)} | ${r.limitMsPerResource.toFixed(1)} | ${(r.msPerResource / r.naiveMsPerResource).toFixed(2)}× | ${r.ratio.toFixed(2)}× |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `${c.met ? "met   " : "MISSED"}  ${c.target}: ${c.measured}\n`).join("");
}
