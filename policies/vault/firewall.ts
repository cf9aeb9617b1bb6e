import type * as keyvault from "@pulumi/azure-native/keyvault";
import { parseIpv4Range, rangeContains, rangesOverlap, type Ipv4Range } from "../lib/cidr";
import { configOf, controls, validateTyped, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";
import { sameText } from "../lib/values";

const ranges = {
  type: "array" as const,
  items: { type: "string" as const, pattern: "^\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?$" },
  default: [],
};
const configSchema = {
  properties: {
    allowIpRules: { type: "boolean" as const, default: true },
    allowedIpRanges: ranges,
    forbiddenIpRanges: ranges,
  },
};
interface FirewallConfig {
  allowIpRules: boolean;
  allowedIpRanges: string[];
  forbiddenIpRanges: string[];
}

function parseAll(texts: readonly string[]): Ipv4Range[] {
  return texts.map((t) => parseIpv4Range(t)).filter((r): r is Ipv4Range => r !== undefined);
}

export const vaultFirewall: EstateResourcePolicy = {
  name: "keyvault-vault-firewall",
  description:
    "Key vault firewalls deny by default, and any IP rule lies inside the allowed ranges and outside the forbidden ones.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set properties.networkAcls.defaultAction to "Deny" and keep properties.networkAcls.ipRules within the ranges the environment allows.',
  controls: controls({
    azurePolicy: ["55615ac9-af46-4a59-874e-391cc3dfb490"],
    checkov: ["CKV_AZURE_109"],
    trivy: ["AZU-0013"],
  }),
  configSchema,
  validateResource: validateTyped<keyvault.VaultArgs>(TOKENS.vault, (vault, args, report) => {
    const config = configOf<FirewallConfig>(args, configSchema);
    const acls = vault.properties?.networkAcls;
    const action = acls?.defaultAction ?? "Allow";
    if (!sameText(action, "Deny")) {
      report(
        `The firewall's default action is '${action}' (absent means Allow); it must be 'Deny'.`,
      );
    }
    const rules = (acls?.ipRules ?? []).map((r) => r.value);
    if (!config.allowIpRules && rules.length > 0) {
      report(`IP rules are not allowed in this environment: ${rules.join(", ")}.`);
      return;
    }
    const allowed = parseAll(config.allowedIpRanges);
    const forbidden = parseAll(config.forbiddenIpRanges);
    for (const rule of rules) {
      const range = parseIpv4Range(rule);
      if (range === undefined) {
        report(`IP rule '${rule}' is not an IPv4 address or CIDR range.`);
      } else if (allowed.length > 0 && !allowed.some((a) => rangeContains(a, range))) {
        report(
          `IP rule '${rule}' is outside the allowed ranges ${config.allowedIpRanges.join(", ")}.`,
        );
      } else if (forbidden.some((f) => rangesOverlap(f, range))) {
        report(
          `IP rule '${rule}' overlaps a forbidden range (${config.forbiddenIpRanges.join(", ")}).`,
        );
      }
    }
  }),
};
