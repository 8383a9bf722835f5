/**
 * One normalized row as the writers receive it: a flat object keyed by
 * normalized column name. Values are string | number | bigint | boolean | Date |
 * Uint8Array (binary) | plain objects and arrays (json columns) | null |
 * undefined; the table schema tells each column's type. `undefined` and `null`
 * are both written as NULL.
 */
export type DataRow = Readonly<Record<string, unknown>>;
