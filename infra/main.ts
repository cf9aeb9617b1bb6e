import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { parseStackConfig } from "./config";
import { Estate } from "./estate";

/**
 * The program: read the stack config, validate it whole (nothing is registered if any field is
 * wrong), build the estate and return the stack outputs. The only place that reads config.
 */
export function main() {
  const config = parseStackConfig(pulumi.runtime.allConfig());
  const tenantId =
    config.tenantId ?? authorization.getClientConfigOutput().apply((c) => c.tenantId);
  const estate = new Estate("estate", { config, tenantId });
  return estate.outputs();
}
