import { z } from "zod";
import { Baseline } from "../../stacks";
import { OBJECT_NAME } from "./validation";

/**
 * Key specs: the `keys:` list of a vault in the stack config. The schema only checks each field's
 * shape, so a vault whose keys are well-typed always reaches `checkKeys`, which applies the tier,
 * the environment's baseline and Azure's limits, and reports every problem with its path.
 * `resolveKeySpec` turns a spec into the fully defaulted form `infra/keys.ts` maps to a Key.
 */

const KEY_TYPES = ["RSA", "EC"] as const;
const PROTECTIONS = ["hsm", "software"] as const;
/** RSA sizes Key Vault generates, in bits. */
export const RSA_SIZES = [2048, 3072, 4096] as const;
/** NIST curves Key Vault generates; P-256K (secp256k1) is accepted only when a spec names it. */
const EC_CURVES = ["P-256", "P-384", "P-521", "P-256K"] as const;
const ENCRYPTION_OPS = ["encrypt", "decrypt", "wrapKey", "unwrapKey"] as const;
const SIGNING_OPS = ["sign", "verify"] as const;
const KEY_OPS = [...ENCRYPTION_OPS, ...SIGNING_OPS, "import", "release"] as const;

/** Azure's limits on a key rotation policy (Key Vault "Configure key auto-rotation"). */
export const ROTATION_LIMITS = {
  /** The policy's `expiryTime` must be at least 28 days. */
  minExpiryDays: 28,
  /** A rotate trigger fires no sooner than 7 days after creation … */
  minDaysAfterCreate: 7,
  /** … and no later than 7 days before expiry; a notify trigger no later than 7 days before it. */
  minDaysBeforeExpiry: 7,
} as const;

/** Where the README explains why a Managed HSM's keys are created after activation. */
const MANAGED_HSM_RUNBOOK = 'README, "Managed HSM activation runbook"';

const isoInstant = (what: string) =>
  z.iso.datetime({
    offset: true,
    error: `must be an ISO 8601 date-time with a time zone (2027-01-31T00:00:00Z): ${what}`,
  });

const days = (what: string) =>
  z
    .number({ error: `must be a whole number of days (${what})` })
    .int({ error: `must be a whole number of days (${what})` });

/** A key spec as written in the stack config. */
export const keySpecSchema = z.strictObject({
  name: z.string().regex(OBJECT_NAME, { error: "must be 1-127 letters, digits and hyphens" }),
  type: z.enum(KEY_TYPES, { error: 'must be "RSA" or "EC"' }),
  /** Defaults to `hsm` in premium vaults and `software` in standard vaults. */
  protection: z.enum(PROTECTIONS, { error: 'must be "hsm" or "software"' }).optional(),
  /** RSA only. Defaults to 3072, or the baseline's minimum if larger. */
  size: z
    .number({ error: "must be a number of bits" })
    .int({ error: "must be a number of bits" })
    .optional(),
  /** EC only. Defaults to P-256. */
  curve: z.string({ error: "must be a curve name such as P-384" }).optional(),
  /** Defaults to wrapKey/unwrapKey for RSA keys and sign/verify for EC keys. */
  ops: z.array(z.enum(KEY_OPS, { error: `must be one of ${KEY_OPS.join(", ")}` })).optional(),
  /** Lifetime of each key version. Defaults to the baseline's `defaultExpiresInDays`. */
  expiresInDays: days("the lifetime of each key version").optional(),
  /**
   * The first version's absolute expiry, instead of `expiresInDays` (rotated versions then live the
   * baseline's default lifetime). Set at creation only.
   */
  expiresOn: isoInstant("the instant the key's first version expires").optional(),
  /** The key cannot be used before this instant. Set at creation only. */
  notBefore: isoInstant("the instant the key becomes usable").optional(),
  /** Defaults to true. Set at creation only: ARM's key PUT never updates an existing key. */
  enabled: z.boolean({ error: "must be true or false" }).optional(),
  /** Tags on the key, merged over the vault's. Key Vault allows 15 per key. Set at creation only. */
  tags: z
    .record(z.string().min(1).max(512), z.string().max(256))
    .refine((t) => Object.keys(t).length <= 15, { error: "Key Vault allows at most 15 tags" })
    .optional(),
  rotation: z
    .strictObject({
      /** Rotate this many days before expiry. Defaults to the baseline's value. */
      rotateBeforeExpiryDays: days("before expiry").optional(),
      /** Rotate this many days after creation (instead of before expiry). */
      rotateAfterCreateDays: days("after creation").optional(),
      /** Notify (Event Grid `KeyNearExpiry`) this many days before expiry. Defaults to the baseline's value. */
      notifyBeforeExpiryDays: days("before expiry").optional(),
    })
    .optional(),
  /** Secure key release only: the private key may leave the HSM under `releasePolicy`. */
  exportable: z.boolean({ error: "must be true or false" }).optional(),
  releasePolicy: z
    .strictObject({
      /** Defaults to Azure's `application/json; charset=utf-8`. */
      contentType: z.string().min(1).max(255).optional(),
      /** The release policy document, base64url-encoded as ARM expects it. */
      data: z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, { error: "must be base64url text" }),
    })
    .optional(),
});

export type KeySpecInput = z.output<typeof keySpecSchema>;
export type VaultTier = "standard" | "premium" | "managedHsm";
export type KeyType = (typeof KEY_TYPES)[number];
export type Protection = (typeof PROTECTIONS)[number];
/** Azure's JSON Web Key type: the key type, `-HSM` when HSM-protected. */
export type Kty = "RSA" | "RSA-HSM" | "EC" | "EC-HSM";

/** A key spec with every default applied: what `infra/keys.ts` turns into a `keyvault.Key`. */
export interface KeySpec {
  readonly name: string;
  readonly type: KeyType;
  readonly protection: Protection;
  readonly kty: Kty;
  /** RSA only. */
  readonly size?: number;
  /** EC only. */
  readonly curve?: string;
  readonly ops: readonly string[];
  /** Lifetime of each version the rotation policy creates (and of the first, unless `expiresOn`). */
  readonly expiresInDays: number;
  readonly rotation: {
    /** Exactly one of `rotateBeforeExpiryDays` and `rotateAfterCreateDays` is set. */
    readonly rotateBeforeExpiryDays?: number;
    readonly rotateAfterCreateDays?: number;
    readonly notifyBeforeExpiryDays: number;
  };
  /** Set only when the spec asks for it. */
  readonly exportable?: boolean;
  readonly releasePolicy?: { readonly contentType?: string; readonly data: string };
}

export function kty(type: KeyType, protection: Protection): Kty {
  return protection === "hsm" ? `${type}-HSM` : type;
}

/** The protection a tier gives a key that does not name one. */
function defaultProtection(tier: VaultTier): Protection {
  return tier === "standard" ? "software" : "hsm";
}

/** Applies the tier's and the baseline's defaults to a key spec. Does not validate. */
export function resolveKeySpec(k: KeySpecInput, tier: VaultTier, b: Baseline): KeySpec {
  const protection = k.protection ?? defaultProtection(tier);
  const r = k.rotation ?? {};
  const rotate =
    r.rotateAfterCreateDays !== undefined && r.rotateBeforeExpiryDays === undefined
      ? { rotateAfterCreateDays: r.rotateAfterCreateDays }
      : { rotateBeforeExpiryDays: r.rotateBeforeExpiryDays ?? b.keys.rotateBeforeExpiryDays };
  return {
    name: k.name,
    type: k.type,
    protection,
    kty: kty(k.type, protection),
    ...(k.type === "RSA"
      ? { size: k.size ?? Math.max(3072, b.keys.minRsaSize) }
      : { curve: k.curve ?? "P-256" }),
    ops: k.ops ?? (k.type === "RSA" ? ["wrapKey", "unwrapKey"] : ["sign", "verify"]),
    expiresInDays: k.expiresInDays ?? b.keys.defaultExpiresInDays,
    rotation: {
      ...rotate,
      notifyBeforeExpiryDays: r.notifyBeforeExpiryDays ?? b.keys.notifyBeforeExpiryDays,
    },
    ...(k.exportable !== undefined ? { exportable: k.exportable } : {}),
    ...(k.releasePolicy ? { releasePolicy: k.releasePolicy } : {}),
  };
}

const list = (xs: readonly (string | number)[]) =>
  `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;

/**
 * Tier, baseline and Azure checks for a vault's keys. Reports every problem through `ctx`, each at
 * `keys[<i>].<field>` relative to the vault (so the final path reads `vaults[0].keys[1].size`).
 */
export function checkKeys(
  keys: readonly KeySpecInput[],
  tier: VaultTier | string,
  b: Baseline,
  ctx: z.RefinementCtx,
): void {
  if (tier === "managedHsm") {
    if (keys.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["keys"],
        message: `keys in a Managed HSM are data-plane objects that ARM cannot create, and the pool holds none until it is activated; remove this list and create them after activation (${MANAGED_HSM_RUNBOOK})`,
      });
    }
    return;
  }
  keys.forEach((k, i) => {
    const issue = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: "custom", path: ["keys", i, ...path], message });
    checkKey(k, resolveKeySpec(k, tier as VaultTier, b), tier as VaultTier, b, issue);
  });
}

type Issue = (path: PropertyKey[], message: string) => void;

function checkKey(k: KeySpecInput, s: KeySpec, tier: VaultTier, b: Baseline, issue: Issue): void {
  const env = b.environment;
  if (tier === "standard" && s.protection === "hsm") {
    issue(
      ["protection"],
      'a standard vault holds software-protected keys only; use tier "premium" for HSM-protected keys',
    );
  }
  if (tier === "premium" && s.protection === "software" && !b.keys.allowSoftwareKeysInPremium) {
    issue(["protection"], `software-protected keys are not allowed in ${env}; use "hsm"`);
  }

  if (s.type === "RSA") {
    if (k.curve !== undefined) {
      issue(["curve"], "applies to EC keys only (an RSA key's strength is its size)");
    }
    const size = s.size ?? 0;
    if (!(RSA_SIZES as readonly number[]).includes(size)) {
      issue(["size"], `${s.kty} keys must be ${list(RSA_SIZES)} bits`);
    } else if (size < b.keys.minRsaSize) {
      issue(["size"], `must be at least ${b.keys.minRsaSize} bits in ${env}`);
    }
  } else {
    if (k.size !== undefined) {
      issue(["size"], "applies to RSA keys only (an EC key's strength is its curve)");
    }
    if (!(EC_CURVES as readonly string[]).includes(s.curve ?? "")) {
      issue(
        ["curve"],
        `${s.kty} keys must use curve ${list(EC_CURVES.slice(0, 3))} (or P-256K, secp256k1, if named explicitly)`,
      );
    }
  }

  checkOps(s, issue);
  checkLifetime(k, s, b, issue);

  if (s.exportable && s.protection !== "hsm") {
    issue(["exportable"], "only HSM-protected keys can be exportable (secure key release)");
  }
  if (s.exportable && !s.releasePolicy) {
    issue(
      ["releasePolicy"],
      "is required when exportable is true (Azure releases keys only under a policy)",
    );
  }
  if (s.releasePolicy && !s.exportable) {
    issue(["exportable"], "must be true when a releasePolicy is set");
  }
}

function checkOps(s: KeySpec, issue: Issue): void {
  if (s.ops.length === 0) {
    issue(["ops"], "must list at least one operation");
    return;
  }
  const seen = new Set<string>();
  s.ops.forEach((op, j) => {
    if (seen.has(op)) issue(["ops", j], `duplicate operation "${op}"`);
    seen.add(op);
    if (op === "import") {
      issue(["ops", j], '"import" is not an operation on a generated key; remove it');
    } else if (op === "release" && !s.exportable) {
      issue(["ops", j], '"release" needs exportable: true and a releasePolicy');
    } else if (s.type === "EC" && (ENCRYPTION_OPS as readonly string[]).includes(op)) {
      issue(["ops", j], `"${op}" is not possible with an EC key (EC keys sign and verify)`);
    }
  });
  const encrypts = s.ops.some((op) => (ENCRYPTION_OPS as readonly string[]).includes(op));
  const signs = s.ops.some((op) => (SIGNING_OPS as readonly string[]).includes(op));
  // (An EC key's encryption operations are already reported one by one above.)
  if (encrypts && signs && s.type === "RSA") {
    issue(
      ["ops"],
      `a key either encrypts (${ENCRYPTION_OPS.join(", ")}) or signs (${SIGNING_OPS.join(", ")}), not both: use two keys`,
    );
  }
}

function checkLifetime(k: KeySpecInput, s: KeySpec, b: Baseline, issue: Issue): void {
  const { minExpiryDays, minDaysBeforeExpiry } = ROTATION_LIMITS;
  const env = b.environment;
  const e = s.expiresInDays;
  if (k.expiresOn !== undefined && k.expiresInDays !== undefined) {
    issue(
      ["expiresOn"],
      "set either expiresInDays or expiresOn, not both (with expiresOn, rotated versions live the baseline's default lifetime)",
    );
  }
  if (
    k.notBefore !== undefined &&
    k.expiresOn !== undefined &&
    Date.parse(k.notBefore) >= Date.parse(k.expiresOn)
  ) {
    issue(["notBefore"], "must be before expiresOn");
  }
  if (e > b.keys.maxExpiresInDays) {
    issue(["expiresInDays"], `must be at most ${b.keys.maxExpiresInDays} days in ${env}`);
  }
  if (e < minExpiryDays) {
    issue(
      ["expiresInDays"],
      `must be at least ${minExpiryDays} days (Azure's minimum expiry time of a rotation policy)`,
    );
    return; // the rotation checks below would only restate this
  }

  const r = k.rotation ?? {};
  // A value the spec did not set came from the baseline: say so, so the fix is clear.
  const from = (set: number | undefined) => (set === undefined ? ` (the ${env} default)` : "");
  if (r.rotateBeforeExpiryDays !== undefined && r.rotateAfterCreateDays !== undefined) {
    issue(["rotation"], "set rotateBeforeExpiryDays or rotateAfterCreateDays, not both");
    return;
  }
  const problem = rotationProblem(s, from(r.rotateBeforeExpiryDays));
  if (problem) issue(problem.path, problem.message);
  // The day after creation on which the key rotates.
  const rotatesOn =
    s.rotation.rotateAfterCreateDays ?? e - (s.rotation.rotateBeforeExpiryDays ?? 0);

  const n = s.rotation.notifyBeforeExpiryDays;
  const notifyPath = ["rotation", "notifyBeforeExpiryDays"];
  if (n < minDaysBeforeExpiry) {
    issue(
      notifyPath,
      `notifies too late: must be at least ${minDaysBeforeExpiry} days before expiry${from(r.notifyBeforeExpiryDays)}`,
    );
  } else if (n >= e) {
    issue(notifyPath, `must be less than expiresInDays (${e})${from(r.notifyBeforeExpiryDays)}`);
  } else if (!problem && e - n <= rotatesOn) {
    // The notification is the alarm for a rotation that did not happen; firing it before the
    // scheduled rotation would alert on every healthy key version.
    const window = e - rotatesOn; // days between the rotation and expiry
    if (window <= minDaysBeforeExpiry) {
      // No notify day fits (at least 7 before expiry, after the rotation): rotate earlier instead.
      const after = s.rotation.rotateAfterCreateDays !== undefined;
      issue(
        ["rotation", after ? "rotateAfterCreateDays" : "rotateBeforeExpiryDays"],
        after
          ? `must be at most ${e - minDaysBeforeExpiry - 1}, so the near-expiry notification (at least ${minDaysBeforeExpiry} days before expiry) can fire after the rotation`
          : `must be at least ${minDaysBeforeExpiry + 1}${from(r.rotateBeforeExpiryDays)}, so the near-expiry notification (at least ${minDaysBeforeExpiry} days before expiry) can fire after the rotation`,
      );
    } else {
      issue(
        notifyPath,
        `must be fewer than ${window} days${from(r.notifyBeforeExpiryDays)}, so the near-expiry notification fires only after the scheduled rotation (day ${rotatesOn}) has failed`,
      );
    }
  }
}

/** Azure's limits on when the rotate action fires, relative to creation and expiry. */
function rotationProblem(
  s: KeySpec,
  defaulted: string,
): { path: PropertyKey[]; message: string } | undefined {
  const { minDaysAfterCreate, minDaysBeforeExpiry } = ROTATION_LIMITS;
  const e = s.expiresInDays;
  const a = s.rotation.rotateAfterCreateDays;
  if (a !== undefined) {
    const path = ["rotation", "rotateAfterCreateDays"];
    if (a >= e) {
      return {
        path,
        message: `rotates at or after the key expires: must be less than expiresInDays (${e}), by at least ${minDaysBeforeExpiry} days`,
      };
    }
    if (a > e - minDaysBeforeExpiry) {
      return {
        path,
        message: `must be at most ${e - minDaysBeforeExpiry}: Azure rotates no later than ${minDaysBeforeExpiry} days before expiry`,
      };
    }
    if (a < minDaysAfterCreate) {
      return {
        path,
        message: `must be at least ${minDaysAfterCreate} (Azure's minimum time after creation)`,
      };
    }
    return undefined;
  }
  const before = s.rotation.rotateBeforeExpiryDays ?? 0;
  const path = ["rotation", "rotateBeforeExpiryDays"];
  if (before < minDaysBeforeExpiry) {
    return {
      path,
      message: `must be at least ${minDaysBeforeExpiry}${defaulted}: Azure rotates no later than ${minDaysBeforeExpiry} days before expiry`,
    };
  }
  if (before >= e) {
    return {
      path,
      message: `is ${before}${defaulted}, so the key would rotate at or before its creation: must be less than expiresInDays (${e})`,
    };
  }
  if (e - before < minDaysAfterCreate) {
    return {
      path,
      message: `must be at most ${e - minDaysAfterCreate}${defaulted}: Azure rotates no sooner than ${minDaysAfterCreate} days after creation`,
    };
  }
  return undefined;
}
