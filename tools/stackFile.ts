import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { SECRET_PLACEHOLDER } from "./planTypes";

/** A stack file turned into what the Pulumi engine hands the program. */
export interface StackConfig {
  /** The flat `namespace:key` → string map (`pulumi.runtime.allConfig()` shape). */
  readonly flat: Record<string, string>;
  /** Keys whose value is `secure:` ciphertext: the program sees a placeholder, never the value. */
  readonly secretKeys: readonly string[];
}

/** A usage problem with a stack file: the CLI exits 2 with this message. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** The path of a stack's committed config file. */
export function stackFilePath(root: string, stack: string): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/**
 * Reads a `Pulumi.<stack>.yaml` file the way the engine would present it: structured values as JSON
 * text, scalars as strings, `secure:` values as secret keys. Ciphertext cannot be decrypted offline,
 * so secure values become the `[secret]` placeholder.
 */
export function readStackFile(file: string): StackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`cannot read stack file ${file}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    // YAML errors carry line and column, not values worth hiding; keep only the first line.
    throw new StackFileError(
      `${file} is not valid YAML: ${String((e as Error).message).split("\n")[0]}`,
    );
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new StackFileError(`${file} must be a YAML mapping with a "config:" section`);
  }
  const config = (doc as { config?: unknown }).config;
  if (
    config === undefined ||
    config === null ||
    typeof config !== "object" ||
    Array.isArray(config)
  ) {
    throw new StackFileError(`${file} must have a "config:" mapping`);
  }
  return flattenStackConfig(config as Record<string, unknown>);
}

/**
 * A stack file's `config:` mapping as the engine presents it to the program: structured values as
 * JSON text, scalars as strings, `secure:` values as secret keys whose value is a placeholder.
 */
export function flattenStackConfig(config: Readonly<Record<string, unknown>>): StackConfig {
  const flat: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (isSecure(value)) {
      flat[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else if (typeof value === "string") {
      flat[key] = value;
    } else {
      flat[key] = JSON.stringify(value);
    }
  }
  return { flat, secretKeys: secretKeys.sort() };
}

function isSecure(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}
