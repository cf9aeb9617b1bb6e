/** The Azure Policy what-if: an organisation's exported Azure Policy evaluated against the offline plan. */
export { AzurePolicyInputError } from "./load";
export {
  renderAzurePolicyBlockers,
  renderAzurePolicyConsole,
  renderAzurePolicyMarkdown,
} from "./render";
export { azurePolicyWhatIf, AzurePolicyReport } from "./whatIf";
