import { EMULATED_IDENTITY } from "../contract/emulatedIdentity";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { INVOKE_TOKENS, TOKENS } from "../../infra/azure/tokens";
import {
  defaultResourceGroupName,
  storageAccountName,
  workspaceName,
} from "../../infra/model/names";
import { SECRET_PLACEHOLDER } from "../contract/plan";

/**
 * An in-process emulation of Azure's computed values for the offline plan: ARM-shaped ids, vault
 * and key URIs, deterministic `@pulumi/random` results. Everything is a pure function of the
 * stack name and the resource's inputs, so two plans of one config are identical.
 */

/** The subscription the emulation reports (no real Azure is reached). */
export const EMULATED_SUBSCRIPTION = EMULATED_IDENTITY.subscriptionId;

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a deserialized property is a secret-wrapped value. */
export function isSecretValue(v: unknown): v is { value: unknown } {
  return (
    v !== null &&
    typeof v === "object" &&
    (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

/** Replaces every secret-wrapped value with the placeholder; keeps everything else as plain JSON. */
export function redact(v: unknown): unknown {
  if (isSecretValue(v)) return SECRET_PLACEHOLDER;
  if (Array.isArray(v)) return v.map(redact);
  if (v !== null && typeof v === "object") {
    if (pulumi.Resource.isInstance(v)) return "[resource]";
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = redact((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Reads a plain (non-secret) string input, or undefined. */
function str(inputs: Record<string, unknown>, key: string): string | undefined {
  const v = inputs[key];
  return typeof v === "string" ? v : undefined;
}

function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** A deterministic string of `length` characters from `alphabet`. */
function deterministicString(seed: string, length: number, alphabet: string): string {
  let out = "";
  let block = digest(seed);
  for (let i = 0; out.length < length; i++) {
    if (i * 2 + 2 > block.length) {
      block = digest(block);
      i = 0;
    }
    out += alphabet[parseInt(block.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  }
  return out;
}

/** A deterministic version id in Key Vault's 32-hex-digit shape. */
function versionId(seed: string): string {
  return digest("version", seed).slice(0, 32);
}

function guidFrom(seed: string): string {
  const h = digest("guid", seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function rgScope(inputs: Record<string, unknown>): string {
  return `/subscriptions/${EMULATED_SUBSCRIPTION}/resourceGroups/${str(inputs, "resourceGroupName") ?? "unknown-rg"}`;
}

type Emulation = (
  args: pulumi.runtime.MockResourceArgs,
  stack: string,
  identity: (name: string) => string,
) => { id: string; state: Record<string, unknown> };

/** Per type: the ARM id and computed outputs Azure would return. */
const EMULATIONS: Record<string, Emulation> = {
  [TOKENS.resourceGroup]: ({ inputs, name }) => {
    const rg = str(inputs, "resourceGroupName") ?? name;
    return {
      id: `/subscriptions/${EMULATED_SUBSCRIPTION}/resourceGroups/${rg}`,
      state: { name: rg },
    };
  },
  [TOKENS.vault]: ({ inputs, name }) => {
    const vault = str(inputs, "vaultName") ?? name;
    const props = (inputs.properties ?? {}) as Record<string, unknown>;
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.KeyVault/vaults/${vault}`,
      state: {
        name: vault,
        properties: { ...props, vaultUri: `https://${vault}.vault.azure.net/` },
      },
    };
  },
  [TOKENS.managedHsm]: ({ inputs, name }) => {
    const pool = str(inputs, "name") ?? name;
    const props = (inputs.properties ?? {}) as Record<string, unknown>;
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.KeyVault/managedHSMs/${pool}`,
      state: {
        name: pool,
        properties: { ...props, hsmUri: `https://${pool}.managedhsm.azure.net/` },
      },
    };
  },
  [TOKENS.key]: ({ inputs, name }, stack) => {
    const vault = str(inputs, "vaultName") ?? "unknown-vault";
    const key = str(inputs, "keyName") ?? name;
    const base = `https://${vault}.vault.azure.net/keys/${key}`;
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.KeyVault/vaults/${vault}/keys/${key}`,
      state: {
        name: key,
        keyUri: base,
        keyUriWithVersion: `${base}/${versionId(`${stack}/${vault}/${key}`)}`,
      },
    };
  },
  [TOKENS.secret]: ({ inputs, name }, stack) => {
    const vault = str(inputs, "vaultName") ?? "unknown-vault";
    const secret = str(inputs, "secretName") ?? name;
    const base = `https://${vault}.vault.azure.net/secrets/${secret}`;
    // A secret `value` makes the mock deserialize the whole `properties` input as one secret;
    // the engine likewise marks the `properties` output secret, so the emulation does too.
    const secretInput = isSecretValue(inputs.properties);
    const raw = secretInput ? inputs.properties.value : inputs.properties;
    // ARM never returns a secret's value; neither does the emulation.
    const props: Record<string, unknown> = { ...(raw ?? {}) };
    delete props.value;
    const properties = {
      ...props,
      secretUri: base,
      secretUriWithVersion: `${base}/${versionId(`${stack}/${vault}/${secret}`)}`,
    };
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.KeyVault/vaults/${vault}/secrets/${secret}`,
      state: { name: secret, properties: secretInput ? pulumi.secret(properties) : properties },
    };
  },
  [TOKENS.storageAccount]: ({ inputs, name }) => {
    const account = str(inputs, "accountName") ?? name;
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.Storage/storageAccounts/${account}`,
      state: {
        name: account,
        primaryEndpoints: { blob: `https://${account}.blob.core.windows.net/` },
      },
    };
  },
  [TOKENS.storageManagementPolicy]: ({ inputs }) => ({
    id: `${rgScope(inputs)}/providers/Microsoft.Storage/storageAccounts/${str(inputs, "accountName")}/managementPolicies/default`,
    state: { name: "default" },
  }),
  [TOKENS.workspace]: ({ inputs, name }, stack) => {
    const ws = str(inputs, "workspaceName") ?? name;
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.OperationalInsights/workspaces/${ws}`,
      state: { name: ws, customerId: guidFrom(`${stack}/${ws}`) },
    };
  },
  [TOKENS.diagnosticSetting]: ({ inputs, name }) => ({
    id: `${str(inputs, "resourceUri")}/providers/Microsoft.Insights/diagnosticSettings/${str(inputs, "name") ?? name}`,
    state: { name: str(inputs, "name") ?? name },
  }),
  [TOKENS.lock]: ({ inputs, name }) => ({
    id: `${str(inputs, "scope")}/providers/Microsoft.Authorization/locks/${str(inputs, "lockName") ?? name}`,
    state: { name: str(inputs, "lockName") ?? name },
  }),
  [TOKENS.roleAssignment]: ({ inputs, name }) => ({
    id: `${str(inputs, "scope")}/providers/Microsoft.Authorization/roleAssignments/${str(inputs, "roleAssignmentName") ?? name}`,
    state: { name: str(inputs, "roleAssignmentName") ?? name },
  }),
  [TOKENS.privateEndpoint]: ({ inputs, name }, stack) => {
    const pe = str(inputs, "privateEndpointName") ?? name;
    // The address Azure allocates from the subnet: the static one asked for, or a deterministic
    // one in 10.0.0.0/8 (the emulation knows no subnet ranges). Reported, like Azure does, in the
    // endpoint's customDnsConfigs for the target's FQDN.
    const configs = Array.isArray(inputs.ipConfigurations) ? inputs.ipConfigurations : [];
    const fixed = (configs[0] as { privateIPAddress?: unknown } | undefined)?.privateIPAddress;
    const h = digest("pe-ip", stack, rgScope(inputs), pe);
    const ip =
      typeof fixed === "string"
        ? fixed
        : `10.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16)}.${4 + (parseInt(h.slice(4, 6), 16) % 250)}`;
    const connections = Array.isArray(inputs.privateLinkServiceConnections)
      ? (inputs.privateLinkServiceConnections as {
          privateLinkServiceId?: unknown;
          groupIds?: unknown;
        }[])
      : [];
    const target =
      String(connections[0]?.privateLinkServiceId ?? "")
        .split("/")
        .pop() ?? "";
    const group = Array.isArray(connections[0]?.groupIds) ? String(connections[0].groupIds[0]) : "";
    const fqdn = `${target}.${group === "managedhsm" ? "managedhsm.azure.net" : "vault.azure.net"}`;
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.Network/privateEndpoints/${pe}`,
      state: {
        name: pe,
        customDnsConfigs: [{ fqdn, ipAddresses: [ip] }],
        networkInterfaces: [
          {
            id: `${rgScope(inputs)}/providers/Microsoft.Network/networkInterfaces/${pe}.nic.${h.slice(0, 8)}`,
          },
        ],
      },
    };
  },
  [TOKENS.privateDnsZoneGroup]: ({ inputs, name }) => ({
    id: `${rgScope(inputs)}/providers/Microsoft.Network/privateEndpoints/${str(inputs, "privateEndpointName")}/privateDnsZoneGroups/${str(inputs, "privateDnsZoneGroupName") ?? name}`,
    state: { name: str(inputs, "privateDnsZoneGroupName") ?? name },
  }),
  // Usage insights (infra/components/insights.ts, expiryEvents.ts).
  [TOKENS.savedSearch]: ({ inputs, name }) => ({
    id: `${rgScope(inputs)}/providers/Microsoft.OperationalInsights/workspaces/${str(inputs, "workspaceName")}/savedSearches/${str(inputs, "savedSearchId") ?? name}`,
    state: { name: str(inputs, "savedSearchId") ?? name },
  }),
  [TOKENS.actionGroup]: ({ inputs, name }) => ({
    id: `${rgScope(inputs)}/providers/Microsoft.Insights/actionGroups/${str(inputs, "actionGroupName") ?? name}`,
    state: { name: str(inputs, "actionGroupName") ?? name },
  }),
  [TOKENS.scheduledQueryRule]: ({ inputs, name }) => ({
    id: `${rgScope(inputs)}/providers/Microsoft.Insights/scheduledQueryRules/${str(inputs, "ruleName") ?? name}`,
    state: { name: str(inputs, "ruleName") ?? name },
  }),
  [TOKENS.systemTopic]: ({ inputs, name }, stack) => {
    const topic = str(inputs, "systemTopicName") ?? name;
    return {
      id: `${rgScope(inputs)}/providers/Microsoft.EventGrid/systemTopics/${topic}`,
      state: { name: topic, metricResourceId: guidFrom(`${stack}/${topic}`) },
    };
  },
  [TOKENS.systemTopicEventSubscription]: ({ inputs, name }) => ({
    id: `${rgScope(inputs)}/providers/Microsoft.EventGrid/systemTopics/${str(inputs, "systemTopicName")}/eventSubscriptions/${str(inputs, "eventSubscriptionName") ?? name}`,
    state: { name: str(inputs, "eventSubscriptionName") ?? name },
  }),
  [TOKENS.workbook]: ({ inputs, name }) => ({
    id: `${rgScope(inputs)}/providers/Microsoft.Insights/workbooks/${str(inputs, "resourceName") ?? name}`,
    state: { name: str(inputs, "resourceName") ?? name },
  }),
  [TOKENS.randomString]: ({ inputs, name }, stack, identity) => {
    const length = typeof inputs.length === "number" ? inputs.length : 8;
    const alphabet =
      (inputs.lower === false ? "" : "abcdefghijklmnopqrstuvwxyz") +
      (inputs.numeric === false ? "" : "0123456789") +
      (inputs.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    return {
      id: name,
      state: { result: deterministicString(`${stack}/${identity(name)}`, length, alphabet) },
    };
  },
  // A generated secret is never generated offline: the plan only needs to know it is secret.
  [TOKENS.randomPassword]: ({ name }) => ({
    id: name,
    state: {
      result: pulumi.secret(SECRET_PLACEHOLDER),
      bcryptHash: pulumi.secret(SECRET_PLACEHOLDER),
    },
  }),
};

/** Invokes the program may call, with the values the emulated deploying identity has. */
const CALLS: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  [INVOKE_TOKENS.getClientConfig]: () => ({ ...EMULATED_IDENTITY }),
};

/**
 * What a platform stack of this program exports for its sinks (`diagnostics.fromStack`), when no
 * outputs are given for it: ARM ids in the emulated subscription, named after the stack, as its own
 * offline plan would show ids it cannot know.
 */
export function platformStackOutputs(stack: string): Record<string, string> {
  const short = stack.split("/").pop() ?? stack;
  const rg = `/subscriptions/${EMULATED_SUBSCRIPTION}/resourceGroups/${defaultResourceGroupName(short)}`;
  // Storage account names are 3-24 lower-case letters and digits, so the stack's name is cut down.
  const account = storageAccountName(short.toLowerCase().replace(/[^a-z0-9]/g, ""), "").slice(
    0,
    24,
  );
  return {
    logAnalyticsWorkspaceId: `${rg}/providers/Microsoft.OperationalInsights/workspaces/${workspaceName(short)}`,
    auditStorageAccountId: `${rg}/providers/Microsoft.Storage/storageAccounts/${account}`,
  };
}

/**
 * The Pulumi mocks that emulate Azure for the given stack. Unknown types and invokes throw.
 * `identity` maps a resource name to the name its state was first created under (its alias).
 * A `StackReference` reads `stackOutputs[<stack>]`, else `platformStackOutputs(<stack>)`.
 */
export function azureEmulation(
  stack: string,
  identity: (name: string) => string = (name) => name,
  stackOutputs: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      // Components (the stack, our own components) have no provider and no id.
      if (!args.custom) return { id: undefined, state: {} };
      if (args.type === "pulumi:pulumi:StackReference") {
        const referenced = String(args.inputs.name);
        const outputs = stackOutputs[referenced] ?? platformStackOutputs(referenced);
        return { id: referenced, state: { name: referenced, outputs, secretOutputNames: [] } };
      }
      const emulate = EMULATIONS[args.type];
      if (!emulate) {
        throw new Error(`the offline plan does not emulate resource type ${args.type}`);
      }
      const { id, state } = emulate(args, stack, identity);
      return { id, state: { ...args.inputs, ...state } };
    },
    call(args) {
      const call = CALLS[args.token];
      if (!call) throw new Error(`the offline plan does not emulate invoke ${args.token}`);
      return call(args.inputs);
    },
  };
}
