/** A value a SQL list may hold as it is: a plain word, which needs no quoting beyond its quotes. */
const PLAIN_WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A list of fixed words (state types, say) written into a statement for SQL's IN, so a set that
 * code defines once reads the same in SQL: `('COMPLETED', 'FAILED')`. The words are written in
 * the order given, which a partial index's WHERE clause must match word for word to be used.
 */
export function sqlList(words: readonly string[]): string {
  if (words.length === 0) throw new Error('a SQL list needs at least one word');
  for (const word of words) {
    if (!PLAIN_WORD.test(word)) throw new Error(`a SQL list takes plain words only (letters, digits, _), not ${JSON.stringify(word)}`);
  }
  return `(${words.map((word) => `'${word}'`).join(', ')})`;
}
