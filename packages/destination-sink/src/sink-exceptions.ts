import { DestinationException } from "@dlt-ts/core";

/** An option of `@destination(...)` / `destination(fn, ...)` / `destinationFrom(...)` has an invalid value. */
export class SinkOptionsException extends DestinationException {
  constructor(readonly destinationName: string, readonly option: string, expected: string, value: unknown) {
    super(`Sink destination "${destinationName}": option ${option} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/** What a destination reference could not be turned into a sink. */
export class DestinationCallableNotFound extends DestinationException {
  constructor(
    readonly destinationName: string,
    readonly tried: readonly string[],
    fix: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot resolve the callable of sink destination "${destinationName}". Tried, in order:\n` +
        tried.map((line) => `  - ${line}`).join("\n") +
        `\n${fix}`,
      options,
    );
  }
}

/** A class, instance or function given as a sink has no usable write(). */
export class InvalidSinkCallable extends DestinationException {}
