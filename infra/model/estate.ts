import { Baseline } from "../../stacks";
import { accessNotes, breakGlassSet, parseScope } from "./access";
import { EstateConfig, parseStackConfig, VaultConfig } from "./config";
import { resolveInsights } from "./insights";
import { resolveKeySpec } from "./keys";
import {
  ESTATE_NAMES,
  grantResourceName,
  keyResourceName,
  passwordResourceName,
  PROJECT,
  privateEndpointNames,
  ResourceName,
  secretResourceName,
  VaultKind,
  vaultName,
  vaultResourceNames,
  workspaceName,
} from "./names";
import { sinkProtection } from "./sinks";
import { resolveSecretSpec } from "./secrets";
import {
  resolveDiagnosticSettings,
  resolvePrivateEndpoints,
  resolveStoreLock,
} from "./storeInterfaces";
import { epochSeconds, expiryAfterDays, startOfUtcDay } from "./time";
import {
  ResolvedEstate,
  ResolvedGrant,
  ResolvedKey,
  ResolvedSecret,
  ResolvedVault,
  SecretSourceRef,
  StackOutputRef,
  Tags,
} from "./types";
import { ConfigError, ConfigProblem } from "./validation";

/** What the entry hands the model: the stack config as Pulumi presents it, and the instant. */
export interface EstateInput {
  /** The flat `namespace:key` → string map the engine hands the program (`allConfig` in the entry). */
  readonly config: Readonly<Record<string, string>>;
  /** The config keys whose values are secret (`secure:` in the stack file). */
  readonly secretKeys: readonly string[];
  /** The instant of this run: the real clock in `pulumi up`, `--now` in the offline plan. */
  readonly now: Date;
}

/**
 * The model: one pure pass from (stack config, baseline, now) to the resolved estate, or a
 * `ConfigError` listing every problem at once, each naming its path. It is the only code that
 * knows the schema and the baselines; components are built from its result alone.
 */
export function resolveEstate(input: EstateInput): ResolvedEstate {
  const parsed = parseStackConfig(input.config, input.secretKeys);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  const config = parsed.config;
  const b = config.baseline;
  const day = startOfUtcDay(input.now);
  const tags: Tags = {
    ...config.tags,
    environment: config.environment,
    "managed-by": PROJECT,
  };

  const vaults = withoutAmbiguousAliases(
    config.vaults.map((v, i) => resolveVault(v, `vaults[${i}]`, config, tags, day)),
  );
  const problems = [...duplicateNames(vaults), ...duplicateEndpoints(vaults, config.resourceGroup)];
  if (problems.length > 0) throw new ConfigError(problems);

  const d = config.diagnostics;
  const insights = resolveInsights({
    config: config.insights,
    baseline: b,
    environment: config.environment,
    resourceGroup: config.resourceGroup,
    breakGlassPrincipals: config.breakGlassPrincipals,
    vaults,
    tags,
  });
  return deepFreeze({
    environment: config.environment,
    envShort: b.shortName,
    location: config.location,
    ...(config.tenantId !== undefined ? { tenantId: config.tenantId } : {}),
    now: day,
    resourceGroup: { name: config.resourceGroup, protect: b.vault.protect },
    tags,
    breakGlassPrincipals: config.breakGlassPrincipals.map((p) => p.toLowerCase()),
    sinks: {
      workspace: d.fromStack
        ? { create: false, fromStack: platformOutput(d.fromStack, SINK_OUTPUTS.workspace) }
        : d.logAnalytics.workspaceId
          ? { create: false, id: d.logAnalytics.workspaceId }
          : {
              create: true,
              name: workspaceName(b.shortName),
              retentionInDays: d.logAnalytics.retentionInDays ?? b.diagnostics.logRetentionInDays,
            },
      archive: d.fromStack
        ? { create: false, fromStack: platformOutput(d.fromStack, SINK_OUTPUTS.archive) }
        : d.storage.accountId
          ? { create: false, id: d.storage.accountId }
          : {
              create: true,
              retentionInDays: d.storage.retentionInDays ?? b.diagnostics.logRetentionInDays,
              sku: b.diagnostics.storageSku,
            },
      ...(d.eventHub ? { eventHub: { ...d.eventHub } } : {}),
      categoryGroup: d.allLogs ? "allLogs" : "audit",
      ...sinkProtection(b),
    },
    vaults,
    secretSources: [
      ...vaults.flatMap((v) => sourceRefs(v)),
      ...(insights?.actionGroup.webhook ? [insights.actionGroup.webhook.source] : []),
    ],
    ...(insights ? { insights } : {}),
  });
}

/**
 * The stack outputs that carry the sinks' ARM ids: what an estate exports (`Estate.outputs`), so a
 * platform stack of this program is the one team stacks read them from (`diagnostics.fromStack`).
 */
const SINK_OUTPUTS = {
  workspace: "logAnalyticsWorkspaceId",
  archive: "auditStorageAccountId",
} as const;

function platformOutput(stack: string, output: string): StackOutputRef {
  return { stack, resource: ESTATE_NAMES.platformStack.name, output };
}

/** Freezes a plain value and everything in it: the model is read, never changed. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function resolveVault(
  v: VaultConfig,
  path: string,
  config: EstateConfig,
  estateTags: Tags,
  day: Date,
): ResolvedVault {
  const b: Baseline = config.baseline;
  const kind: VaultKind = v.tier === "managedHsm" ? "managedHsm" : "vault";
  // Reserved tags are the estate's: a vault's own tags never override them.
  const tags: Tags = { ...v.tags, ...estateTags };
  const names = vaultResourceNames(v.name);
  const lock = resolveStoreLock(v.lock, kind, names);
  return {
    name: v.name,
    path,
    kind,
    tier: v.tier,
    names,
    recover: v.createMode === "recover",
    physicalName:
      v.physicalName !== undefined
        ? { fixed: v.physicalName }
        : { prefix: vaultName(kind, v.name, b.shortName, "") },
    protect: b.vault.protect,
    softDeleteRetentionInDays: v.softDeleteRetentionInDays,
    purgeProtection: v.purgeProtection,
    ...(lock ? { lock } : {}),
    network: {
      publicNetworkAccess: v.network.publicNetworkAccess,
      defaultAction: v.network.defaultAction,
      bypass: v.network.bypass,
      ipRules: [...v.network.ipRules],
      subnetIds: [...v.network.subnetIds],
      privateEndpoints: resolvePrivateEndpoints(v.network, {
        vault: v.name,
        kind,
        names,
        legacy: privateEndpointNames(kind, v.name, b.shortName),
        location: config.location,
        vaultTags: tags,
        estateTags,
      }),
    },
    diagnosticSettings: resolveDiagnosticSettings(
      v.diagnosticSettings,
      v.name,
      names,
      config.diagnostics.allLogs ? "allLogs" : "audit",
    ),
    enabledForDeployment: v.enabledForDeployment,
    enabledForDiskEncryption: v.enabledForDiskEncryption,
    enabledForTemplateDeployment: v.enabledForTemplateDeployment,
    initialAdminObjectIds: (v.initialAdminObjectIds ?? []).map((id) => id.toLowerCase()),
    tags,
    keys: v.keys.map((k, i): ResolvedKey => {
      const spec = resolveKeySpec(k, v.tier, b);
      return {
        ...spec,
        resource: keyResourceName(v.name, k.name),
        path: `${path}.keys[${i}]`,
        expires:
          k.expiresOn !== undefined
            ? epochSeconds(new Date(k.expiresOn))
            : expiryAfterDays(day, spec.expiresInDays),
        ...(k.notBefore !== undefined ? { notBefore: epochSeconds(new Date(k.notBefore)) } : {}),
        enabled: k.enabled ?? true,
        // A key's own tags over the vault's; the reserved ones stay the estate's.
        tags: { ...tags, ...k.tags, ...estateTags },
      };
    }),
    secrets: v.secrets.map((s, i): ResolvedSecret => {
      const spec = resolveSecretSpec(s, b);
      const relative = spec.expiresOn === undefined && spec.expiresInDays !== undefined;
      const expires =
        spec.expiresOn ?? (relative ? expiryAfterDays(day, spec.expiresInDays ?? 0) : undefined);
      return {
        name: spec.name,
        resource: secretResourceName(v.name, spec.name),
        ...(spec.source.kind === "generate"
          ? { password: passwordResourceName(v.name, spec.name) }
          : {}),
        path: `${path}.secrets[${i}]`,
        source: spec.source,
        contentType: spec.contentType,
        ...(expires !== undefined ? { expires } : {}),
        expiresRelative: relative,
        ...(spec.notBefore !== undefined ? { notBefore: spec.notBefore } : {}),
        enabled: spec.enabled,
        // A secret's own tags over the vault's; the reserved ones stay the estate's.
        tags: { ...tags, ...spec.tags, ...estateTags },
      };
    }),
    access: v.access.map((a, i): ResolvedGrant => ({
      resource: grantResourceName(
        v.name,
        a.scope,
        a.role.catalogue?.slug ?? a.role.id,
        a.principalId,
      ),
      path: `${path}.access[${i}]`,
      principalId: a.principalId,
      principalType: a.principalType,
      role: a.role,
      scope: a.scope,
      parsedScope: parseScope(a.scope),
      ...(a.condition !== undefined
        ? { condition: a.condition, conditionVersion: a.conditionVersion ?? "2.0" }
        : {}),
      ...(a.description !== undefined ? { description: a.description } : {}),
      notes: accessNotes(
        a,
        {
          environment: config.environment,
          privilegedRolesBreakGlassOnly: b.access.privilegedRolesBreakGlassOnly,
          breakGlassPrincipals: breakGlassSet(config.breakGlassPrincipals),
        },
        v.keys.filter((k) => k.exportable === true).map((k) => k.name),
      ),
    })),
  };
}

function sourceRefs(v: ResolvedVault): SecretSourceRef[] {
  return v.secrets.flatMap((s): SecretSourceRef[] => {
    const at = { vault: v.name, secret: s.name, path: s.path, contentType: s.contentType };
    if (s.source.kind === "env") return [{ kind: "env", name: s.source.name, ...at }];
    if (s.source.kind === "config") {
      return [{ kind: "config", name: `${PROJECT}:${s.source.key}`, ...at }];
    }
    return [];
  });
}

/** Every model-named child resource of the estate, by the kind of resource it is. */
function namedChildren(vaults: readonly ResolvedVault[]) {
  return vaults.flatMap((v) => [
    ...v.keys.map((k) => ({ type: "key", name: k.resource, path: k.path })),
    ...v.secrets.map((s) => ({ type: "secret", name: s.resource, path: s.path })),
    ...v.secrets.flatMap((s) =>
      s.password ? [{ type: "password", name: s.password, path: s.path }] : [],
    ),
    ...v.access.map((g) => ({ type: "grant", name: g.resource, path: g.path })),
    ...v.network.privateEndpoints.map((e, i) => ({
      type: "endpoint",
      name: e.resource,
      path: `${v.path}.network.privateEndpoints[${i}]`,
    })),
  ]);
}

/**
 * The estate-wide uniqueness check of every Pulumi name the model fixed (a URN is the type chain
 * and the name, so names must differ within a type). Reports both config paths.
 */
function duplicateNames(vaults: readonly ResolvedVault[]): ConfigProblem[] {
  const seen = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const c of namedChildren(vaults)) {
    const key = `${c.type}::${c.name.name}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, c.path);
    else {
      problems.push({
        path: c.path,
        message: `its resource name "${c.name.name}" is also the name of ${first}; rename one of them`,
      });
    }
  }
  return problems;
}

/**
 * Private endpoint names are unique per resource group in Azure: a second endpoint of the same name
 * would overwrite the first (re-pointing it at another vault), so the config is refused instead.
 */
function duplicateEndpoints(
  vaults: readonly ResolvedVault[],
  estateGroup: string,
): ConfigProblem[] {
  const seen = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const v of vaults) {
    v.network.privateEndpoints.forEach((e, i) => {
      const path = `${v.path}.network.privateEndpoints[${i}].name`;
      const key = `${(e.resourceGroup ?? estateGroup).toLowerCase()}/${e.name.toLowerCase()}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, path);
      else {
        problems.push({
          path,
          message: `private endpoint "${e.name}" is also named at ${first} in the same resource group; rename one of them`,
        });
      }
    });
  }
  return problems;
}

/**
 * Drops a former name that two resources share. Names joined with "-" could collide (vault `a`
 * with secret `b-c`, vault `a-b` with secret `c`); the engine refuses such a stack, so it was
 * never deployed and neither resource has state under that name to keep.
 */
function withoutAmbiguousAliases(vaults: readonly ResolvedVault[]): ResolvedVault[] {
  const count = new Map<string, number>();
  for (const c of namedChildren(vaults)) {
    if (c.name.formerly === undefined) continue;
    const key = `${c.type}::${c.name.formerly}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  const keep = (type: string, n: ResourceName): ResourceName =>
    n.formerly !== undefined && (count.get(`${type}::${n.formerly}`) ?? 0) > 1
      ? { name: n.name }
      : n;
  return vaults.map((v) => ({
    ...v,
    keys: v.keys.map((k) => ({ ...k, resource: keep("key", k.resource) })),
    secrets: v.secrets.map((s) => ({
      ...s,
      resource: keep("secret", s.resource),
      ...(s.password ? { password: keep("password", s.password) } : {}),
    })),
    access: v.access.map((g) => ({ ...g, resource: keep("grant", g.resource) })),
  }));
}
