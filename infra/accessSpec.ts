import { z } from "zod";
import { guid } from "./validation";

/** An access spec from the stack config: one role assignment on a vault, secret or key. */
export const accessSpecSchema = z.strictObject({
  principalId: guid,
  principalType: z.enum(["User", "Group", "ServicePrincipal"], {
    error: 'must be "User", "Group" or "ServicePrincipal"',
  }),
  role: z.string().min(1),
  scope: z
    .string()
    .regex(/^(vault|secret\/[0-9a-zA-Z-]{1,127}|key\/[0-9a-zA-Z-]{1,127})$/, {
      error: 'must be "vault", "secret/<name>" or "key/<name>"',
    })
    .default("vault"),
  description: z.string().max(1024).optional(),
});

export type AccessSpecInput = z.output<typeof accessSpecSchema>;
