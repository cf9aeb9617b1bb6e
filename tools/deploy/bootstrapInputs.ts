import * as fs from "fs";
import * as path from "path";
import { ROLES } from "../../infra/azure/roles";
import { TOKENS } from "../../infra/azure/tokens";
import { REPO_ROOT } from "../contract/repo";
import { planStack } from "../plan/cli";
import type { PlanReport, ReportResource } from "../contract/plan";

/**
 * Generates `scripts/bootstrap.inputs.sh`, the facts `scripts/bootstrap.sh` needs from the project:
 * the Key Vault roles the deploy identity may assign (from the role catalogue), and per committed
 * stack the estate's resource group, its location and tags, the resources outside that group the
 * program links to (subnets, private DNS zones), and the `pulumi import` file that adopts the
 * group the bootstrap creates. `test/bootstrap.spec.ts` fails when the committed file is stale.
 *
 *   npm run bootstrap:inputs            rewrite scripts/bootstrap.inputs.sh
 *   npm run bootstrap:inputs -- --check exit 1 when it is stale
 */

export const STACKS = ["dev", "staging", "prod"] as const;
export type Stack = (typeof STACKS)[number];

export const INPUTS_FILE = path.join("scripts", "bootstrap.inputs.sh");

/** The fields of a catalogue role this tool reads (infra's `CatalogueRole`). */
export interface CatalogueRoleFacts {
  readonly name: string;
  readonly id: string;
  readonly plane: "data" | "control";
  readonly privileged: boolean;
}

/**
 * The roles the deploy identity may assign: the catalogue's Key Vault and Managed HSM roles, less
 * any control-plane role that grants access itself (Key Vault Data Access Administrator can assign
 * Key Vault Administrator to anyone, so allowing it would let the deploy identity delegate its own
 * power). General roles (Owner, Contributor, Reader, the access administrators) are never included.
 */
export function assignableRoles(catalogue: readonly CatalogueRoleFacts[]): CatalogueRoleFacts[] {
  return catalogue
    .filter((r) => /^(Key Vault|Managed HSM) /.test(r.name))
    .filter((r) => !(r.plane === "control" && r.privileged))
    .slice()
    .sort((a, b) => a.id.localeCompare(b.id));
}

export interface StackFacts {
  readonly stack: Stack;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /** ARM ids outside the estate's group the deploy identity must join (subnets, DNS zones). */
  readonly joinScopes: readonly string[];
  /** A `pulumi import --file` document adopting the pre-created resource group, parent and all. */
  readonly importFile: string;
}

const RESOURCE_GROUP_TYPE: string = TOKENS.resourceGroup;
/** ARM resource types the deploy identity only links to; each needs the network-join role there. */
const JOINABLE = [
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i,
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+$/i,
];
const ROLE_DEFINITION =
  /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\/roleDefinitions\//i;

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` → the last type of the chain and the name. */
function urnParts(urn: string): { typeChain: string[]; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4) throw new Error(`not a URN: ${urn}`);
  return { typeChain: parts[2].split("$"), name: parts.slice(3).join("::") };
}

function armIds(value: unknown, out: Set<string>): void {
  if (typeof value === "string") {
    if (value.startsWith("/subscriptions/")) out.add(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => armIds(v, out));
  } else if (value && typeof value === "object") {
    Object.values(value).forEach((v) => armIds(v, out));
  }
}

/** The bootstrap's facts about one stack, read from its offline plan. */
export function stackFacts(stack: Stack, report: PlanReport): StackFacts {
  const groups = report.resources.filter((r) => r.type === RESOURCE_GROUP_TYPE);
  if (groups.length !== 1) {
    throw new Error(`${stack}: expected one ${RESOURCE_GROUP_TYPE}, found ${groups.length}`);
  }
  const group = groups[0];
  const resourceGroup = String(group.inputs.resourceGroupName);
  const location = String(group.inputs.location);
  const tags = (group.inputs.tags ?? {}) as Record<string, string>;

  const inside = `/resourcegroups/${resourceGroup.toLowerCase()}/`;
  const found = new Set<string>();
  report.resources.forEach((r: ReportResource) => armIds(r.inputs, found));
  const external = [...found].filter(
    (id) => !id.toLowerCase().includes(inside) && !ROLE_DEFINITION.test(id),
  );
  const unknown = external.filter((id) => !JOINABLE.some((re) => re.test(id)));
  if (unknown.length > 0) {
    // A new kind of linked resource needs a deliberate role choice in scripts/bootstrap.sh.
    throw new Error(
      `${stack}: the program links to resources outside ${resourceGroup} that the bootstrap ` +
        `grants nothing on: ${unknown.join(", ")}`,
    );
  }

  return {
    stack,
    resourceGroup,
    location,
    tags,
    joinScopes: external.sort(),
    importFile: JSON.stringify(importDocument(group)),
  };
}

/**
 * `pulumi import --file` creates the group's parent component in the state as an empty component
 * and imports the group under it (pulumi/pulumi#14467 and #14524, Pulumi CLI 3.94), so the
 * program's next `pulumi up` finds the group at its own URN and updates it instead of refusing to
 * create a group that already exists. The id is filled in by the bootstrap.
 */
function importDocument(group: ReportResource): object {
  const { name } = urnParts(group.urn);
  if (!group.parent) throw new Error(`${group.urn} has no parent component`);
  const parent = urnParts(group.parent);
  // The parent's URN names its own parents (a top-level resource's chain may or may not show the
  // stack root): only a component directly under the stack is supported.
  const chain = parent.typeChain.filter((t) => t !== "pulumi:pulumi:Stack");
  if (chain.length !== 1) {
    throw new Error(`the resource group's parent is not a top-level component: ${group.parent}`);
  }
  return {
    resources: [
      { type: chain[0], name: parent.name, component: true },
      { type: group.type, name, id: "__RESOURCE_GROUP_ID__", parent: parent.name },
    ],
  };
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function shellArray(values: readonly string[]): string {
  return values.length === 0 ? "()" : `(\n${values.map((v) => `  ${shellWord(v)}`).join("\n")}\n)`;
}

/** The generated file's text: shell assignments `scripts/bootstrap.sh` sources. */
export function renderInputs(
  catalogue: readonly CatalogueRoleFacts[],
  facts: readonly StackFacts[],
): string {
  const roles = assignableRoles(catalogue);
  const lines = [
    "# Generated by `npm run bootstrap:inputs` from the role catalogue and the committed stacks'",
    "# offline plans. Do not edit: test/bootstrap.spec.ts fails when this file is stale.",
    "# shellcheck shell=bash disable=SC2034",
    "",
    "# Key Vault roles the deploy identity may assign (the ABAC condition on its role-assignment",
    "# rights); one GUID per line, each followed by its catalogue name.",
    "KV_ESTATE_ASSIGNABLE_ROLES=(",
    ...roles.map((r) => `  ${r.id} # ${r.name}`),
    ")",
    "",
    `KV_ESTATE_STACKS=(${facts.map((f) => f.stack).join(" ")})`,
  ];
  for (const f of facts) {
    const tags = Object.keys(f.tags)
      .sort()
      .map((k) => `${k}=${f.tags[k]}`);
    lines.push(
      "",
      `# ${f.stack}`,
      `KV_ESTATE_RG_${f.stack}=${shellWord(f.resourceGroup)}`,
      `KV_ESTATE_LOCATION_${f.stack}=${shellWord(f.location)}`,
      `KV_ESTATE_TAGS_${f.stack}=${shellArray(tags)}`,
      `KV_ESTATE_JOIN_SCOPES_${f.stack}=${shellArray(f.joinScopes)}`,
      `KV_ESTATE_IMPORT_${f.stack}=${shellWord(f.importFile)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Plans every committed stack and renders the file (the day is fixed: nothing here is dated). */
export async function generate(root: string): Promise<string> {
  const catalogue = ROLES;
  const facts: StackFacts[] = [];
  for (const stack of STACKS) {
    const report = await planStack({ stack, root, env: {}, now: new Date("2026-01-01") });
    facts.push(stackFacts(stack, report));
  }
  return renderInputs(catalogue, facts);
}

async function main(argv: readonly string[]): Promise<number> {
  const root = REPO_ROOT;
  const file = path.join(root, INPUTS_FILE);
  const text = await generate(root);
  if (argv.includes("--check")) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current !== text) {
      process.stderr.write(`error: ${INPUTS_FILE} is stale; run npm run bootstrap:inputs\n`);
      return 1;
    }
    return 0;
  }
  fs.writeFileSync(file, text);
  process.stdout.write(`wrote ${INPUTS_FILE}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
