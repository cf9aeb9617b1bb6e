import { PROJECT } from "./names";
import { editDistance } from "../lib/editDistance";

/**
 * Config keys in a namespace that looks like this project's but is not (`keyvault_estate:tenantId`,
 * `kv-estate:vaults`). Pulumi hands the program every namespace, and the program reads only its
 * own, so such a key would be ignored silently: `tenantId` would fall back to the deploying
 * identity's tenant. Other namespaces (`azure-native:`, `pulumi:`, `random:`) are never flagged.
 */

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
const OURS = squash(PROJECT); // "keyvaultestate"

/** Whether `namespace` reads as a misspelling of this project's namespace. */
function looksLikeProjectNamespace(namespace: string): boolean {
  if (namespace === PROJECT) return false;
  const s = squash(namespace);
  if (s.length === 0) return false;
  // Another spelling of the same letters, a typo or two, or an abbreviation of "key vault".
  return (
    s === OURS ||
    editDistance(s, OURS) <= 3 ||
    (/^(kv|keyvault|akv|vault)/.test(s) && /estat|estt|estae|etate/.test(s))
  );
}

/** `path: message` problems for every key in a look-alike namespace, each with a did-you-mean. */
export function namespaceTypos(
  keys: readonly string[],
): { readonly path: string; readonly message: string }[] {
  return keys.flatMap((fullKey) => {
    const colon = fullKey.indexOf(":");
    if (colon <= 0) return [];
    const ns = fullKey.slice(0, colon);
    if (!looksLikeProjectNamespace(ns)) return [];
    return [
      {
        path: fullKey,
        message: `"${ns}" is not this project's namespace, so the key would be ignored (did you mean "${PROJECT}:${fullKey.slice(colon + 1)}"?)`,
      },
    ];
  });
}
