function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/**
 * BuildKit's "did you mean": the candidate with the smallest edit distance below 3 (the first
 * wins a tie); no suggestion for an exact match. Case-insensitive matching re-cases the
 * suggestion to the input's all-lower or all-upper form.
 */
export function closestMatch(word: string, candidates: Iterable<string>, caseInsensitive = true): string | null {
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(norm(word), norm(c));
    if (d === 0) return null;
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === null || !caseInsensitive) return best;
  if (word === word.toLowerCase()) return best.toLowerCase();
  if (word === word.toUpperCase()) return best.toUpperCase();
  return best;
}
