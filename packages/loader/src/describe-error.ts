/**
 * One readable text for an error and its causes, each cause indented below
 * the error it caused. Stack traces are left out: the text is kept in
 * `<job>.exception` files and shown in run info.
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
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\n");
}

function headline(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
