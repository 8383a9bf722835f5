/**
 * Thrown by the value helpers when a value does not fit its column's type.
 * It carries only the reason: the writer that caught it knows the table, the
 * column and the value, and rethrows an InvalidDataValueException with all
 * of them (catching once per batch keeps try/catch out of the per-value path).
 */
export class ValueConversionError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ValueConversionError";
  }
}
