import { GUID } from "../azure/ids";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * Shared validators and the error type every config problem is reported through. Kept apart from
 * `config.ts` so the key, secret and access modules can use them without an import cycle.
 */

/** A config problem: the dotted/indexed path of the field and what is wrong with it. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown when the stack config is invalid. Its message lists every problem, one per line, each
 * naming its path; it never contains a config value that could be a secret. It is a `RunError`, so
 * the Pulumi engine prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

/** Renders a zod issue path as `vaults[1].keys[0].size`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export const guid = z.string({ error: "must be a string (a GUID)" }).regex(GUID, {
  error: "must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
});

const ARM_PREFIX = String.raw`^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w._()]{1,90}/providers/`;
const ARM_SEGMENT = String.raw`[^/\s]+`;

/** An ARM resource id of the given provider type, e.g. `Microsoft.Network/virtualNetworks/*\/subnets/*`. */
export function armId(kind: string, typePath: readonly string[]) {
  const tail = typePath.map((t) => `${t}/${ARM_SEGMENT}`).join("/");
  const re = new RegExp(`${ARM_PREFIX}${tail}$`, "i");
  const example = `/subscriptions/<guid>/resourceGroups/<rg>/providers/${typePath
    .map((t) => `${t}/<name>`)
    .join("/")}`;
  return z
    .string({ error: `must be the ARM id of ${kind}` })
    .regex(re, { error: `must be the ARM id of ${kind} (${example})` });
}

export const subnetId = armId("a subnet", ["Microsoft.Network/virtualNetworks", "subnets"]);
export const privateDnsZoneId = armId("a private DNS zone", ["Microsoft.Network/privateDnsZones"]);
export const workspaceId = armId("a Log Analytics workspace", [
  "Microsoft.OperationalInsights/workspaces",
]);
export const storageAccountId = armId("a storage account", ["Microsoft.Storage/storageAccounts"]);
export const eventHubRuleId = armId("an Event Hubs namespace authorization rule", [
  "Microsoft.EventHub/namespaces",
  "authorizationRules",
]);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 address or CIDR range (`203.0.113.7`, `203.0.113.0/24`). */
export const ipv4OrCidr = z.string({ error: "must be an IPv4 address or CIDR range" }).refine(
  (v) => {
    const [addr, prefix, ...rest] = v.split("/");
    if (rest.length > 0 || !IPV4.test(addr)) return false;
    if (prefix === undefined) return true;
    return /^\d{1,2}$/.test(prefix) && Number(prefix) >= 8 && Number(prefix) <= 32;
  },
  { error: "must be an IPv4 address or CIDR range with a prefix of /8 to /32 (203.0.113.0/24)" },
);

/** Logical names: lowercase letters, digits and single hyphens, starting with a letter. */
export const LOGICAL_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

export { OBJECT_NAME } from "../azure/names";

/**
 * Reports duplicate values of `key` in `items` at `path[i].field`, naming the first occurrence.
 * `indexOf` maps an item to its index in the config when `items` is a filtered list.
 */
export function checkUnique<T>(
  items: readonly T[],
  key: (item: T) => string,
  field: string,
  what: string,
  ctx: z.RefinementCtx,
  basePath: readonly PropertyKey[] = [],
  indexOf: (item: T, i: number) => number = (_, i) => i,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item).toLowerCase();
    const first = seen.get(k);
    const at = indexOf(item, i);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [...basePath, at, field],
        message: `duplicate ${what} "${key(item)}" (also at ${formatPath([...basePath, first, field])})`,
      });
    } else {
      seen.set(k, at);
    }
  });
}
