/*
 * Standard (TC39) decorators record into `context.metadata`, an object the
 * compiler creates per class and stores as `Class[Symbol.metadata]`. TypeScript
 * emits it only when `Symbol.metadata` exists at the moment the class is
 * defined (`Symbol.metadata ? Object.create(...) : void 0`), and Node 20 has no
 * `Symbol.metadata`: without this line a standard `@config` would get no
 * metadata to record into. esbuild (tsx) falls back to the same
 * `Symbol.for("Symbol.metadata")` when it is missing, so classes compiled by
 * either compiler, and every copy of core, agree on one symbol.
 *
 * Imported for its effect by config/index.ts and spec-metadata.ts: a user's
 * module imports `@dlt-ts/core` (for the decorators) before its classes are
 * defined, so this has run by then.
 */
const symbolConstructor = Symbol as unknown as { metadata?: symbol };
symbolConstructor.metadata ??= Symbol.for("Symbol.metadata");

/** `Symbol.metadata`: the key of a class's standard-decorator metadata object. */
export const SYMBOL_METADATA: symbol = symbolConstructor.metadata;
