export { preciseDelta } from "../run-info/precise-delta.js";

/** `1 package`, `2 packages`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** File sizes as people read them: `812 B`, `4.2 KB`, `1.5 MB`. */
export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** How long ago `date` was, coarsely: `just now`, `5 minutes ago`, `3 days ago`. */
export function timeAgo(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 10) return "just now";
  const steps: [number, string][] = [
    [60, "second"],
    [60, "minute"],
    [24, "hour"],
    [Number.POSITIVE_INFINITY, "day"],
  ];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (value < size) return `${plural(Math.floor(value), unit)} ago`;
    value /= size;
  }
  return `${plural(Math.floor(value), "day")} ago`;
}

/** A date as ISO-8601 with its age: `2024-05-01T10:00:00.000Z (3 hours ago)`. */
export function dateWithAge(date: Date): string {
  return `${date.toISOString()} (${timeAgo(date)})`;
}

/** Every line of `text` indented by `prefix`. */
export function indent(text: string, prefix = "  "): string {
  return text
    .split("\n")
    .map((line) => (line ? prefix + line : line))
    .join("\n");
}
