// Registers TypeScript for mocha and the tools: ts-node with SWC, which only strips types (the type
// check is `npm run build`). TypeScript's own transpiler took ~4 s of every test run's start-up.
// `pulumi up` does not use this file: the Pulumi CLI runs the program with its own ts-node set-up.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("ts-node").register({ swc: true });
