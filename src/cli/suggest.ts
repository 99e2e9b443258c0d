// "did you mean" for mistyped commands and flags.

/** The closest candidate, if it is close enough to be a plausible typo (or the input is a prefix/extension of it). */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const bare = (s: string): string => s.replace(/^-+/, "");
  const typed = bare(input);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const name = bare(candidate);
    if (typed.length >= 2 && (name.startsWith(typed) || typed.startsWith(name))) return candidate;
    const distance = osaDistance(typed, name);
    const limit = name.length <= 3 ? 1 : 2;
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closest(input, candidates);
  return match === undefined ? "" : ` (did you mean '${match}'?)`;
}

/** Levenshtein distance where swapping two adjacent characters counts as one edit ("gne" → "gen"). */
function osaDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}
