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

/** The candidate closest to `word` when it is a plausible typo (BuildKit's "did you mean"). */
export function closestMatch(word: string, candidates: Iterable<string>, caseInsensitive = true): string | null {
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(norm(word), norm(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === null) return null;
  const limit = Math.max(1, Math.floor(Math.min(word.length, best.length) / 3));
  return bestDistance > 0 && bestDistance <= limit ? best : null;
}
