import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT, StackConfigDoc } from "./helpers";

/** The committed example stack that uses every input added for parity with the AVM modules. */
export const AVM_EXAMPLE = path.join(ROOT, "examples", "avm-parity", "Pulumi.avm.yaml");

/** The example stack's `config:` mapping, fresh for each call. */
export function avmConfig(): StackConfigDoc {
  return parse(fs.readFileSync(AVM_EXAMPLE, "utf8")).config as StackConfigDoc;
}
