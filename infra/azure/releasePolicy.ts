/**
 * Secure key release: the policy an exportable key is released under. Azure's grammar
 * (learn.microsoft.com/azure/key-vault/keys/policy-grammar) is a JSON document
 * `{ "version": "1.0.0", "anyOf": [ { "authority": "<attestation service URL>", "allOf" | "anyOf":
 * [ { "claim": "<name>", "equals": <value> }, … ] }, … ] }`: the key is released to anyone who
 * presents a token from one of the authorities whose claims satisfy that authority's conditions.
 * ARM takes the document base64url-encoded (`releasePolicy.data`). Decoded here once, for the
 * model, the policy pack and the review alike; never a key value, only the policy.
 */

/** A release policy, decoded: the authorities it trusts, or why it cannot be judged. */
export type DecodedReleasePolicy =
  | { readonly ok: true; readonly authorities: readonly string[] }
  | { readonly ok: false; readonly problem: string };

/** An authority URL as compared: lower case, without a trailing slash. */
function normalizeAuthority(url: string): string {
  return url.trim().toLowerCase().replace(/\/+$/, "");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Decodes `releasePolicy.data` and names every authority it trusts. */
export function decodeReleasePolicy(data: string): DecodedReleasePolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(data, "base64url").toString("utf8"));
  } catch {
    return { ok: false, problem: "does not decode to a JSON release policy (base64url of JSON)" };
  }
  if (!isRecord(doc) || !Array.isArray(doc.anyOf) || doc.anyOf.length === 0) {
    return {
      ok: false,
      problem: 'is not a release policy: it needs an "anyOf" list of authorities',
    };
  }
  const authorities: string[] = [];
  for (const [i, entry] of doc.anyOf.entries()) {
    const authority = isRecord(entry) ? entry.authority : undefined;
    if (typeof authority !== "string" || !/^https:\/\/[^\s/]+/i.test(authority)) {
      return {
        ok: false,
        problem: `anyOf[${i}] names no attestation authority (an https URL): it would trust any issuer`,
      };
    }
    const conditions = isRecord(entry) ? (entry.allOf ?? entry.anyOf) : undefined;
    if (!Array.isArray(conditions) || conditions.length === 0) {
      return {
        ok: false,
        problem: `anyOf[${i}] (${normalizeAuthority(authority)}) states no claim conditions: it would release the key to any environment that authority attests`,
      };
    }
    authorities.push(normalizeAuthority(authority));
  }
  return { ok: true, authorities: [...new Set(authorities)].sort() };
}

/** The policy that carries the exportable-key rule in the pack, and holds its settings. */
export const EXPORTABLE_KEY_POLICY = "keyvault-key-exportable";

/** The settings of the rule (the policy's config properties). */
export interface ExportableKeySettings {
  /** Reviewed exportable keys, by Pulumi name (`<vault>/keys/<key>`). */
  readonly allowedKeys: readonly string[];
  /** Reviewed attestation authorities (URLs) a release policy may trust. */
  readonly allowedAttestationAuthorities: readonly string[];
}

export function exportableKeySettings(
  properties: Readonly<Record<string, unknown>> | undefined,
): ExportableKeySettings {
  const p = properties ?? {};
  const list = (key: string): string[] =>
    Array.isArray(p[key])
      ? (p[key] as unknown[]).filter((x): x is string => typeof x === "string")
      : [];
  return {
    allowedKeys: list("allowedKeys"),
    allowedAttestationAuthorities: list("allowedAttestationAuthorities").map(normalizeAuthority),
  };
}

/**
 * Why an exportable key breaks the rule, or undefined: the key must be allow-listed, and its release
 * policy must decode and trust only allow-listed authorities.
 */
export function exportableKeyViolation(
  key: string,
  releasePolicyData: string | undefined,
  settings: ExportableKeySettings,
): string | undefined {
  const problems: string[] = [];
  if (!settings.allowedKeys.includes(key))
    problems.push(`the key is not allow-listed (allowedKeys)`);
  if (releasePolicyData === undefined) {
    problems.push("it has no release policy");
  } else {
    const decoded = decodeReleasePolicy(releasePolicyData);
    if (!decoded.ok) {
      problems.push(`its release policy ${decoded.problem}`);
    } else {
      const unlisted = decoded.authorities.filter(
        (a) => !settings.allowedAttestationAuthorities.includes(a),
      );
      if (unlisted.length > 0) {
        problems.push(
          `its release policy trusts attestation authorit${unlisted.length === 1 ? "y" : "ies"} not allow-listed (allowedAttestationAuthorities): ${unlisted.join(", ")}`,
        );
      }
    }
  }
  return problems.length === 0
    ? undefined
    : `Key ${key} is exportable (its private key can leave the HSM): ${problems.join("; ")}.`;
}
