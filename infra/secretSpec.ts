import { z } from "zod";
import { Baseline } from "../stacks";
import { OBJECT_NAME } from "./validation";

/**
 * A secret spec from the stack config: one `keyvault.Secret` whose value comes from the pipeline.
 * Exactly one source: an environment variable, a Pulumi secret config key, or a generated value.
 */
export const secretSourceSchema = z.strictObject({
  env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" })
    .optional(),
  config: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { error: "must be a config key name" })
    .optional(),
  generate: z.strictObject({ length: z.number().int().min(16).max(256) }).optional(),
});

export const secretSpecSchema = z.strictObject({
  name: z.string().regex(OBJECT_NAME, { error: "must be 1-127 letters, digits and hyphens" }),
  source: secretSourceSchema,
  contentType: z.string().min(1).max(255).optional(),
  expiresInDays: z.number().int().positive().optional(),
});

export type SecretSpecInput = z.output<typeof secretSpecSchema>;

export function checkSecrets(
  secrets: readonly SecretSpecInput[],
  baseline: Baseline,
  ctx: z.RefinementCtx,
): void {
  secrets.forEach((s, i) => {
    const sources = (["env", "config", "generate"] as const).filter(
      (k) => s.source[k] !== undefined,
    );
    if (sources.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets", i, "source"],
        message: "must set exactly one of env, config or generate",
      });
    }
    if (s.source.generate && !baseline.secrets.allowGenerate) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets", i, "source", "generate"],
        message: `generated secrets are not allowed in ${baseline.environment}; seed the value from the pipeline (env or config)`,
      });
    }
  });
}
