/** One measured figure of a case: what was measured, its value and unit. */
export type Figures = Record<string, number | string>;

/**
 * What a benchmark case returns: the line printed for a person and the
 * figures behind it, which `npm run bench -- --json <file>` writes out for
 * comparison across commits.
 */
export interface CaseResult {
  text: string;
  figures: Figures;
}

/** Marks the figures a case process prints after its text, so the parent can tell them apart. */
export const FIGURES_MARKER = "@@bench-figures ";

/** `ours / floor` as a ratio of rates, two decimals (1.00 = as fast as the floor). */
export function ratio(ours: number, floor: number): number {
  return Math.round((ours / floor) * 100) / 100;
}
