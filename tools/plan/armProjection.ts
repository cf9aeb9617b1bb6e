import { isoInstant } from "../azure-policy/expressions";
import type { PolicyResource, Projection, UnprojectedResource } from "../azure-policy/resources";
import { getKey, isObject, Json, UnknownValue } from "../azure-policy/values";
import { TOKEN_PREFIX } from "../../infra/azure/tokens";
import { SECRET_PLACEHOLDER } from "../contract/plan";
import { resourceTypeEntry, ResourceTypeEntry, sdkApiVersion, topLevelFields } from "./armTypes";

/** The part of a planned resource the projection reads. */
export interface PlanResourceLike {
  readonly urn: string;
  readonly type: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
}

const SECRET_UNKNOWN = "a secret value, which the offline plan never reads";

/** Projects every azure-native resource of the plan into what Azure Policy evaluates. */
export function projectResources(resources: readonly PlanResourceLike[], now: Date): Projection {
  const out: PolicyResource[] = [];
  const unprojected: UnprojectedResource[] = [];
  for (const r of resources) {
    if (!r.type.startsWith(TOKEN_PREFIX.azureNative)) continue;
    const entry = resourceTypeEntry(r.type);
    const id = typeof r.outputs?.id === "string" ? r.outputs.id : undefined;
    if (!entry || !id) {
      unprojected.push({
        urn: r.urn,
        reason: entry
          ? "the plan recorded no ARM id"
          : `${r.type} has no Azure Policy projection yet`,
      });
      continue;
    }
    const request = armBody(entry, r.inputs);
    const names = namesFromId(id);
    const base = {
      urn: r.urn,
      id,
      name: names.name,
      fullName: names.fullName,
      resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(id)?.[1],
      apiVersion: sdkApiVersion(entry),
    };
    out.push({
      ...base,
      type: entry.armType,
      request,
      deployed: request,
      indexed: entry.indexed,
      dataPlane: false,
    });
    if (entry.dataPlane) {
      const data = dataPlaneObject(entry.dataPlane, request, now);
      out.push({
        ...base,
        type: `Microsoft.KeyVault.Data/vaults/${entry.dataPlane}`,
        request: data,
        deployed: data,
        indexed: false,
        dataPlane: true,
      });
    }
  }
  return { resources: withServerState(out), unprojected };
}

/** The request body from azure-native inputs: URL parts removed, flattened properties nested again. */
function armBody(
  entry: ResourceTypeEntry,
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const clean = placeholdersToUnknowns(inputs) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  const top = new Set(["location", "tags", ...topLevelFields(entry)]);
  for (const k of top) if (clean[k] !== undefined) body[k] = clean[k];
  let properties: Record<string, unknown>;
  if (entry.nestedProperties) {
    properties = isObject(clean.properties) ? { ...clean.properties } : {};
  } else {
    const skip = new Set([
      ...top,
      ...entry.urlInputs.filter((u) => !entry.keepInProperties?.includes(u)),
    ]);
    properties = Object.fromEntries(Object.entries(clean).filter(([k]) => !skip.has(k)));
  }
  for (const u of entry.unflatten ?? []) {
    const arr = properties[u.array];
    if (Array.isArray(arr)) {
      properties[u.array] = arr.map((m) => {
        if (!isObject(m)) return m;
        const kept = Object.fromEntries(Object.entries(m).filter(([k]) => u.keep.includes(k)));
        const rest = Object.fromEntries(Object.entries(m).filter(([k]) => !u.keep.includes(k)));
        return { ...kept, properties: rest };
      });
    }
  }
  for (const [from, to] of Object.entries(entry.renames ?? {}))
    renameAt(properties, from.split("."), to);
  body.properties = properties;
  return body;
}

function renameAt(obj: Record<string, unknown>, path: readonly string[], to: string): void {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (head in obj) {
      obj[to] = obj[head];
      delete obj[head];
    }
    return;
  }
  const next = obj[head];
  if (isObject(next)) {
    const copy = { ...next } as Record<string, unknown>;
    obj[head] = copy;
    renameAt(copy, rest, to);
  }
}

/** Secret placeholders become unknown values: a policy that reads one is reported, never passed. */
function placeholdersToUnknowns(v: unknown): unknown {
  if (v === SECRET_PLACEHOLDER) return new UnknownValue(SECRET_UNKNOWN);
  if (Array.isArray(v)) return v.map(placeholdersToUnknowns);
  if (isObject(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, placeholdersToUnknowns(x)]));
  return v;
}

/** `name` and `fullName` from an ARM id: `.../vaults/kv/keys/k` gives `k` and `kv/k`. */
function namesFromId(id: string): { name: string; fullName: string } {
  const i = id.toLowerCase().lastIndexOf("/providers/");
  const segs = (i >= 0 ? id.slice(i + "/providers/".length) : id).split("/").filter(Boolean);
  // segs: namespace, type, name, type, name, …
  const names = segs.slice(1).filter((_, k) => k % 2 === 1);
  const name = names[names.length - 1] ?? segs[segs.length - 1] ?? id;
  return { name, fullName: names.length ? names.join("/") : name };
}

function epochToIso(v: unknown): string | undefined {
  return typeof v === "number" ? isoInstant(new Date(v * 1000)) : undefined;
}

/**
 * A key or secret as the vault's data plane describes it (the `Microsoft.KeyVault.Data` mode):
 * `attributes.createdOn` is the plan's day (the object is created by this deployment), the
 * expiry and not-before dates come from the ARM attributes (`exp`, `nbf`, epoch seconds).
 */
function dataPlaneObject(
  kind: "keys" | "secrets",
  body: Record<string, unknown>,
  now: Date,
): Record<string, unknown> {
  const p = (isObject(body.properties) ? body.properties : {}) as Record<string, unknown>;
  const a = (isObject(p.attributes) ? p.attributes : {}) as Record<string, unknown>;
  const createdOn = isoInstant(now);
  const attributes = compact({
    enabled: a.enabled as Json,
    createdOn,
    expiresOn: epochToIso(a.exp),
    notBefore: epochToIso(a.nbf),
  });
  if (kind === "secrets") {
    return compact({ contentType: p.contentType as Json, attributes, tags: body.tags as Json });
  }
  return compact({
    keyType: p.kty as Json,
    keySize: p.keySize as Json,
    ellipticCurveName: p.curveName as Json,
    attributes,
    scheduledRotationDate: scheduledRotation(p, now),
    tags: body.tags as Json,
  }) as Record<string, unknown>;
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * When Key Vault will rotate a new key: the rotation policy's `rotate` action, `timeAfterCreate`
 * after creation or `timeBeforeExpiry` before the expiry (the key's `exp`, else creation plus the
 * policy's `expiryTime`). No rotate action: no scheduled rotation (the alias is absent).
 * (learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation)
 */
function scheduledRotation(
  p: Record<string, unknown>,
  now: Date,
): string | UnknownValue | undefined {
  const policy = p.rotationPolicy;
  if (!isObject(policy)) return undefined;
  const actions = Array.isArray(policy.lifetimeActions) ? policy.lifetimeActions : [];
  const rotate = actions.find(
    (x) => isObject(x) && isObject(x.action) && String(x.action.type).toLowerCase() === "rotate",
  );
  if (!isObject(rotate) || !isObject(rotate.trigger)) return undefined;
  const trigger = rotate.trigger;
  const attrs = isObject(p.attributes) ? p.attributes : {};
  const after = getKey(trigger, "timeAfterCreate");
  const before = getKey(trigger, "timeBeforeExpiry");
  if (typeof after === "string") {
    const d = addDuration(now, after, 1);
    return d ? isoInstant(d) : new UnknownValue(`the rotation trigger ${after}`);
  }
  if (typeof before === "string") {
    const expiryTime = isObject(policy.attributes) ? policy.attributes.expiryTime : undefined;
    const expiry =
      typeof attrs.exp === "number"
        ? new Date(attrs.exp * 1000)
        : typeof expiryTime === "string"
          ? addDuration(now, expiryTime, 1)
          : undefined;
    const d = expiry && addDuration(expiry, before, -1);
    return d ? isoInstant(d) : new UnknownValue("the key's expiry");
  }
  return undefined;
}

/** Adds (sign 1) or subtracts (sign -1) an ISO 8601 duration of years, months and days. */
function addDuration(d: Date, duration: string, sign: 1 | -1): Date | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(duration);
  if (!m || duration === "P") return undefined;
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + sign * Number(m[1] ?? 0));
  out.setUTCMonth(out.getUTCMonth() + sign * Number(m[2] ?? 0));
  out.setUTCDate(out.getUTCDate() + sign * Number(m[3] ?? 0));
  return out;
}

const PE_CONNECTION_TYPES = new Set([
  "microsoft.keyvault/vaults",
  "microsoft.keyvault/managedhsms",
]);

/**
 * The state Azure adds when the plan's resources meet: a private endpoint whose connection targets
 * a vault or Managed HSM appears in the target's `privateEndpointConnections`. The deploying
 * identity holds write access on the target, so the connection is approved automatically
 * (learn.microsoft.com/azure/private-link/private-endpoint-overview#access-to-a-private-link-resource-using-approval-workflow);
 * manual connections stay Pending.
 */
function withServerState(resources: PolicyResource[]): PolicyResource[] {
  const connections = new Map<string, Json[]>();
  for (const r of resources) {
    if (r.type !== "Microsoft.Network/privateEndpoints") continue;
    const p = r.request.properties as Record<string, unknown>;
    for (const [key, status] of [
      ["privateLinkServiceConnections", "Approved"],
      ["manualPrivateLinkServiceConnections", "Pending"],
    ] as const) {
      const list = Array.isArray(p[key]) ? (p[key] as unknown[]) : [];
      for (const c of list) {
        const target =
          isObject(c) && isObject(c.properties) ? c.properties.privateLinkServiceId : undefined;
        if (typeof target !== "string") continue;
        const entry: Json = {
          id: `${target}/privateEndpointConnections/${r.name}`,
          properties: {
            privateEndpoint: { id: r.id },
            privateLinkServiceConnectionState: { status, actionsRequired: "None" },
            provisioningState: "Succeeded",
          },
        };
        const k = target.toLowerCase();
        connections.set(k, [...(connections.get(k) ?? []), entry]);
      }
    }
  }
  return resources.map((r) => {
    if (!PE_CONNECTION_TYPES.has(r.type.toLowerCase())) return r;
    const list = connections.get(r.id.toLowerCase());
    if (!list) return r;
    const props = r.request.properties as Record<string, unknown>;
    return {
      ...r,
      deployed: { ...r.request, properties: { ...props, privateEndpointConnections: list } },
    };
  });
}
