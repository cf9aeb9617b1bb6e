import { performance } from "perf_hooks";

/** The plan's phases, in order; together they cover the whole run. */
export type PlanPhase = "startup" | "config" | "program" | "policies" | "reports";

/** What the offline plan says while it runs (on stderr; never on stdout, never a value). */
export interface PlanProgress {
  /** A phase ended: it took the time since the previous one ended. `detail` says what it did. */
  phase(name: PlanPhase, detail?: string): void;
  /** The program has registered `count` resources so far. */
  registered(count: number): void;
}

/** No progress at all (`--quiet`, and every in-process caller that does not ask for it). */
export const SILENT: PlanProgress = { phase: () => undefined, registered: () => undefined };

/** Where progress goes: a writable text stream, a terminal or not. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** How often the live registration count is redrawn. */
const REDRAW_MS = 100;

/**
 * Progress as text lines, one per phase with its duration (`[plan] program     7.92 s  288
 * resources`). On a terminal, a live count is drawn while resources register and erased before
 * the next line; in a log (CI) only the phase lines appear. `now` is in milliseconds since the
 * process started (the default), so the first phase, `startup`, is the time spent loading.
 */
export function streamProgress(
  stream: ProgressStream,
  now: () => number = () => performance.now(),
): PlanProgress {
  let mark = 0;
  let drawn = false;
  let lastDraw = -Infinity;
  const clearLine = () => {
    if (drawn) stream.write("\r\x1b[K");
    drawn = false;
  };
  return {
    phase(name, detail) {
      const t = now();
      const seconds = ((t - mark) / 1000).toFixed(2);
      mark = t;
      clearLine();
      stream.write(
        `[plan] ${name.padEnd(9)}${seconds.padStart(7)} s${detail ? `  ${detail}` : ""}\n`,
      );
    },
    registered(count) {
      if (!stream.isTTY) return;
      const t = now();
      if (t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      stream.write(`\r[plan] program   ${count} resources registered`);
      drawn = true;
    },
  };
}
