/** How many single-character edits (insert, delete, replace, swap of neighbours) turn one text into the other. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidates closest to what was typed, nearest first (at most three): those a few edits
 * away, fewer for short words, so a guess is a likely typo rather than any word at all.
 */
export function closest(typed: string, candidates: readonly string[]): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(typed.length / 3)));
  const scored = [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(typed.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit);
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((s) => s.distance));
  return scored
    .filter((s) => s.distance === best)
    .map((s) => s.candidate)
    .slice(0, 3);
}

/** "did you mean 'a'?" or "did you mean 'a' or 'b'?"; empty for none. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => `'${s}'`);
  return `did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`}?`;
}

/**
 * The commands nearest to the words typed, each compared with as many words as its name has:
 * `flwo-run ls` is near `flow-run ls`, `runn` near `run`.
 */
export function closestCommands(argv: readonly string[], names: readonly string[]): string[] {
  const byTyped = new Map<string, string[]>();
  for (const name of names) {
    const typed = argv.slice(0, name.split(' ').length).join(' ');
    byTyped.set(typed, [...(byTyped.get(typed) ?? []), name]);
  }
  const scored = [...byTyped].flatMap(([typed, candidates]) =>
    closest(typed, candidates).map((name) => ({ name, distance: editDistance(typed.toLowerCase(), name.toLowerCase()) })),
  );
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((s) => s.distance));
  return scored
    .filter((s) => s.distance === best)
    .map((s) => s.name)
    .slice(0, 3);
}
