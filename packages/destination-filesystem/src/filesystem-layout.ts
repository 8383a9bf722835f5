import { CantExtractTablePrefix, InvalidFilesystemLayout } from "./filesystem-exceptions.js";

/** dlt's default: one folder per table, one file per job. */
export const DEFAULT_LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";

/**
 * Date and time placeholders, as dlt formats them (pendulum tokens, lower
 * case, in UTC): `{YYYY}` 2024, `{YY}` 24, `{Y}` 2024, `{MMMM}` april,
 * `{MMM}` apr, `{MM}` 04, `{M}` 4, `{DD}` 07, `{D}` 7, `{HH}` 08, `{H}` 8,
 * `{mm}` 05, `{m}` 5, `{ss}` 09, `{s}` 9, `{dddd}` sunday, `{ddd}` sun,
 * `{dd}` su, `{d}` 0 (Sunday) … 6, `{SSSS}` 1230, `{SSS}` 123, `{SS}` 12,
 * `{S}` 1 (fractions of the second), `{Q}` 2 (quarter).
 */
export const DATETIME_PLACEHOLDERS = [
  "YYYY", "YY", "Y", "MMMM", "MMM", "MM", "M", "DD", "D", "HH", "H", "mm", "m",
  "dddd", "ddd", "dd", "d", "ss", "s", "SSSS", "SSS", "SS", "S", "Q",
] as const;

/**
 * Every placeholder a layout may use without `extra_placeholders`: the job's
 * `{schema_name}`, `{table_name}`, `{load_id}`, `{file_id}`, `{ext}`; the
 * time of the load `{timestamp}` (seconds), `{timestamp_ms}`, `{curr_date}`
 * (YYYY-MM-DD); the load package's creation `{load_package_timestamp}`
 * (seconds), `{load_package_timestamp_ms}`; and {@link DATETIME_PLACEHOLDERS}.
 */
export const STANDARD_PLACEHOLDERS: readonly string[] = [
  "schema_name", "table_name", "load_id", "file_id", "ext",
  "curr_date", "timestamp", "timestamp_ms", "load_package_timestamp", "load_package_timestamp_ms",
  ...DATETIME_PLACEHOLDERS,
];

/** Placeholders allowed before `{table_name}`: a table's files must be findable by prefix. */
const TABLE_PREFIX_PLACEHOLDERS = ["schema_name"];

/** A value for an extra placeholder: text, or a function of the job (as dlt's callbacks). */
export type PlaceholderValue = string | ((schemaName: string, tableName: string, loadId: string, fileId: string, ext: string) => string);

/** `extra_placeholders`: your own `{name}`s for the layout. */
export type ExtraPlaceholders = Readonly<Record<string, PlaceholderValue>>;

/** What one job file's path is made of. */
export interface LayoutJob {
  schemaName: string;
  tableName: string;
  loadId: string;
  fileId: string;
  /** The file's extension without dot: jsonl, csv, parquet. */
  ext: string;
  /** The time placeholders' source (dlt's `current_datetime`). */
  currentDatetime: Date;
  /** When the load package was created; `{load_package_timestamp}` is empty without it. */
  loadPackageTimestamp?: Date;
}

/** The names in `{...}` of a layout, in order. */
export function layoutPlaceholders(layout: string): string[] {
  return [...layout.matchAll(/\{(.*?)\}/g)].map((m) => m[1]!);
}

/**
 * A checked `layout`: where a job file goes inside the dataset folder and
 * where a table's files are found.
 *
 * @example
 * const layout = new FilesystemLayout("{table_name}/{YYYY}/{MM}/{load_id}.{file_id}.{ext}");
 * layout.path({ schemaName: "github", tableName: "events", loadId: "1714557630.123456", fileId: "a1b2c3",
 *   ext: "jsonl", currentDatetime: new Date("2024-05-01T10:00:30Z") });
 * // "events/2024/05/1714557630.123456.a1b2c3.jsonl"
 * layout.tablePrefix("github", "events"); // "events/"
 * @throws InvalidFilesystemLayout for unknown placeholders
 * @throws CantExtractTablePrefix when the table's files cannot be found by prefix
 */
export class FilesystemLayout {
  readonly placeholders: readonly string[];
  /** The layout up to and including the separator after `{table_name}`. */
  private readonly tablePrefixLayout: string;

  constructor(
    readonly layout: string = DEFAULT_LAYOUT,
    readonly extraPlaceholders: ExtraPlaceholders = {},
  ) {
    this.placeholders = layoutPlaceholders(layout);
    const valid = new Set([...STANDARD_PLACEHOLDERS, ...Object.keys(extraPlaceholders)]);
    const invalid = this.placeholders.filter((p) => !valid.has(p));
    if (invalid.length > 0) throw new InvalidFilesystemLayout(layout, [...new Set(invalid)], [...valid]);
    this.tablePrefixLayout = tablePrefixLayout(layout, this.placeholders);
  }

  /** Whether files of one load can be told apart by their path. */
  get hasLoadId(): boolean {
    return this.placeholders.includes("load_id");
  }

  /**
   * Path of a job file relative to the dataset folder; `.<ext>` is appended
   * when the layout has no `{ext}`.
   */
  path(job: LayoutJob): string {
    const params = this.params(job);
    const filled = this.layout.replace(/\{(.*?)\}/g, (_m, name: string) => params[name] ?? "");
    return this.placeholders.includes("ext") ? filled : `${filled}.${job.ext}`;
  }

  /**
   * The path prefix every file of a table starts with, relative to the
   * dataset folder (`events/` for the default layout). dlt's own tables
   * (`_dlt_loads`, ...) always have a folder of their own.
   */
  tablePrefix(schemaName: string, tableName: string): string {
    if (tableName.startsWith("_dlt")) return `${tableName}/`;
    return this.tablePrefixLayout.replace(/\{(schema_name|table_name)\}/g, (_m, name: string) =>
      name === "schema_name" ? schemaName : tableName,
    );
  }

  /**
   * A test for paths (relative to the dataset folder) that a load wrote for a
   * table; undefined when the layout has no `{load_id}` (files of one load
   * cannot be told apart then).
   */
  matcherForLoad(schemaName: string, tableName: string, loadId: string): ((relativePath: string) => boolean) | undefined {
    if (!this.hasLoadId) return undefined;
    const known: Record<string, string> = { schema_name: schemaName, table_name: tableName, load_id: loadId };
    let source = "";
    let last = 0;
    for (const match of this.layout.matchAll(/\{(.*?)\}/g)) {
      source += escapeRegExp(this.layout.slice(last, match.index));
      const name = match[1]!;
      source += name in known ? escapeRegExp(known[name]!) : ".*?";
      last = match.index + match[0].length;
    }
    source += escapeRegExp(this.layout.slice(last));
    if (!this.placeholders.includes("ext")) source += "\\.[^/]+";
    const pattern = new RegExp(`^${source}$`, "s");
    return (relativePath) => pattern.test(relativePath);
  }

  private params(job: LayoutJob): Record<string, string> {
    const params: Record<string, string> = {
      ...datetimeParams(job.currentDatetime),
      schema_name: job.schemaName,
      table_name: job.tableName,
      load_id: job.loadId,
      file_id: job.fileId,
      ext: job.ext,
    };
    if (job.loadPackageTimestamp) {
      params.load_package_timestamp = String(Math.floor(job.loadPackageTimestamp.getTime() / 1000));
      params.load_package_timestamp_ms = String(job.loadPackageTimestamp.getTime());
    }
    for (const [name, value] of Object.entries(this.extraPlaceholders)) {
      params[name] = typeof value === "function" ? String(value(job.schemaName, job.tableName, job.loadId, job.fileId, job.ext)) : String(value);
    }
    return params;
  }
}

function tablePrefixLayout(layout: string, placeholders: readonly string[]): string {
  const index = placeholders.indexOf("table_name");
  if (index < 0) throw new CantExtractTablePrefix(layout, "{table_name} placeholder not found.");
  const before = placeholders.slice(0, index).filter((p) => !TABLE_PREFIX_PLACEHOLDERS.includes(p));
  if (before.length > 0) {
    throw new CantExtractTablePrefix(
      layout,
      `only {${TABLE_PREFIX_PLACEHOLDERS.join("}, {")}} may come before {table_name}, and the layout has ${before.map((p) => `{${p}}`).join(", ")} there.`,
    );
  }
  // The character after {table_name} is part of the prefix, so "events" never selects "events_v2".
  const end = layout.indexOf("{table_name}") + "{table_name}".length;
  const separator = layout[end];
  if (separator === undefined || separator === "{") {
    throw new CantExtractTablePrefix(layout, "a separator (such as / or .) is required after {table_name}.");
  }
  return layout.slice(0, end + 1);
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** dlt's date/time placeholders of `date`, in UTC and lower case, as pendulum formats them. */
export function datetimeParams(date: Date): Record<string, string> {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const hour = date.getUTCHours();
  const minute = date.getUTCMinutes();
  const second = date.getUTCSeconds();
  const ms = date.getUTCMilliseconds();
  const weekday = date.getUTCDay();
  const ms3 = pad(ms, 3);
  return {
    YYYY: pad(year, 4),
    YY: pad(year % 100, 2),
    Y: String(year),
    MMMM: MONTHS[month]!,
    MMM: MONTHS[month]!.slice(0, 3),
    MM: pad(month + 1, 2),
    M: String(month + 1),
    DD: pad(day, 2),
    D: String(day),
    HH: pad(hour, 2),
    H: String(hour),
    mm: pad(minute, 2),
    m: String(minute),
    ss: pad(second, 2),
    s: String(second),
    dddd: WEEKDAYS[weekday]!,
    ddd: WEEKDAYS[weekday]!.slice(0, 3),
    dd: WEEKDAYS[weekday]!.slice(0, 2),
    d: String(weekday),
    SSSS: `${ms3}0`,
    SSS: ms3,
    SS: ms3.slice(0, 2),
    S: ms3.slice(0, 1),
    Q: String(Math.floor(month / 3) + 1),
    timestamp: String(Math.floor(date.getTime() / 1000)),
    timestamp_ms: String(date.getTime()),
    curr_date: `${pad(year, 4)}-${pad(month + 1, 2)}-${pad(day, 2)}`,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
