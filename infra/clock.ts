/**
 * The program's injectable clock. Anything computed from "now" (a key's or a secret's first expiry)
 * reads it here, so tests and the offline plan can fix it and get byte-identical results.
 */

/** A source of the current time. */
export type Clock = () => Date;

let current: Clock = () => new Date();

/** The current time from the injectable clock (the system clock unless replaced). */
export function now(): Date {
  return current();
}

/** Replaces the clock and returns the previous one, so a caller can restore it afterwards. */
export function setClock(clock: Clock): Clock {
  const previous = current;
  current = clock;
  return previous;
}

/** Midnight UTC of `d`'s day: things created on one day get the same expiry whatever the hour. */
export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export const SECONDS_PER_DAY = 86_400;

/** Seconds since the epoch, as ARM's key and secret `attributes` carry instants. */
export function epochSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/**
 * The expiry, in epoch seconds, of something created on `created`'s UTC day that lives `days`
 * days: the same value at any hour of that day, so a day's runs agree.
 */
export function expiryAfterDays(created: Date, days: number): number {
  return epochSeconds(startOfUtcDay(created)) + days * SECONDS_PER_DAY;
}
