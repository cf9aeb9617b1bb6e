import type { ResourceValidationArgs } from "@pulumi/policy";
import { parseIpv4Range, type Ipv4Range } from "../lib/cidr";
import { configOf, OWN_POLICY, type EstateResourcePolicy } from "../lib/policy";
import { TOKENS } from "../lib/tokens";

const configSchema = {
  properties: {
    /** The broadest single rule allowed, as a prefix length (24 allows /24 and narrower). */
    minimumPrefixLength: { type: "integer" as const, minimum: 8, maximum: 32, default: 24 },
    /** The most IPv4 addresses all of a store's rules may open together. */
    maximumTotalAddresses: { type: "integer" as const, minimum: 1, default: 1024 },
  },
};
interface BreadthConfig {
  minimumPrefixLength: number;
  maximumTotalAddresses: number;
}

/** The number of addresses the union of the ranges covers (overlaps counted once). */
function coveredAddresses(ranges: readonly Ipv4Range[]): number {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  let total = 0;
  let end = -1;
  for (const r of sorted) {
    if (r.last <= end) continue;
    total += r.last - Math.max(r.first, end + 1) + 1;
    end = r.last;
  }
  return total;
}

function validate(args: ResourceValidationArgs, report: (message: string) => void): void {
  if (args.type !== TOKENS.vault && args.type !== TOKENS.managedHsm) {
    args.notApplicable("Policy only applies to vaults and Managed HSM pools.");
  }
  const config = configOf<BreadthConfig>(args, configSchema);
  const acls = (args.props.properties as { networkAcls?: { ipRules?: { value?: unknown }[] } })
    ?.networkAcls;
  const rules = (acls?.ipRules ?? []).map((r) => String(r.value));
  const ranges: Ipv4Range[] = [];
  for (const rule of rules) {
    const range = parseIpv4Range(rule);
    if (range === undefined) {
      report(`IP rule '${rule}' is not an IPv4 address or CIDR range.`);
      continue;
    }
    ranges.push(range);
    const prefix = 32 - Math.log2(range.last - range.first + 1);
    if (prefix < config.minimumPrefixLength) {
      report(
        `IP rule '${rule}' opens ${range.last - range.first + 1} addresses; the broadest rule allowed is a /${config.minimumPrefixLength}.`,
      );
    }
  }
  const total = coveredAddresses(ranges);
  if (total > config.maximumTotalAddresses) {
    report(
      `The ${rules.length} IP rules open ${total} addresses together; at most ${config.maximumTotalAddresses} are allowed.`,
    );
  }
}

export const vaultIpRuleBreadth: EstateResourcePolicy = {
  name: "keyvault-vault-ip-rule-breadth",
  description:
    "A vault's or Managed HSM's IP rules open no range broader than the configured prefix, and no more addresses in total than configured.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Narrow the IP rules (a /32 per runner or office egress address), or reach the vault through a private endpoint.",
  controls: OWN_POLICY,
  configSchema,
  validateResource: validate,
};
