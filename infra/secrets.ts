import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as inputs from "@pulumi/azure-native/types/input";
import { expiryAfterDays, now as clockNow } from "./clock";
import { ResolvedSecret } from "./secretSources";
import { SecretSpec } from "./secretSpec";
import { VaultChildTarget } from "./writeChain";

/** The ARM path of a secret's expiry; ignored after creation when computed from the clock. */
export const SECRET_EXPIRY_PATH = "properties.attributes.expires";

/** Arguments of `vaultSecrets`. */
export interface VaultSecretsArgs {
  /** The vault the secrets live in. */
  readonly vault: VaultChildTarget;
  /** The vault's secrets, resolved by the entry (`resolveSecretValues`), in spec order. */
  readonly secrets: readonly ResolvedSecret[];
  /** Tags for every secret; each spec's own tags are merged over them. Defaults to none. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The creation instant a relative expiry counts from. Defaults to the program clock. */
  readonly now?: Date;
}

/** The secrets of one vault and their versionless URIs, by secret name. */
export interface VaultSecrets {
  readonly secrets: Readonly<Record<string, keyvault.Secret>>;
  /** `https://<vault>.vault.azure.net/secrets/<name>`: what `@Microsoft.KeyVault(SecretUri=…)` takes. */
  readonly secretUris: Readonly<Record<string, pulumi.Output<string>>>;
}

/**
 * The ARM attributes of a secret created on `now`'s UTC day. Pure, so it is tested without mocks.
 * A relative expiry is counted from the start of the creation day, so every run on one day agrees.
 */
export function secretAttributes(
  spec: SecretSpec,
  now: Date,
): inputs.keyvault.SecretAttributesArgs {
  const expires =
    spec.expiresOn ??
    (spec.expiresInDays !== undefined ? expiryAfterDays(now, spec.expiresInDays) : undefined);
  return {
    enabled: spec.enabled,
    ...(expires !== undefined ? { expires } : {}),
    ...(spec.notBefore !== undefined ? { notBefore: spec.notBefore } : {}),
  };
}

/**
 * Creates one vault's secrets as children of `parent`: one `keyvault.Secret` per spec, each after
 * the vault's previous write (DESIGN.md contract 3). A value change is an in-place update (a new
 * Key Vault version under the same URN). A relative expiry is set at creation only: otherwise it
 * would move on every `pulumi up` because "now" moved. An explicit `expiresOn` is a plain input, so
 * changing it (for example with a rotation) updates the secret.
 */
export function vaultSecrets(
  name: string,
  args: VaultSecretsArgs,
  parent: pulumi.Resource,
): VaultSecrets {
  const now = args.now ?? clockNow();
  const secrets: Record<string, keyvault.Secret> = {};
  const secretUris: Record<string, pulumi.Output<string>> = {};
  for (const { spec, value } of args.secrets) {
    const secret = new keyvault.Secret(
      `${name}-${spec.name}`,
      {
        resourceGroupName: args.vault.resourceGroupName,
        vaultName: args.vault.vaultName,
        secretName: spec.name,
        properties: {
          value: pulumi.secret(value),
          contentType: spec.contentType,
          attributes: secretAttributes(spec, now),
        },
        tags: { ...args.tags, ...spec.tags },
      },
      {
        parent,
        dependsOn: args.vault.writes.next(),
        ignoreChanges: spec.expiresOn === undefined ? [SECRET_EXPIRY_PATH] : [],
        // Deleting a secret is a data-plane call in azure-native (custom_keyvault.go: "DELETE is
        // implemented via the KeyVault data plane API, because it isn't available via ARM"), which
        // a CI runner outside the vault's network cannot make. A secret removed from the config
        // leaves the stack and stays in the vault; disable it first (README, "Day 2").
        retainOnDelete: true,
      },
    );
    args.vault.writes.add(secret);
    secrets[spec.name] = secret;
    // `properties` carries the secret value as an input, so an engine may mark the whole output
    // secret; the URI taken from it is not, and exporting it is the point.
    secretUris[spec.name] = pulumi.unsecret(secret.properties.apply((p) => p.secretUri));
  }
  return { secrets, secretUris };
}
