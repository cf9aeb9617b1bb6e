/**
 * Days in an ISO-8601 duration as Key Vault rotation policies use them (`P90D`, `P1Y`, `P3M`,
 * `P2W`). Months count 30 days and years 365, as Key Vault documents; undefined when malformed or
 * when it has a time part.
 */
export function isoDurationDays(text: string): number | undefined {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(text.trim());
  if (!match || text.trim() === "P") return undefined;
  const [years, months, weeks, days] = match.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  return years * 365 + months * 30 + weeks * 7 + days;
}
