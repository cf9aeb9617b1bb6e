import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as inputs from "@pulumi/azure-native/types/input";
import { TOKENS } from "../azure/tokens";
import type { ResolvedSecret } from "../model/types";
import { aliasesFor } from "./aliases";
import { VaultChildTarget } from "./writeChain";

/** The ARM path of a secret's expiry; ignored after creation when it counts from the creation day. */
const SECRET_EXPIRY_PATH = "properties.attributes.expires";

/** Arguments of `VaultSecrets`. */
export interface VaultSecretsArgs {
  /** The vault the secrets live in. */
  readonly vault: VaultChildTarget;
  /** The vault's resolved secrets, in config order. */
  readonly secrets: readonly ResolvedSecret[];
  /**
   * The values the entry read for env and config sources, by secret name, each a Pulumi secret.
   * Generated secrets are not here: this component generates them.
   */
  readonly values: Readonly<Record<string, pulumi.Output<string>>>;
  /**
   * The vault component: generated values were registered under it before they had a component
   * of their own, at the stack root before that; their aliases name it.
   */
  readonly formerParent?: pulumi.Resource;
}

/** The ARM attributes of a resolved secret. Pure, so it is tested without mocks. */
export function secretAttributes(spec: ResolvedSecret): inputs.keyvault.SecretAttributesArgs {
  return {
    enabled: spec.enabled,
    ...(spec.expires !== undefined ? { expires: spec.expires } : {}),
    ...(spec.notBefore !== undefined ? { notBefore: spec.notBefore } : {}),
  };
}

/**
 * One vault's secrets: one `keyvault.Secret` per spec, each after the vault's previous write
 * (docs/architecture.md, contract 3). A value change is an in-place update (a new Key Vault version under the
 * same URN). A relative expiry is set at creation only: otherwise it would move on every
 * `pulumi up` because "now" moved. An explicit `expiresOn` is a plain input, so changing it (for
 * example with a rotation) updates the secret.
 */
export class VaultSecrets extends pulumi.ComponentResource {
  public readonly secrets: Readonly<Record<string, keyvault.Secret>>;
  /** `https://<vault>.vault.azure.net/secrets/<name>`: what `@Microsoft.KeyVault(SecretUri=…)` takes. */
  public readonly secretUris: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: VaultSecretsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("keyvault-estate:secrets:VaultSecrets", name, {}, opts);
    const secrets: Record<string, keyvault.Secret> = {};
    const secretUris: Record<string, pulumi.Output<string>> = {};
    for (const spec of args.secrets) {
      const value = this.valueOf(spec, args);
      const secret = new keyvault.Secret(
        spec.resource.name,
        {
          resourceGroupName: args.vault.resourceGroupName,
          vaultName: args.vault.vaultName,
          secretName: spec.name,
          properties: {
            value: pulumi.secret(value),
            contentType: spec.contentType,
            attributes: secretAttributes(spec),
          },
          tags: spec.tags,
        },
        {
          parent: this,
          // Secrets were children of the vault component before they had their own.
          aliases: aliasesFor(spec.resource, args.formerParent),
          dependsOn: args.vault.writes.next(),
          ignoreChanges: spec.expiresRelative ? [SECRET_EXPIRY_PATH] : [],
          // Deleting a secret is a data-plane call in azure-native (custom_keyvault.go: "DELETE is
          // implemented via the KeyVault data plane API, because it isn't available via ARM"),
          // which a CI runner outside the vault's network cannot make. A secret removed from the
          // config leaves the stack and stays in the vault; disable it first (README, "Day 2").
          retainOnDelete: true,
        },
      );
      args.vault.writes.add(secret);
      secrets[spec.name] = secret;
      // `properties` carries the secret value as an input, so an engine may mark the whole output
      // secret; the URI taken from it is not, and exporting it is the point.
      secretUris[spec.name] = pulumi.unsecret(secret.properties.apply((p) => p.secretUri));
    }
    this.secrets = secrets;
    this.secretUris = secretUris;
    this.registerOutputs({ secretUris });
  }

  private valueOf(spec: ResolvedSecret, args: VaultSecretsArgs): pulumi.Output<string> {
    if (spec.source.kind !== "generate") {
      const value = args.values[spec.name];
      if (!value) {
        // The entry resolves every env and config source of the model; reaching this is a bug.
        throw new Error(`${spec.path}: no value was resolved for secret ${spec.name}`);
      }
      return value;
    }
    const password = new random.RandomPassword(
      spec.password?.name ?? `${spec.resource.name}/value`,
      {
        length: spec.source.length,
        special: spec.source.special,
        ...(spec.source.version !== undefined ? { keepers: { version: spec.source.version } } : {}),
      },
      {
        parent: this,
        // It used to sit at the stack root: the alias keeps the generated value (a new
        // RandomPassword would generate, and deploy, a new one).
        aliases: spec.password?.formerly
          ? [pulumi.createUrn(spec.password.formerly, TOKENS.randomPassword)]
          : [],
      },
    );
    return pulumi.secret(password.result);
  }
}
