import { DatabaseTerminalException } from "@dlt-ts/core";
import type { TediousDataTypeLike, TediousModuleLike, TediousTypeOptions } from "./mssql-driver.js";
import { ExactDecimal, parseTime, parseTimestamp, scaleDecimal, UtcDate } from "./mssql-values.js";

/** A column as `INFORMATION_SCHEMA.COLUMNS` describes it. */
export interface MssqlCatalogColumn {
  name: string;
  /** `DATA_TYPE`, e.g. `nvarchar`, `datetimeoffset`, `decimal`. */
  dataType: string;
  /** `CHARACTER_MAXIMUM_LENGTH`: characters (bytes for binary types); -1 for (max). */
  maxLength: number | null;
  precision: number | null;
  scale: number | null;
  datetimePrecision: number | null;
  nullable: boolean;
}

/**
 * How one csv column goes to SQL Server: the tedious type and its length /
 * precision / scale, matching the table's column exactly (as SqlBulkCopy
 * does: the server checks bulk metadata against the table), and how a csv
 * field becomes a value of that type.
 */
export interface MssqlColumnWriter {
  name: string;
  type: TediousDataTypeLike;
  options: TediousTypeOptions;
  nullable: boolean;
  /** A csv field (null for an empty unquoted field) as the value tedious sends. */
  convert(field: string | null): unknown;
}

/** Raised for a csv field the column cannot take; names the column, never the data. */
export class MssqlValueConversionException extends DatabaseTerminalException {}

const TRUE_TEXT = new Set(["true", "1", "t", "yes"]);
const FALSE_TEXT = new Set(["false", "0", "f", "no"]);
const INTEGER_RANGES: Record<string, [number, number]> = {
  tinyint: [0, 255],
  smallint: [-32768, 32767],
  int: [-(2 ** 31), 2 ** 31 - 1],
};
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

function length(column: MssqlCatalogColumn): number {
  return column.maxLength === null || column.maxLength < 0 ? Infinity : column.maxLength;
}

function fail(column: MssqlCatalogColumn, problem: string): never {
  throw new MssqlValueConversionException(`Column "${column.name}" (${column.dataType}): ${problem}`);
}

/** `\x` + hex (the csv writer's binary form) or plain hex, as bytes. */
function hexBytes(column: MssqlCatalogColumn, field: string): Buffer {
  const hex = field.startsWith("\\x") ? field.slice(2) : field;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) fail(column, "a binary value is not hex text");
  return Buffer.from(hex, "hex");
}

/**
 * The writer of a table column, from its catalog row.
 *
 * @throws MssqlValueConversionException for column types dlt never creates
 * and the bulk load does not handle (xml, sql_variant, geography, ...):
 * load such tables with insert_values instead.
 */
export function columnWriterFor(column: MssqlCatalogColumn, tedious: TediousModuleLike): MssqlColumnWriter {
  const T = tedious.TYPES;
  const type = column.dataType.toLowerCase();
  const writer = (typeName: string, options: TediousTypeOptions, convert: (field: string) => unknown): MssqlColumnWriter => {
    const tediousType = T[typeName];
    if (!tediousType) fail(column, `the tedious driver has no type ${typeName}`);
    return {
      name: column.name,
      type: tediousType,
      options,
      nullable: column.nullable,
      convert: (field) => (field === null ? null : convert(field)),
    };
  };
  const timestamp = (field: string) => parseTimestamp(field) ?? fail(column, "a value is not an ISO-8601 timestamp");
  const scale = column.datetimePrecision ?? 7;

  switch (type) {
    case "nvarchar":
    case "nchar":
    case "varchar":
    case "char": {
      const name = { nvarchar: "NVarChar", nchar: "NChar", varchar: "VarChar", char: "Char" }[type];
      return writer(name, { length: length(column) }, (field) => field);
    }
    case "uniqueidentifier":
      return writer("UniqueIdentifier", {}, (field) => field);
    case "bit":
      return writer("Bit", {}, (field) => {
        const lower = field.trim().toLowerCase();
        if (TRUE_TEXT.has(lower)) return true;
        if (FALSE_TEXT.has(lower)) return false;
        return fail(column, "a value is not a boolean");
      });
    case "tinyint":
    case "smallint":
    case "int": {
      const [min, max] = INTEGER_RANGES[type]!;
      const name = { tinyint: "TinyInt", smallint: "SmallInt", int: "Int" }[type];
      return writer(name, {}, (field) => {
        const n = Number(field);
        if (!Number.isInteger(n) || n < min || n > max) fail(column, `a value is not an integer from ${min} to ${max}`);
        return n;
      });
    }
    case "bigint":
      return writer("BigInt", {}, (field) => {
        let n: bigint;
        try {
          n = BigInt(field.trim());
        } catch {
          return fail(column, "a value is not an integer");
        }
        if (n < BIGINT_MIN || n > BIGINT_MAX) fail(column, "a value does not fit in 64 bits");
        return n;
      });
    case "float":
    case "real":
      return writer(type === "float" ? "Float" : "Real", {}, (field) => {
        const n = Number(field);
        if (field.trim() === "" || Number.isNaN(n)) fail(column, "a value is not a number");
        if (!Number.isFinite(n)) fail(column, "SQL Server cannot store NaN or Infinity");
        return n;
      });
    case "decimal":
    case "numeric": {
      const precision = column.precision ?? 18;
      const digits = column.scale ?? 0;
      const limit = 10n ** BigInt(precision);
      return {
        name: column.name,
        type: ExactDecimal,
        options: { precision, scale: digits },
        nullable: column.nullable,
        convert: (field) => {
          if (field === null) return null;
          const unscaled = scaleDecimal(field, digits);
          if (unscaled === undefined) fail(column, "a value is not a decimal number");
          if ((unscaled < 0n ? -unscaled : unscaled) >= limit) fail(column, `a value does not fit in decimal(${precision},${digits})`);
          return field.trim();
        },
      };
    }
    case "date":
      return writer("Date", {}, timestamp);
    case "datetime2":
      return writer("DateTime2", { scale }, timestamp);
    case "datetimeoffset":
      return writer("DateTimeOffset", { scale }, timestamp);
    case "datetime":
      return writer("DateTime", {}, timestamp);
    case "smalldatetime":
      return writer("SmallDateTime", {}, timestamp);
    case "time":
      return writer("Time", { scale }, (field) => {
        const time = parseTime(field) ?? parseTimestamp(field);
        if (!time) return fail(column, "a value is not a time of day (HH:MM:SS)");
        if (time.getUTCFullYear() !== 1970 || time.getUTCMonth() !== 0 || time.getUTCDate() !== 1) {
          const only = new UtcDate(Date.UTC(1970, 0, 1, time.getUTCHours(), time.getUTCMinutes(), time.getUTCSeconds(), time.getUTCMilliseconds()));
          if (time.nanosecondDelta) only.nanosecondDelta = time.nanosecondDelta;
          return only;
        }
        return time;
      });
    case "varbinary":
    case "binary":
      return writer(type === "varbinary" ? "VarBinary" : "Binary", { length: length(column) }, (field) => hexBytes(column, field));
    default:
      return fail(column, "this column type cannot be loaded from csv; load the table with insert_values");
  }
}
