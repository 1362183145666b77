// "did you mean" for alert expressions: the closest known name by edit distance, only when it is plausibly a typo.

export function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Closest candidate (case-insensitive match first), or undefined when nothing is within a third of the length. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    const d = levenshtein(lower, c.toLowerCase());
    if (d < bestDist || (d === bestDist && best !== undefined && c < best)) {
      best = c;
      bestDist = d;
    }
  }
  const limit = Math.max(2, Math.ceil(word.length / 3));
  if (bestDist <= limit) return best;
  // A truncated word (`warn`, `TcpExtListenOver`) is a typo too.
  if (word.length >= 3) {
    for (const c of candidates) if (c.toLowerCase().startsWith(lower)) return c;
  }
  return undefined;
}

/** ` — did you mean X?` or ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : ` — did you mean ${s}?`;
}
