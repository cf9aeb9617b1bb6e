// Entry point for `pulumi up` / `pulumi preview` (Pulumi.yaml `main`). The offline plan calls the
// same `main`, so both run one program.
import { main } from "./main";

export = main;
