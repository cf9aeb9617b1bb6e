import type { EnforcementLevel, Severity } from "@pulumi/policy";
import { effectiveLevel, parsePolicyConfig } from "./lib/configValidation";
import { ENVIRONMENTS, loadPolicyConfig, type Environment } from "./lib/environments";
import { flattenControls, type EstatePolicy } from "./lib/policy";
import { policies } from "./pack";

export interface CatalogueEntry {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly levels: Readonly<Record<Environment, EnforcementLevel>>;
  readonly controls: {
    readonly azurePolicy: readonly string[];
    readonly checkov: readonly string[];
    readonly trivy: readonly string[];
    readonly cis: readonly string[];
  };
}

function catalogueEntry(
  policy: EstatePolicy,
  levels: Record<Environment, EnforcementLevel>,
): CatalogueEntry {
  const { azurePolicy, checkov, trivy, cis } = policy.controls;
  return {
    name: policy.name,
    description: policy.description,
    severity: policy.severity,
    levels,
    controls: { azurePolicy, checkov, trivy, cis },
  };
}

/** Every policy with its level in each environment's committed policy config. */
export function buildCatalogue(pack: readonly EstatePolicy[] = policies): CatalogueEntry[] {
  const configs = ENVIRONMENTS.map(
    (env) => [env, parsePolicyConfig(loadPolicyConfig(env), pack)] as const,
  );
  return pack.map((policy) => {
    const levels = Object.fromEntries(
      configs.map(([env, config]) => [env, effectiveLevel(policy, config)]),
    ) as Record<Environment, EnforcementLevel>;
    return catalogueEntry(policy, levels);
  });
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The README's table of policies. */
export function renderMarkdown(
  entries: readonly CatalogueEntry[],
  pack: readonly EstatePolicy[] = policies,
): string {
  const own = new Set(pack.filter((p) => p.controls.ownPolicy).map((p) => p.name));
  const lines = [
    "| Policy | What it checks | Severity | dev | staging | prod | Controls |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const e of entries) {
    const ids = flattenControls({ ...e.controls, ownPolicy: own.has(e.name) });
    const controls = ids.length > 0 ? ids.map((id) => `\`${id}\``).join(", ") : "own rule";
    lines.push(
      `| \`${e.name}\` | ${cell(e.description)} | ${e.severity} | ${e.levels.dev} | ${e.levels.staging} | ${e.levels.prod} | ${controls} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
