/** Case-insensitive equality for ARM enum strings (the SDK sends `enabled`, portals show `Enabled`). */
export function sameText(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

export function isNonEmptyString(v: unknown): v is string {
  return typeof v === "string" && v.trim().length > 0;
}

/** The last path segment of an ARM id, lower-cased (role definition GUIDs). */
export function lastSegment(id: string): string {
  const parts = id.split("/").filter((p) => p.length > 0);
  return (parts[parts.length - 1] ?? "").toLowerCase();
}
