// "did you mean" suggestions for misspelt keys and enum values.

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`retyr` → `retry` is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]![j]!;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The closest candidate within a third of the word's length (at least 1 edit), or one that extends the word with
 * `_suffix`; compared case-insensitively; ties go to the alphabetically first candidate (deterministic output).
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const target = candidate.toLowerCase();
    let distance = editDistance(lower, target);
    // A missing unit or qualifier (`timeout` for `timeout_ms`) is a typo of its own; rank it after close edits.
    if (distance > limit && lower.length >= 4 && target.startsWith(`${lower}_`)) distance = limit + 0.5;
    if (distance > limit + 0.5) continue;
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
