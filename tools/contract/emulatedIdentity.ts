/**
 * The deploying identity both emulations answer with (the offline plan's, `tools/plan/emulator.ts`,
 * and the engine tier's provider plugin): fake ids, obviously not a real tenant's.
 */
export const EMULATED_IDENTITY = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  tenantId: "11111111-1111-1111-1111-111111111111",
  clientId: "22222222-2222-2222-2222-222222222222",
  objectId: "33333333-3333-3333-3333-333333333333",
} as const;
