/**
 * Date arithmetic for the model. There is no clock here: the entry reads the real clock (or the
 * offline plan's `--now`) once and hands the instant to `resolveEstate`, which computes every date
 * from it. So a run is a pure function of (config, now) and one day's runs agree byte for byte.
 */

/** Midnight UTC of `d`'s day: things created on one day get the same expiry whatever the hour. */
export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

const SECONDS_PER_DAY = 86_400;

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
