/** Base of every error dlt-ts throws on purpose. Keeps the cause chained. */
export class DltException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
