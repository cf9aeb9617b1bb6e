import { z } from "zod";
import { Baseline } from "../stacks";
import { OBJECT_NAME } from "./validation";

/**
 * A key spec from the stack config: one `keyvault.Key` in a vault. The schema checks each field; the
 * cross-field and tier rules (`checkKeys`) run once the vault itself parsed.
 */
export const keySpecSchema = z.strictObject({
  name: z.string().regex(OBJECT_NAME, { error: "must be 1-127 letters, digits and hyphens" }),
  type: z.enum(["RSA", "EC"], { error: 'must be "RSA" or "EC"' }),
  protection: z.enum(["hsm", "software"], { error: 'must be "hsm" or "software"' }).optional(),
  size: z.number().int().optional(),
  curve: z.string().optional(),
  ops: z
    .array(
      z.enum(
        ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "release"],
        {
          error:
            "must be one of encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, release",
        },
      ),
    )
    .optional(),
  expiresInDays: z.number().int().positive().optional(),
  rotation: z
    .strictObject({
      rotateBeforeExpiryDays: z.number().int().positive().optional(),
      notifyBeforeExpiryDays: z.number().int().positive().optional(),
    })
    .optional(),
});

export type KeySpecInput = z.output<typeof keySpecSchema>;

/** Cross-field and baseline checks for a vault's keys. */
export function checkKeys(
  keys: readonly KeySpecInput[],
  tier: string,
  _baseline: Baseline,
  ctx: z.RefinementCtx,
): void {
  if (tier === "managedHsm" && keys.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["keys"],
      message:
        "keys in a Managed HSM are data-plane objects and cannot be created through ARM; create them after activation (see README)",
    });
  }
}
