let source: () => number = () => Date.now();

/** Milliseconds since the epoch, from the injectable clock (the wall clock unless overridden). */
export function now(): number {
  return source();
}

/** Replaces the clock the lifetime policies read; pass `undefined` to restore the wall clock. */
export function setClock(clock: (() => number) | undefined): void {
  source = clock ?? (() => Date.now());
}

export const MS_PER_DAY = 86_400_000;

/** Runs `fn` with the clock fixed at `at` (ms since the epoch), then restores the previous clock. */
export function withClock<T>(at: number, fn: () => T): T {
  const previous = source;
  source = () => at;
  try {
    return fn();
  } finally {
    source = previous;
  }
}
