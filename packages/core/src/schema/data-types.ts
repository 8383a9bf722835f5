/**
 * The dlt data types. Every destination maps these through its type mapper;
 * the normalizer infers them from JS values.
 */
export const DATA_TYPES = [
  "text",
  "double",
  "bool",
  "timestamp",
  "date",
  "time",
  "bigint",
  "binary",
  "json",
  "decimal",
  "wei",
] as const;

export type DataType = (typeof DATA_TYPES)[number];

export function isDataType(value: unknown): value is DataType {
  return typeof value === "string" && (DATA_TYPES as readonly string[]).includes(value);
}
