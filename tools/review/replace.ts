import { TOKENS } from "../../infra/azure/tokens";
import { matchesPath } from "./paths";

/**
 * The input paths whose change makes `pulumi up` replace a resource instead of updating it, per
 * type the estate registers.
 *
 * azure-native decides this from metadata its code generator derives (pulumi/pulumi-azure-native,
 * provider/pkg/gen): every URL path parameter of the resource's PUT (`resourceGroupName`,
 * `vaultName`, `keyName`, `scope`, …) changes the resource's ARM id, so it forces a new resource;
 * a property the REST spec marks `"x-ms-mutability": ["create", "read"]` forces one
 * (gen/properties.go, `propChangeForcesRecreate`), which is how tracked resources' `location` is
 * marked (ARM's RPC rule LocationMustHaveXmsMutability); and a hand-kept list adds the rest
 * (gen/replacement.go, `forceNewMap`: RoleAssignment `principalId` and `scope`, PrivateEndpoint
 * `subnet`, ResourceGroup `location`, StorageAccount `isHnsEnabled` and `location`). The npm
 * package ships none of that metadata, so it is kept here, each entry citing where it comes from.
 * A nested path only forces a replacement when the spec marks that property itself; azure-native
 * never replaces a resource for a create-only property of a referenced type.
 */
interface ReplaceRule {
  readonly paths: readonly string[];
  /** Where the list comes from. */
  readonly source: string;
}

const PATH_PARAMS = "URL path parameters of the PUT (azure-native gen: path params force new)";
const LOCATION = "`location` is x-ms-mutability create/read (gen/properties.go)";

export const REPLACE_PROPERTIES: Readonly<Record<string, ReplaceRule>> = {
  [TOKENS.resourceGroup]: {
    paths: ["resourceGroupName", "location"],
    source: `${PATH_PARAMS}; location: gen/replacement.go forceNewMap`,
  },
  [TOKENS.vault]: {
    paths: ["resourceGroupName", "vaultName", "location"],
    source: `${PATH_PARAMS}; ${LOCATION} (Microsoft.KeyVault keyvault.json)`,
  },
  [TOKENS.managedHsm]: {
    paths: ["resourceGroupName", "name", "location"],
    source: `${PATH_PARAMS}; ${LOCATION} (Microsoft.KeyVault managedHsm.json, ManagedHsmResource)`,
  },
  [TOKENS.key]: {
    paths: ["resourceGroupName", "vaultName", "keyName"],
    source: PATH_PARAMS,
  },
  [TOKENS.secret]: {
    paths: ["resourceGroupName", "vaultName", "secretName"],
    source: PATH_PARAMS,
  },
  [TOKENS.roleAssignment]: {
    paths: ["scope", "roleAssignmentName", "principalId"],
    source: `${PATH_PARAMS}; principalId and scope: gen/replacement.go forceNewMap`,
  },
  [TOKENS.lock]: {
    paths: ["scope", "lockName"],
    source: PATH_PARAMS,
  },
  [TOKENS.diagnosticSetting]: {
    paths: ["resourceUri", "name"],
    source: PATH_PARAMS,
  },
  [TOKENS.privateEndpoint]: {
    paths: ["resourceGroupName", "privateEndpointName", "location", "subnet"],
    source: `${PATH_PARAMS}; ${LOCATION}; subnet: gen/replacement.go forceNewMap (pulumi-azure-native#3883)`,
  },
  [TOKENS.privateDnsZoneGroup]: {
    paths: ["resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName"],
    source: PATH_PARAMS,
  },
  [TOKENS.workspace]: {
    paths: ["resourceGroupName", "workspaceName", "location"],
    source: `${PATH_PARAMS}; ${LOCATION}`,
  },
  [TOKENS.storageAccount]: {
    paths: ["resourceGroupName", "accountName", "location", "isHnsEnabled"],
    source: `${PATH_PARAMS}; location and isHnsEnabled: gen/replacement.go forceNewMap`,
  },
  [TOKENS.storageManagementPolicy]: {
    paths: ["resourceGroupName", "accountName", "managementPolicyName"],
    source: PATH_PARAMS,
  },
  // @pulumi/random bridges terraform-provider-random, whose RandomString and RandomPassword mark
  // every argument RequiresReplace: any input change generates a new value.
  [TOKENS.randomString]: { paths: ["*"], source: "terraform-provider-random" },
  [TOKENS.randomPassword]: {
    paths: ["*"],
    source: "terraform-provider-random",
  },
};

/**
 * The changed paths that make `pulumi up` replace a resource of `type`: its force-new properties
 * and the resource's own `replaceOnChanges`. An unknown type replaces on nothing but those.
 */
export function replaceReasons(
  type: string,
  changedPaths: readonly string[],
  replaceOnChanges: readonly string[],
): string[] {
  const rules = [...(REPLACE_PROPERTIES[type]?.paths ?? []), ...replaceOnChanges];
  return changedPaths.filter((p) => rules.some((r) => r === "*" || matchesPath(p, r)));
}
