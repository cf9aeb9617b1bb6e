// A minimal resource provider served to the real Pulumi engine through
// `@pulumi/pulumi/provider`'s main(). It stands in for `azure-native` and `random` in the engine
// tier: Check returns the inputs (auto-naming a missing name), Diff compares inputs with the old
// state and flags replacements, Create returns a fake ARM id and echoes the inputs as outputs,
// Read returns the state it is given, Update echoes the new inputs, Delete does nothing.
//
// Preview: the Node provider server (`main`) neither advertises `supportsPreview` in Configure nor
// passes CreateRequest.preview to the provider, and without supportsPreview the engine never calls
// Create during a preview but hands back the inputs as the state
// (sdk/go/common/resource/plugin/provider_plugin.go, Create: `!protocol.supportsPreview`), which
// makes a nested computed output such as `properties.vaultUri` look known-but-absent. The real
// azure-native provider does support previews and answers with its computed outputs unknown.
// enableProviderPreview() patches the SDK's generated messages (documented below) so this provider
// does the same: it advertises supportsPreview and sees the preview flag of Create and Update.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type * as provider from "@pulumi/pulumi/provider";
import { INVOKE_TOKENS } from "../../../infra/azure/tokens";
import { EMULATED_IDENTITY } from "../../contract/emulatedIdentity";

/** The engine's unknown sentinel (sdk/go/common/resource/plugin/rpc.go, UnknownStringValue). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let currentPreview = false;

/**
 * Makes the `main()` server advertise supportsPreview and record each Create/Update request's
 * preview flag. The server reads `req.getUrn()` as the argument right before it calls
 * provider.create/update synchronously, so the flag read at the start of those calls is the
 * request's own.
 */
export function enableProviderPreview(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pb = require("@pulumi/pulumi/proto/provider_pb");
  const setAcceptoutputs = pb.ConfigureResponse.prototype.setAcceptoutputs;
  pb.ConfigureResponse.prototype.setAcceptoutputs = function (
    this: { setSupportspreview(v: boolean): void },
    value: boolean,
  ) {
    this.setSupportspreview(true);
    return setAcceptoutputs.call(this, value);
  };
  for (const message of [pb.CreateRequest, pb.UpdateRequest]) {
    const getUrn = message.prototype.getUrn;
    message.prototype.getUrn = function (this: { getPreview(): boolean }) {
      currentPreview = this.getPreview() === true;
      return getUrn.call(this);
    };
  }
}

/**
 * Makes an import's Read work. `@pulumi/pulumi/provider/server.js` (`read`, v3.248.0) calls
 * `req.getProperties().toJavaScript()`, but the ReadRequest of `pulumi import` (and of a `get`)
 * carries no properties, so the generated getter returns undefined and the server crashes with
 * "Cannot read properties of undefined (reading 'toJavaScript')". The patched getter answers an
 * empty Struct instead; the provider's read then sees `{}` and answers from the id alone.
 */
export function enableImportRead(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pb = require("@pulumi/pulumi/proto/provider_pb");
  // The Struct class the SDK itself uses: google-protobuf as resolved from @pulumi/pulumi.
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const structpb = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] }),
  );
  const getProperties = pb.ReadRequest.prototype.getProperties;
  pb.ReadRequest.prototype.getProperties = function (this: unknown) {
    return getProperties.call(this) ?? new structpb.Struct();
  };
}

type Props = Record<string, unknown>;

function isObject(v: unknown): v is Props {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`, objects deeply. */
function deepMerge(base: Props, over: Props): Props {
  const out: Props = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Props, v) : v;
  }
  return out;
}

/** Every leaf replaced by the unknown sentinel. */
function unknownLeaves(v: Props): Props {
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, isObject(x) ? unknownLeaves(x) : UNKNOWN]),
  );
}

const FAKE_SUBSCRIPTION = EMULATED_IDENTITY.subscriptionId;

/** The version a `@pulumi/<pkg>` SDK asks the engine for: its package.json's version. */
export function sdkVersion(pkg: string): string {
  const file = path.join(path.dirname(require.resolve(`@pulumi/${pkg}/utilities`)), "package.json");
  const version = JSON.parse(fs.readFileSync(file, "utf8")).version as string;
  return version.replace(/^v/, "");
}

function hash(text: string, length: number): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** `azure-native:keyvault:Vault` -> ["keyvault", "Vault"]. */
function typeParts(urn: string): [string, string] {
  const type = urn.split("::")[2]?.split("$").pop() ?? "";
  const [, module = "", name = ""] = type.split(":");
  return [module, name];
}

function urnName(urn: string): string {
  return urn.split("::")[3] ?? "";
}

/** `azure-native:keyvault:Vault` -> `Microsoft.Keyvault/vaults` (a fake, close to ARM's). */
function armType(urn: string): string {
  const [module, type] = typeParts(urn);
  const ns = module.charAt(0).toUpperCase() + module.slice(1);
  return `Microsoft.${ns}/${type.charAt(0).toLowerCase()}${type.slice(1)}s`;
}

/** azure-native names a resource by `<lowerCamel(type)>Name`, e.g. resourceGroupName, vaultName. */
function nameProperty(urn: string): string {
  const [, name] = typeParts(urn);
  return name.charAt(0).toLowerCase() + name.slice(1) + "Name";
}

/** A resource's ARM name: its `<lowerCamel(type)>Name`, else its `name` input, else the URN's name. */
function armName(urn: string, inputs: Props): string {
  const n = inputs[nameProperty(urn)] ?? inputs["name"] ?? urnName(urn);
  return String(n);
}

/** For a vault's key or secret (keyvault:Key, keyvault:Secret): its vault and collection. */
function vaultChild(
  urn: string,
  inputs: Props,
): { vault: string; kind: "keys" | "secrets" } | undefined {
  const [module, type] = typeParts(urn);
  if (module !== "keyvault" || typeof inputs["vaultName"] !== "string") return undefined;
  if (type === "Key") return { vault: inputs["vaultName"], kind: "keys" };
  if (type === "Secret") return { vault: inputs["vaultName"], kind: "secrets" };
  return undefined;
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** Whether `news` differs from `olds` on a path the inputs name (computed outputs are ignored). */
function differs(olds: unknown, news: unknown): boolean {
  if (isObject(olds) && isObject(news)) {
    return Object.keys(news).some((k) => differs(olds[k], news[k]));
  }
  return stable(olds) !== stable(news);
}

/**
 * Top-level inputs that differ from the old state. The Node provider API hands Diff the old
 * outputs, not the old inputs, so an input removed since the last update goes unnoticed.
 */
function changedKeys(olds: Props, news: Props): string[] {
  return Object.keys(news)
    .filter((k) => differs(olds[k], news[k]))
    .sort();
}

export interface FakeRules {
  /** Extra outputs computed at create/update (unknown during a preview). */
  computed(urn: string, inputs: Props): Props;
  /** Which changed keys force a replacement. */
  replaces(urn: string, changed: string[]): string[];
  /** A missing name to fill in at Check (auto-naming), or undefined. */
  autoName?(
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Record<string, unknown>;
  /** The id of a new resource. */
  id(urn: string, inputs: Record<string, unknown>): string;
  /** The invokes (data-source functions) the package answers, by token. */
  invokes?: Record<string, (args: Props) => Props>;
  /** The inputs Read derives from a resource's id alone (an import, a `get`). */
  fromId?(urn: string, id: string): Props;
}

export function makeProvider(version: string, rules: FakeRules): provider.Provider {
  return {
    version,
    async check(urn, olds, news) {
      const inputs = rules.autoName ? { ...news, ...rules.autoName(urn, olds ?? {}, news) } : news;
      return { inputs };
    },
    async diff(_id, urn, olds, news) {
      const changed = changedKeys(olds ?? {}, news ?? {});
      const replaces = rules.replaces(urn, changed);
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(urn, inputs) {
      const preview = currentPreview;
      const computed = rules.computed(urn, inputs);
      if (preview) return { id: "", outs: deepMerge(inputs, unknownLeaves(computed)) };
      return { id: rules.id(urn, inputs), outs: deepMerge(inputs, computed) };
    },
    async read(id, urn, props) {
      const known = isObject(props) && Object.keys(props).length > 0;
      if (known) return { id, props };
      // An import or a `get`: no state, only the id (see enableImportRead).
      const inputs = rules.fromId ? rules.fromId(urn, id) : {};
      return { id, props: deepMerge(inputs, rules.computed(urn, inputs)), inputs };
    },
    async invoke(token, args) {
      const fn = rules.invokes?.[token];
      if (!fn) {
        const known = Object.keys(rules.invokes ?? {}).join(", ") || "none";
        throw new Error(
          `the engine tier's fake provider does not implement the invoke ${token} ` +
            `(it answers: ${known}); add it to tools/engine-tier/provider/fakeProvider.ts`,
        );
      }
      return { outputs: fn(isObject(args) ? args : {}) };
    },
    async update(_id, urn, olds, news) {
      const preview = currentPreview;
      if (preview) return { outs: deepMerge(olds, news) };
      return { outs: deepMerge(news, rules.computed(urn, news)) };
    },
    async delete() {
      return;
    },
  };
}

/** The azure-native emulation: ARM ids, auto-names, path parameters and location force a replace. */
export const azureNativeRules: FakeRules = {
  invokes: {
    // The offline plan's emulated deploying identity, so both tiers plan the same ids.
    [INVOKE_TOKENS.getClientConfig]: () => ({ ...EMULATED_IDENTITY }),
  },
  fromId(urn, id) {
    // `/subscriptions/<s>/resourceGroups/<rg>[/providers/<ns>/<type>/<name>]`: the path parameters.
    const parts = id.split("/");
    const at = (key: string) => {
      const i = parts.findIndex((p) => p.toLowerCase() === key.toLowerCase());
      return i >= 0 ? parts[i + 1] : undefined;
    };
    const rg = at("resourceGroups");
    const name = parts[parts.length - 1] ?? urnName(urn);
    const out: Props = { [nameProperty(urn)]: name };
    if (rg && armType(urn) !== "Microsoft.Resources/resourceGroups") out["resourceGroupName"] = rg;
    return out;
  },
  autoName(urn, olds, news) {
    const prop = nameProperty(urn);
    // Some types take their ARM name as `name` (monitor:DiagnosticSetting): nothing to fill in.
    if (news[prop] !== undefined || typeof news["name"] === "string") return {};
    if (typeof olds[prop] === "string") return { [prop]: olds[prop] };
    return { [prop]: `${urnName(urn)}${hash(urn, 8)}` };
  },
  replaces(_urn, changed) {
    return changed.filter((k) => k === "location" || /Name$/.test(k));
  },
  id(urn, inputs) {
    const name = armName(urn, inputs);
    const sub = `/subscriptions/${FAKE_SUBSCRIPTION}`;
    if (armType(urn) === "Microsoft.Resources/resourceGroups") {
      return `${sub}/resourceGroups/${name}`;
    }
    const rg = String(inputs["resourceGroupName"] ?? "rg");
    const vault = vaultChild(urn, inputs);
    if (vault)
      return `${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${vault.vault}/${vault.kind}/${name}`;
    return `${sub}/resourceGroups/${rg}/providers/${armType(urn)}/${name}`;
  },
  computed(urn, inputs) {
    const name = armName(urn, inputs);
    const out: Props = { name, type: armType(urn), azureApiVersion: "2024-03-01" };
    if (armType(urn) === "Microsoft.Keyvault/vaults") {
      out["properties"] = { vaultUri: `https://${name}.vault.azure.net/` };
    }
    // A key's and a secret's data-plane URIs, as azure-native returns them (the version: a fake
    // 32-hex id derived from the URN and the inputs, so an update gives a new version).
    const vault = vaultChild(urn, inputs);
    if (vault) {
      const uri = `https://${vault.vault}.vault.azure.net/${vault.kind}/${name}`;
      const version = hash(`${urn}${stable(inputs)}`, 32);
      if (vault.kind === "keys") {
        out["keyUri"] = uri;
        out["keyUriWithVersion"] = `${uri}/${version}`;
      } else {
        out["properties"] = { secretUri: uri, secretUriWithVersion: `${uri}/${version}` };
      }
    }
    return out;
  },
};

/** The random emulation: deterministic results derived from the URN; any input change replaces. */
export const randomRules: FakeRules = {
  replaces(_urn, changed) {
    return changed;
  },
  id(urn) {
    return hash(urn, 16);
  },
  computed(urn, inputs) {
    const length = Number(inputs["length"] ?? inputs["byteLength"] ?? 16);
    const [, type] = typeParts(urn);
    const h = hash(urn, 64).repeat(4);
    switch (type) {
      case "RandomUuid":
        return {
          result: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`,
        };
      case "RandomInteger": {
        const min = Number(inputs["min"] ?? 0);
        const max = Number(inputs["max"] ?? 100);
        return { result: min + (parseInt(h.slice(0, 8), 16) % (max - min + 1)) };
      }
      case "RandomId":
        return {
          hex: h.slice(0, length * 2),
          b64Std: Buffer.from(h.slice(0, length * 2), "hex").toString("base64"),
        };
      default: {
        const special = inputs["special"] !== false;
        const s = h.slice(0, length);
        return {
          result: inputs["upper"] === false ? s : s.toUpperCase().slice(0, 1) + s.slice(1),
          special,
        };
      }
    }
  },
};
