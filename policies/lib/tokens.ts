/** The pack names resource types by the estate's one list of type tokens (infra/azure/tokens.ts). */
export { TOKENS } from "../../infra/azure/tokens";
