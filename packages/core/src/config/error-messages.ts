import { toDottedKey, toEnvVarName } from "./naming.js";

/*
 * Text of every config error, built by functions so tests can assert it and so
 * no message is assembled ad hoc next to a secret value. None of these
 * functions takes a value of a secret field.
 */

/** One (provider, key) probed during a lookup. */
export interface LookupTrace {
  /** Provider name, e.g. "Environment variables", "secrets.toml". */
  readonly provider: string;
  /** The key as that provider spells it: `DESTINATION__X__API_KEY` or `destination.x.api_key`. */
  readonly key: string;
  readonly found: boolean;
}

/** A config file (or .env) that was looked for. */
export interface ConfigFileLocation {
  readonly path: string;
  readonly found: boolean;
}

/** Where a value came from, for error messages. */
export interface ValueSource {
  /** "explicit value", "Environment variables", "secrets.toml", ... */
  readonly provider: string;
  /** Env var name, `<file>: <dotted key>`, or the explicit property name. */
  readonly location: string;
}

/** One required value that no provider had. */
export interface MissingField {
  /** Property path in code: `apiKey`, `credentials.password`, `write() parameter 2`. */
  readonly name: string;
  /** Key path without the pipeline name: `["destination", "my_api", "api_key"]`. */
  readonly keyPath: readonly string[];
  readonly typeName: string;
  readonly secret: boolean;
  /** Every (provider, key) tried, in order. */
  readonly traces: readonly LookupTrace[];
  /** Set when the field belongs to credentials that can also be given whole (a connection string) at this key path. */
  readonly nativeKeyPath?: readonly string[];
}

/** Everything the missing-values error reports. */
export interface MissingFieldsReport {
  /** Class (spec) name, or `Class.method()` for parameters. */
  readonly specName: string;
  readonly sections: readonly string[];
  readonly pipelineName?: string;
  readonly fields: readonly MissingField[];
  /** Config files and .env looked for, in lookup order. */
  readonly files: readonly ConfigFileLocation[];
  /** Project secrets.toml path (suggested home of missing secrets). */
  readonly secretsTomlPath: string;
  /** Project config.toml path (suggested home of missing config values). */
  readonly configTomlPath: string;
}

const INDENT = "    ";

/** A TOML sample value for a type name, used in fix snippets. */
function sampleTomlValue(typeName: string): string {
  switch (typeName) {
    case "number":
    case "bigint":
      return "0  # " + typeName;
    case "boolean":
      return "false  # boolean";
    case "Date":
      return "2024-01-01T00:00:00Z  # Date";
    case "object":
      return "{}  # object";
    case "array":
      return "[]  # array";
    default:
      return '"..."';
  }
}

/** TOML lines for a set of fields, grouped by table. */
function tomlSnippet(fields: readonly MissingField[]): string[] {
  const tables = new Map<string, string[]>();
  for (const field of fields) {
    const table = toDottedKey(field.keyPath.slice(0, -1));
    const lines = tables.get(table) ?? [];
    lines.push(`${field.keyPath[field.keyPath.length - 1]} = ${sampleTomlValue(field.typeName)}`);
    tables.set(table, lines);
  }
  const out: string[] = [];
  for (const [table, lines] of tables) {
    if (out.length > 0) out.push("");
    if (table) out.push(`[${table}]`);
    out.push(...lines);
  }
  return out;
}

/** Describes a sections list and pipeline name: `sections: destination.my_api; pipeline: p1`. */
export function formatLookupScope(sections: readonly string[], pipelineName?: string): string {
  const scope = `sections: ${sections.length ? toDottedKey(sections) : "(none)"}`;
  return pipelineName ? `${scope}; pipeline: ${pipelineName}` : scope;
}

/**
 * The message of `ConfigFieldMissingException`: every missing field with its
 * type and every (provider, key) tried in order, the config files found and
 * absent, and how to fix it (TOML snippet and env vars).
 */
export function formatMissingFieldsMessage(report: MissingFieldsReport): string {
  const count = report.fields.length;
  const lines: string[] = [
    `Missing ${count} required configuration value${count === 1 ? "" : "s"} for ${report.specName} ` +
      `(${formatLookupScope(report.sections, report.pipelineName)}):`,
  ];
  for (const field of report.fields) {
    const kind = field.secret ? `${field.typeName}, secret` : field.typeName;
    lines.push(`- ${field.name} (${kind}) at key "${toDottedKey(field.keyPath)}"; tried in order:`);
    for (const trace of field.traces) lines.push(`${INDENT}${trace.provider}: ${trace.key}`);
  }

  const found = report.files.filter((f) => f.found);
  const absent = report.files.filter((f) => !f.found);
  lines.push("Config files found:");
  lines.push(...(found.length ? found.map((f) => INDENT + f.path) : [INDENT + "(none)"]));
  lines.push("Config files looked for but not present:");
  lines.push(...(absent.length ? absent.map((f) => INDENT + f.path) : [INDENT + "(none)"]));

  const secrets = report.fields.filter((f) => f.secret);
  const configs = report.fields.filter((f) => !f.secret);
  lines.push("To fix it:");
  if (secrets.length) {
    lines.push(`- add to ${report.secretsTomlPath}:`);
    lines.push(...tomlSnippet(secrets).map((l) => (l ? INDENT + l : l)));
  }
  if (configs.length) {
    lines.push(`- add to ${report.configTomlPath}:`);
    lines.push(...tomlSnippet(configs).map((l) => (l ? INDENT + l : l)));
  }
  lines.push("- or set the environment variable" + (count === 1 ? ":" : "s:"));
  for (const field of report.fields) lines.push(`${INDENT}${toEnvVarName(field.keyPath)}=...`);

  const natives = new Map<string, readonly string[]>();
  for (const field of report.fields) {
    if (field.nativeKeyPath) natives.set(toDottedKey(field.nativeKeyPath), field.nativeKeyPath);
  }
  for (const [dotted, path] of natives) {
    lines.push(
      `- or give the credentials whole as a connection string: ${dotted} = "driver://user:password@host:port/database" ` +
        `in secrets.toml, or env ${toEnvVarName(path)}`,
    );
  }
  return lines.join("\n");
}

/** `secrets.toml (/p/.dlt/secrets.toml: destination.x.port)` */
export function formatValueSource(source: ValueSource): string {
  return `${source.provider} (${source.location})`;
}

/**
 * The message of `ConfigValueCannotBeCoercedException`. A secret's value is
 * never shown; other values are quoted (and cut at 80 characters).
 */
export function formatCoercionMessage(args: {
  keyPath: readonly string[];
  source: ValueSource;
  expected: string;
  secret: boolean;
  value: unknown;
  reason?: string;
}): string {
  const head =
    `Config value "${toDottedKey(args.keyPath)}" from ${formatValueSource(args.source)} ` +
    `cannot be used as ${args.expected}`;
  const reason = args.reason ? ` (${args.reason})` : "";
  if (args.secret) return `${head}${reason}; the value is secret and is not shown.`;
  return `${head}${reason}: got ${describeValue(args.value)}.`;
}

function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (value instanceof Date) text = `Date ${value.toISOString()}`;
  else if (value === null || value === undefined) text = String(value);
  else if (typeof value === "object") text = `${Array.isArray(value) ? "array" : "object"} ${safeJson(value)}`;
  else text = `${typeof value} ${String(value)}`;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The message of `SecretInConfigTomlException`. */
export function formatSecretInConfigTomlMessage(args: {
  keyPath: readonly string[];
  file: string;
  foundKey: string;
  secretsTomlPath: string;
}): string {
  return (
    `Secret value "${toDottedKey(args.keyPath)}" was found in ${args.file} (key ${args.foundKey}). ` +
    `config.toml is not read for secrets and is usually committed to version control: ` +
    `move the key to ${args.secretsTomlPath} or set the environment variable ${toEnvVarName(args.keyPath)}.`
  );
}

/** The message of `InvalidNativeValueException` (the value itself may hold a password: never shown). */
export function formatInvalidNativeValueMessage(args: {
  keyPath: readonly string[];
  source: ValueSource;
  specName: string;
  reason: string;
}): string {
  return (
    `Config value "${toDottedKey(args.keyPath)}" from ${formatValueSource(args.source)} cannot be parsed as ` +
    `${args.specName}: ${args.reason} (the value is not shown as it may hold a secret).`
  );
}

/** The message when credentials are created from a native value that cannot be parsed (it may hold a password: never shown). */
export function formatInitValueMessage(args: { className: string; reason: string }): string {
  return `Cannot create ${args.className} from the value given: ${args.reason} (the value is not shown as it may hold a secret).`;
}

/**
 * The message when a credentials subclass passes its constructor argument on
 * to a base constructor, where the subclass's own field initializers would
 * overwrite what was parsed.
 */
export function formatSubclassInitValueMessage(args: { className: string; baseName: string }): string {
  const { className, baseName } = args;
  return (
    `new ${className}(value): ${className} has no constructor of its own that applies the value. The constructor of ${baseName} ` +
    `runs before the field initializers of ${className}, which would overwrite what it parsed. ` +
    `Use ${className}.from(value), or give ${className} a constructor: ` +
    `constructor(value?: string) { super(); this.applyInitValue(value, ${className}); }`
  );
}

/** The message of `ConfigFileParseException`; smol-toml's code frame is left out as it may show a secret. */
export function formatConfigFileParseMessage(args: { file: string; reason: string; line?: number; column?: number }): string {
  const at = args.line !== undefined ? ` at line ${args.line}, column ${args.column ?? 0}` : "";
  return `Cannot parse config file ${args.file}${at}: ${args.reason}`;
}

/** The message of `ConfigDecoratorException` (a decorator used where it cannot work). */
export function formatDecoratorUsageMessage(args: { decorator: string; where: string; problem: string; fix: string }): string {
  return `${args.decorator} on ${args.where}: ${args.problem}. ${args.fix}`;
}
