// Loaded by .mocharc.engine.json only: marks the run as the engine tier, so test/engine/*.spec.ts
// run there and stay pending when the default suite's glob (test/**/*.spec.ts) picks them up.
/* global process */
process.env.KVE_ENGINE_TIER = "1";
