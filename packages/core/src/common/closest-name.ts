/** The candidate closest to `name` (case-insensitive edit distance at most `maxDistance`), if any. */
export function closestName(name: string, candidates: Iterable<string>, maxDistance = 2): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const distance = editDistance(normalized(name), normalized(candidate));
    if (distance <= maxDistance && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** `batch_size`, `batchSize` and `BatchSize` all compare as `batchsize`: a snake_case option is one typo away from its camelCase name. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/_/g, "");
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}
