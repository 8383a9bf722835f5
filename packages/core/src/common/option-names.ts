import { closestName } from "./closest-name.js";
import { DltException } from "./dlt-exception.js";

/** An options object passed in code holds a name the receiver does not know (a typo would otherwise be ignored). */
export class UnknownOptionException extends DltException {
  constructor(
    readonly option: string,
    readonly where: string,
    readonly validOptions: readonly string[],
  ) {
    super(unknownOptionMessage(option, where, validOptions));
  }
}

/** The text of {@link UnknownOptionException}. */
export function unknownOptionMessage(option: string, where: string, validOptions: readonly string[]): string {
  const close = closestName(option, validOptions);
  const hint = close ? `did you mean "${close}"?` : `valid options: ${[...validOptions].sort().join(", ")}`;
  return `Unknown option "${option}" in ${where}: ${hint}`;
}

/**
 * Throws {@link UnknownOptionException} for the first key of `given` that is
 * not in `validOptions`. Keys whose value is undefined are checked too: they
 * are still a misspelling.
 *
 * @example
 * checkOptionNames({ batch_size: 0 }, ["batchSize", "name"], "@destination() of MyDestination");
 * // Unknown option "batch_size" in @destination() of MyDestination: did you mean "batchSize"?
 */
export function checkOptionNames(given: object | undefined, validOptions: readonly string[], where: string): void {
  if (!given) return;
  for (const key of Object.keys(given)) {
    if (!validOptions.includes(key)) throw new UnknownOptionException(key, where, validOptions);
  }
}
