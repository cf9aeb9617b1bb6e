import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as inputs from "@pulumi/azure-native/types/input";
import type { ResolvedKey } from "../model/types";
import { aliasesFor } from "./aliases";
import { VaultChildTarget } from "./writeChain";

/** What ARM sets on a key at creation only: everything but its identity (see `VaultKeys`). */
const KEY_IMMUTABLE_PATHS = ["properties", "tags"] as const;

const days = (n: number) => `P${n}D`;

/**
 * The ARM properties of a resolved key. Pure, so it is tested without mocks.
 *
 * Expiry has two parts in ARM. `attributes.expires` is the absolute expiry (seconds since the
 * epoch) of the first version, which the model computed from the run's day;
 * `rotationPolicy.attributes.expiryTime` is a duration that Key Vault applies to every version it
 * creates by rotation. Only creation uses the first: the key PUT is "create if not exist", and once
 * the policy rotates the key, Azure itself moves `expires` forward. `enabled` and `notBefore` are
 * creation-time too, for the same reason: a later change never reaches Azure (see `VaultKeys`).
 */
export function keyProperties(spec: ResolvedKey): inputs.keyvault.KeyPropertiesArgs {
  const rotateTrigger =
    spec.rotation.rotateAfterCreateDays !== undefined
      ? { timeAfterCreate: days(spec.rotation.rotateAfterCreateDays) }
      : { timeBeforeExpiry: days(spec.rotation.rotateBeforeExpiryDays ?? 0) };
  return {
    kty: spec.kty,
    ...(spec.size !== undefined ? { keySize: spec.size } : {}),
    ...(spec.curve !== undefined ? { curveName: spec.curve } : {}),
    keyOps: [...spec.ops],
    attributes: {
      enabled: spec.enabled !== false,
      expires: spec.expires,
      ...(spec.notBefore !== undefined ? { notBefore: spec.notBefore } : {}),
      ...(spec.exportable !== undefined ? { exportable: spec.exportable } : {}),
    },
    rotationPolicy: {
      attributes: { expiryTime: days(spec.expiresInDays) },
      lifetimeActions: [
        { action: { type: keyvault.KeyRotationPolicyActionType.Rotate }, trigger: rotateTrigger },
        {
          action: { type: keyvault.KeyRotationPolicyActionType.Notify },
          trigger: { timeBeforeExpiry: days(spec.rotation.notifyBeforeExpiryDays) },
        },
      ],
    },
    ...(spec.releasePolicy ? { releasePolicy: { ...spec.releasePolicy } } : {}),
  };
}

/** What a consumer reads about one key: its URIs and ARM ids, with and without the version. */
export interface KeyIds {
  /** `https://<vault>.vault.azure.net/keys/<name>`: follows rotation (CMK with auto-rotation). */
  readonly versionlessUri: pulumi.Output<string>;
  /**
   * `…/keys/<name>/<version>`: the version recorded in state at creation (or the last refresh);
   * what services that pin a customer-managed key version expect.
   */
  readonly versionedUri: pulumi.Output<string>;
  /** `/subscriptions/…/vaults/<vault>/keys/<name>`. */
  readonly resourceId: pulumi.Output<string>;
  /** `/subscriptions/…/vaults/<vault>/keys/<name>/versions/<version>`. */
  readonly versionedResourceId: pulumi.Output<string>;
}

/** A key's consumer-facing ids. The versioned ARM id is the key's id plus `/versions/<version>`. */
function keyIds(key: keyvault.Key): KeyIds {
  return {
    versionlessUri: key.keyUri,
    versionedUri: key.keyUriWithVersion,
    resourceId: key.id,
    versionedResourceId: pulumi
      .all([key.id, key.keyUriWithVersion])
      .apply(([id, uri]) => `${id}/versions/${uri.split("/").pop() ?? ""}`),
  };
}

/** Arguments of `VaultKeys`. */
export interface VaultKeysArgs {
  /** The vault the keys live in. */
  readonly vault: VaultChildTarget;
  /** The vault's resolved keys, in config order. */
  readonly keys: readonly ResolvedKey[];
}

/**
 * A vault's keys: one `keyvault.Key` per spec, serialized on the vault's write chain
 * (docs/architecture.md, contract 3), each with an expiry and a rotation policy that rotates and notifies before expiry.
 * Exposes the versionless key URIs, which is what a customer-managed-key consumer is configured
 * with so that it follows rotation.
 */
export class VaultKeys extends pulumi.ComponentResource {
  /** The keys by spec name. */
  public readonly keys: Readonly<Record<string, keyvault.Key>>;
  /** Versionless key URIs (`https://<vault>.vault.azure.net/keys/<name>`) by spec name. */
  public readonly keyUris: Readonly<Record<string, pulumi.Output<string>>>;
  /** Each key's URIs and ARM ids, with and without the version, by spec name. */
  public readonly keyIds: Readonly<Record<string, KeyIds>>;

  constructor(name: string, args: VaultKeysArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:keys:KeyVaultKeys", name, {}, opts);
    const keys: Record<string, keyvault.Key> = {};
    const keyUris: Record<string, pulumi.Output<string>> = {};
    const ids: Record<string, KeyIds> = {};
    for (const spec of args.keys) {
      const key = new keyvault.Key(
        spec.resource.name,
        {
          resourceGroupName: args.vault.resourceGroupName,
          vaultName: args.vault.vaultName,
          keyName: spec.name,
          properties: keyProperties(spec),
          tags: { ...spec.tags },
        },
        {
          parent: this,
          aliases: aliasesFor(spec.resource),
          dependsOn: args.vault.writes.next(),
          // ARM's key PUT "does not update existing keys" (Microsoft.KeyVault 2024-11-01 keys.json,
          // Keys_CreateIfNotExist); a PUT whose parameters differ from the existing key fails
          // (KeyCreationParametersDidNotMatchExistingKey, Azure/bicep#8283), and rotation moves
          // the expiry itself. So everything but the key's identity is set at creation only; the
          // change review flags a later change of these as `immutable` (README, "Day 2").
          ignoreChanges: [...KEY_IMMUTABLE_PATHS],
          // Deleting a key is a data-plane call in azure-native (custom_keyvault.go), which a CI
          // runner outside the vault's network cannot make: a key removed from the config leaves
          // the stack and stays in the vault (README, "Day 2").
          retainOnDelete: true,
        },
      );
      args.vault.writes.add(key);
      keys[spec.name] = key;
      keyUris[spec.name] = key.keyUri;
      ids[spec.name] = keyIds(key);
    }
    this.keys = keys;
    this.keyUris = keyUris;
    this.keyIds = ids;
    this.registerOutputs({ keyUris });
  }
}
