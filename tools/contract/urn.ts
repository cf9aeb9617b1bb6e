/** The root stack's type: the engine leaves it out of its children's qualified types. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * A URN as the Pulumi engine builds it (`resource.NewURN`, sdk/go/common/resource/urn.go):
 * `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where the qualified type is the
 * parent's whole qualified type, `$`, then the resource's type, and the root stack adds nothing.
 * So a vault's URN names the whole chain (`…Estate$…KeyVault$azure-native:keyvault:Vault`): the
 * form state, `--target`, `pulumi state` and `pulumi import` take.
 */
export function engineUrn(
  stack: string,
  project: string,
  parentUrn: string | undefined,
  type: string,
  name: string,
): string {
  const parentType = parentUrn ? qualifiedType(parentUrn) : undefined;
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The qualified type of a URN: its third `::` part (names may contain `::`, types cannot). */
function qualifiedType(urn: string): string {
  return urn.split("::")[2] ?? "";
}
