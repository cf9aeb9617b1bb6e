// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/**
 * The layering (docs/architecture.md, "Rooms"): which folder may import which. Each zone says
 * "code in `target` must not import from `from`, except `except`" (import-x/no-restricted-paths).
 * Data flows one way, so each room lists what lies above it.
 */
const everythingBut = (target, allowed, message) => ({
  target,
  from: ".",
  // Packages are not rooms: the zones govern the project's own files.
  except: [...allowed, "./node_modules"],
  message,
});

const LAYERS = [
  // The program: the Azure facts know nothing else; the model reads the facts, the baselines and
  // the pack's per-environment config (the one home of each threshold); components take the
  // resolved model's types and names only, never the schema, the baselines or zod.
  everythingBut("./infra/lib", ["./infra/lib"], "Plain utilities import nothing of the project."),
  everythingBut("./infra/azure", ["./infra/azure", "./infra/lib"], "Azure facts are data."),
  everythingBut(
    "./infra/model",
    ["./infra/model", "./infra/azure", "./infra/lib", "./stacks", "./policies/config"],
    "The model reads the Azure facts, the baselines and the pack's config only.",
  ),
  everythingBut(
    "./infra/components",
    [
      "./infra/components",
      "./infra/azure",
      "./infra/lib",
      "./infra/model/types.ts",
      "./infra/model/names.ts",
    ],
    "Components build from the resolved model's types and names only (Resolve once, build dumb).",
  ),
  everythingBut(
    "./infra/*.ts",
    ["./infra", "./stacks"],
    "The entry builds the program; no tool or test code reaches it.",
  ),
  everythingBut(
    "./stacks",
    ["./stacks", "./policies/config"],
    "Baselines read the pack's config only.",
  ),
  everythingBut(
    "./policies",
    ["./policies", "./infra/azure", "./stacks"],
    "The pack reads the Azure facts and the baselines; it never imports the program or the tools.",
  ),
  // The tools, bottom to top: contract and azure-policy stand alone; review reads the contract;
  // plan builds on them; deploy, docs, bench and lint sit on top.
  everythingBut(
    "./tools/contract",
    [
      "./tools/contract",
      "./tools/azure-policy/index.ts",
      "./tools/azure-policy/whatIf.ts",
      "./infra/azure",
    ],
    "The report's contract holds types only.",
  ),
  everythingBut(
    "./tools/azure-policy",
    ["./tools/azure-policy", "./policies/reference"],
    "The Azure Policy what-if takes ARM-shaped resources; it imports nothing of the plan.",
  ),
  everythingBut(
    "./tools/review",
    ["./tools/review", "./tools/contract", "./infra/azure"],
    "The review compares two plan reports through the contract only.",
  ),
  everythingBut(
    "./tools/plan",
    [
      "./tools/plan",
      "./tools/contract",
      "./tools/review",
      "./tools/azure-policy",
      "./infra",
      "./stacks",
      "./policies",
    ],
    "The offline plan sits below deploy, docs and bench.",
  ),
  everythingBut(
    "./tools/runtime",
    ["./tools/runtime"],
    "The TypeScript registration loads nothing of the project.",
  ),
  {
    target: "./{infra,stacks,policies,tools}",
    from: "./test",
    message: "Nothing outside test/ imports a test.",
  },
];

export default tseslint.config(
  { ignores: ["node_modules/**", "bin/**", "reports/**", "scratch*/**"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi, "import-x": importX },
    settings: {
      // TypeScript files are modules to import-x only with its TypeScript settings (parsers,
      // extensions); without them no-cycle never follows an import into a .ts file.
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver": undefined,
      "import-x/resolver-next": [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: LAYERS }],
    },
  },
  {
    // Only the entry reads configuration, the environment and the clock (Resolve once).
    files: ["infra/{model,components,azure}/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Only the entry reads the clock; take `now` from the model.",
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: "Only the entry reads the clock; take `now` from the model.",
        },
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Only the entry reads the environment.",
        },
        {
          selector: "NewExpression[callee.property.name='Config']",
          message: "Only the entry reads pulumi.Config.",
        },
      ],
    },
  },
  {
    // Components never compute a date at all: the model fixed every one.
    files: ["infra/components/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date']",
          message: "Components take dates from the resolved model.",
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: "Components take dates from the resolved model.",
        },
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Only the entry reads the environment.",
        },
        {
          selector: "NewExpression[callee.property.name='Config']",
          message: "Only the entry reads pulumi.Config.",
        },
      ],
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "zod", message: "Components never validate: the model did." }] },
      ],
    },
  },
  prettier,
);
