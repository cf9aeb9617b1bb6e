/**
 * The GUID shape of Azure's ids (role definitions, object ids, subscriptions, tenants), written
 * once: the model's schemas, the role catalogue, ARM id parsing and the policy pack's config
 * schemas (JSON Schema `pattern`, which takes no flags, hence both letter cases) all use it.
 */
export const GUID_SOURCE =
  "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/** A whole string that is one GUID, as a JSON Schema `pattern`. */
export const GUID_PATTERN = `^${GUID_SOURCE}$`;

/** A whole string that is one GUID (any letter case). */
export const GUID = new RegExp(GUID_PATTERN);
