import { Baseline, Environment } from "./baseline";
import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";

export { Baseline, Environment, ENVIRONMENTS } from "./baseline";

export const BASELINES: Readonly<Record<Environment, Baseline>> = { dev, staging, prod };
