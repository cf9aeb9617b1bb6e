/**
 * Which subscriptions an estate may reference by ARM id: existing log sinks, the Event Hubs
 * authorization rule, private endpoint subnets and private DNS zones. A reference into another
 * subscription sends audit logs, or opens a network path, somewhere the estate's reviewers do not
 * govern. The list lives in the pack's per-environment config (the policy below), which the model
 * imports too, so config validation and the policy agree.
 */

import { GUID_SOURCE } from "./ids";

export const ALLOWED_SUBSCRIPTIONS_POLICY = "keyvault-vault-references-allowed-subscriptions";

const SUBSCRIPTION = new RegExp(`^/subscriptions/(${GUID_SOURCE})(/|$)`, "i");

/** The subscription of an ARM id, lower case; undefined outside a subscription. */
export function subscriptionIdOf(armId: string): string | undefined {
  return SUBSCRIPTION.exec(armId)?.[1].toLowerCase();
}

/** The reviewed subscriptions (the policy's `allowedSubscriptionIds`), lower case. */
export function allowedSubscriptions(
  properties: Readonly<Record<string, unknown>> | undefined,
): readonly string[] {
  const list = properties?.allowedSubscriptionIds;
  return Array.isArray(list)
    ? list.filter((s): s is string => typeof s === "string").map((s) => s.toLowerCase())
    : [];
}

/** Why `armId` (what it is: "the Event Hubs rule") may not be referenced, or undefined. */
export function subscriptionViolation(
  what: string,
  armId: string,
  allowed: readonly string[],
): string | undefined {
  const sub = subscriptionIdOf(armId);
  if (sub === undefined) return `${what} ${armId} is not an ARM id inside a subscription.`;
  return allowed.includes(sub)
    ? undefined
    : `${what} is in subscription ${sub}, which is not a reviewed subscription of the estate (allowedSubscriptionIds).`;
}
