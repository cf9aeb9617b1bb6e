import * as fs from "fs";
import * as path from "path";
import { parseDocument, type YAMLError } from "yaml";
import { SECRET_PLACEHOLDER } from "../contract/plan";

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
 * Why the YAML parser complained, in words that never quote the file: its own messages (and the
 * `yaml` package's default warning output, `process.emitWarning` with a code frame) print the
 * offending line, which in a stack file can be a plain-text secret behind an unknown tag.
 */
const YAML_REASONS: Readonly<Record<string, string>> = {
  TAG_RESOLVE_FAILED: "an unknown tag; the value is read as plain text",
  BAD_ALIAS: "an alias that names no anchor",
  DUPLICATE_KEY: "a key that appears twice in one mapping",
  BAD_INDENT: "bad indentation",
  BLOCK_AS_IMPLICIT_KEY: "a block value used as a key",
  MISSING_CHAR: "a missing closing character (quote or bracket)",
  MULTILINE_IMPLICIT_KEY: "a key that spans lines",
  MULTIPLE_DOCS: "more than one YAML document",
  UNEXPECTED_TOKEN: "an unexpected character",
  TAB_AS_INDENT: "a tab used for indentation",
  BAD_SCALAR_START: "a value that starts with a reserved character",
};

/** `line L, column C: <reason>` for a YAML error or warning: its position and reason only. */
function describeYamlProblem(e: YAMLError): string {
  const at = e.linePos?.[0];
  const where = at ? `line ${at.line}, column ${at.col}` : "an unknown position";
  return `${where}: ${YAML_REASONS[e.code] ?? `YAML ${e.code}`}`;
}

/** Where YAML warnings go: standard error, by position and reason only. */
function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/**
 * Reads a `Pulumi.<stack>.yaml` file the way the engine would present it: structured values as JSON
 * text, scalars as strings, `secure:` values as secret keys. Ciphertext cannot be decrypted offline,
 * so secure values become the `[secret]` placeholder. YAML warnings go to `warn` (standard error by
 * default) by position and reason only, never with the line they are about.
 */
export function readStackFile(
  file: string,
  warn: (message: string) => void = warnOnStderr,
): StackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`cannot read stack file ${file}`);
  }
  // parseDocument (not parse): parse() emits each warning itself, with the offending line.
  const parsed = parseDocument(text, { prettyErrors: true });
  if (parsed.errors.length > 0) {
    throw new StackFileError(
      `${file} is not valid YAML at ${describeYamlProblem(parsed.errors[0])}`,
    );
  }
  for (const w of parsed.warnings) warn(`${file}: ${describeYamlProblem(w)}`);
  let doc: unknown;
  try {
    doc = parsed.toJS();
  } catch {
    throw new StackFileError(`${file} is not valid YAML (its aliases cannot be resolved)`);
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
