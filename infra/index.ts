// Entry point for `pulumi up` / `pulumi preview` (Pulumi.yaml `main`). The offline plan runs the
// same program (`estateProgram` in ./program) on the inputs it read, vault by vault.
import { main } from "./main";

export = main;
