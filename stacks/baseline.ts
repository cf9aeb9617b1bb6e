/**
 * An environment's baseline: the secure defaults every vault in that environment starts from, and
 * the limits a stack may relax them to. The model (`infra/model`) applies it; components never see
 * it. A limit the pack also checks is read from the pack's config (`stacks/policyConfig.ts`), so it
 * is written once; tests hold the others against the pack's thresholds (`test/baselines.spec.ts`).
 */
export type Environment = "dev" | "staging" | "prod";

export const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

export interface Baseline {
  readonly environment: Environment;
  /** Short form used in physical names (`kv-<logical>-<short>-<suffix>`). */
  readonly shortName: string;
  readonly vault: {
    /** Default soft-delete retention; a vault may set any value from `minSoftDeleteRetentionInDays` to 90. */
    readonly softDeleteRetentionInDays: number;
    /** The pack's `keyvault-vault-soft-delete.minimumRetentionDays` (read from its config). */
    readonly minSoftDeleteRetentionInDays: number;
    /** Default for purge protection, and whether a vault may turn it off. */
    readonly purgeProtection: boolean;
    readonly purgeProtectionRelaxable: boolean;
    readonly publicNetworkAccess: "Enabled" | "Disabled";
    /** Whether a vault may set `publicNetworkAccess: Enabled`. */
    readonly publicNetworkAccessRelaxable: boolean;
    readonly defaultAction: "Allow" | "Deny";
    /** Whether a vault may set `defaultAction: Allow`. */
    readonly defaultActionRelaxable: boolean;
    readonly bypass: "AzureServices" | "None";
    readonly lock: "CanNotDelete" | "none";
    /** Whether a vault may set `lock: none`. */
    readonly lockRelaxable: boolean;
    /** Register vaults (and pools) with `protect: true`, so `pulumi destroy` refuses them. */
    readonly protect: boolean;
    /** Whether a vault must have a private endpoint. */
    readonly privateEndpointRequired: boolean;
  };
  readonly keys: {
    /** Smallest RSA size a key may have. */
    readonly minRsaSize: 2048 | 3072 | 4096;
    /** Whether software-protected keys may live in a premium vault. */
    readonly allowSoftwareKeysInPremium: boolean;
    readonly defaultExpiresInDays: number;
    readonly maxExpiresInDays: number;
    readonly rotateBeforeExpiryDays: number;
    readonly notifyBeforeExpiryDays: number;
  };
  readonly secrets: {
    /** Whether a secret may be generated (`source.generate`) rather than seeded by the pipeline. */
    readonly allowGenerate: boolean;
    readonly defaultExpiresInDays: number;
    readonly maxExpiresInDays: number;
  };
  readonly access: {
    /**
     * Privileged roles (grant access, administer) go to break-glass principals only: the pack's
     * privileged-access policy blocks and restricts both classes (read from its config).
     */
    readonly privilegedRolesBreakGlassOnly: boolean;
    /**
     * The environment's break-glass principals, lower case: the privileged-access policy's
     * `allowedPrincipalIds` in `policies/config/<env>.json`, the one list the model and the pack use.
     */
    readonly breakGlassPrincipals: readonly string[];
  };
  readonly diagnostics: {
    readonly logRetentionInDays: number;
    /** The pack's `operationalinsights-workspace-retention.minimumRetentionDays` (read from its config). */
    readonly minLogRetentionInDays: number;
    /** Replication of an archive account created by the program. */
    readonly storageSku: "Standard_LRS" | "Standard_GRS";
  };
  readonly insights: {
    /**
     * Build the usage insights (saved queries, action group, alert rules, expiry events, workbook)
     * unless the stack's `insights.enabled` says otherwise.
     */
    readonly enabled: boolean;
    /** Each alert rule's defaults; a stack may tune every field (`insights.alerts.<rule>`). */
    readonly alerts: Readonly<Record<AlertRuleKey, AlertBaseline>>;
    /** Severity (0 = critical .. 4 = verbose) of the alert an expiry event raises. */
    readonly expirySeverity: 0 | 1 | 2 | 3 | 4;
  };
}

/** The alert rules over the vaults' audit logs. */
export type AlertRuleKey = "deniedBurst" | "unknownPrincipal" | "deleteOrPurge";

/** One alert rule's defaults: fires when more than `threshold` matching requests fall in a window. */
export interface AlertBaseline {
  readonly enabled: boolean;
  /** The rule fires when the count of matching requests in the window is greater than this. */
  readonly threshold: number;
  /** The window (aggregation granularity) the count covers, in minutes. */
  readonly windowMinutes: number;
  /** How often the rule runs, in minutes (never more than the window). */
  readonly frequencyMinutes: number;
  /** Alert severity, 0 (critical) .. 4 (verbose). */
  readonly severity: 0 | 1 | 2 | 3 | 4;
}
