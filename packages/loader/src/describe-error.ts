import { maskSecrets } from "@dlt-ts/core";

/**
 * One readable text for an error and its causes, each cause indented below
 * the error it caused, with every secret the run resolved masked (user code
 * may have put one into its error). Stack traces are left out: the text is
 * kept in `<job>.exception` files and shown in run info and traces.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 10) {
    seen.add(current);
    const pad = "  ".repeat(parts.length);
    const [first, ...rest] = headline(current).split("\n");
    const lead = parts.length === 0 ? "" : "caused by ";
    parts.push([`${pad}${lead}${first}`, ...rest.map((line) => `${pad}${line}`)].join("\n"));
    current = isErrorLike(current) ? current.cause : undefined;
  }
  return maskSecrets(parts.join("\n"));
}

/** An Error, also one from another realm (a native addon's, or one made in a vm context), which `instanceof` misses. */
function isErrorLike(error: unknown): error is { name?: unknown; message: string; cause?: unknown } {
  return error instanceof Error || (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string");
}

function headline(error: unknown): string {
  if (isErrorLike(error)) return `${typeof error.name === "string" ? error.name : "Error"}: ${error.message}`;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
