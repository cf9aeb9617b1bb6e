import { MS_PER_DAY, now } from "./clock";

/** Key and Secret attributes as azure-native v3 names them (seconds since the epoch). */
export interface LifetimeAttributes {
  readonly expires?: number;
  readonly notBefore?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Violation message when the item is valid (from the plan's "now") for more than `maxDays`. */
export function validityViolation(attrs: LifetimeAttributes | undefined, maxDays: number) {
  if (attrs?.expires === undefined) return "No expiry date is set, so its validity is unlimited.";
  const days = (attrs.expires * 1000 - now()) / MS_PER_DAY;
  return days > maxDays
    ? `It expires ${iso(attrs.expires * 1000)}, ${Math.ceil(days)} days from now; the maximum validity is ${maxDays} days.`
    : undefined;
}

/** Violation message when a set expiry is less than `minDays` away (an absent expiry never is). */
export function expiryTooSoonViolation(attrs: LifetimeAttributes | undefined, minDays: number) {
  if (attrs?.expires === undefined) return undefined;
  const days = (attrs.expires * 1000 - now()) / MS_PER_DAY;
  return days < minDays
    ? `It expires ${iso(attrs.expires * 1000)}, ${Math.floor(days)} days from now; at least ${minDays} days are required.`
    : undefined;
}

/**
 * Violation message when the item is (or will be) active longer than `maxDays`: active from
 * notBefore, or from creation (the plan's "now") when unset, until its expiry (never when unset).
 */
export function activePeriodViolation(attrs: LifetimeAttributes | undefined, maxDays: number) {
  const start = attrs?.notBefore === undefined ? now() : attrs.notBefore * 1000;
  const activeSoFar = (now() - start) / MS_PER_DAY;
  if (activeSoFar > maxDays) {
    return `It has been active since ${iso(start)}, ${Math.floor(activeSoFar)} days; the maximum is ${maxDays} days.`;
  }
  if (attrs?.expires === undefined) {
    return `It has no expiry, so it stays active indefinitely; the maximum is ${maxDays} days.`;
  }
  const planned = (attrs.expires * 1000 - start) / MS_PER_DAY;
  return planned > maxDays
    ? `It is active from ${iso(start)} to ${iso(attrs.expires * 1000)}, ${Math.ceil(planned)} days; the maximum is ${maxDays} days.`
    : undefined;
}

export function daysSchema(defaultDays: number) {
  return { type: "integer" as const, minimum: 1, maximum: 36500, default: defaultDays };
}
