import { PolicyPack } from "@pulumi/policy";
import { policies } from "./pack";

// Constructing a PolicyPack starts the analyzer's gRPC server, so nothing may import this module:
// tests and the offline plan import ./pack instead.
new PolicyPack("keyvault-estate", { policies: [...policies] });
