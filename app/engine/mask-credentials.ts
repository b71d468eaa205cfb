/** What stands in for a secret. */
export const MASK = '***';

// The password of `scheme://user:password@host`: up to the authority's last `@`, as URL parsers
// read it. Also in JSON text, where it stops at a string's closing quote but not at `\"`.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"\\]*):((?:[^\s/?#"\\]|\\.)*)@/gi;
// `?password=...` in a connection URL's query, which PostgreSQL clients honour as well.
const QUERY_PASSWORD = /([?&](?:password|pass|pwd)=)(?:[^&#\s"\\]|\\.)*/gi;

/** The text with the passwords of URLs in it masked: `postgres://ada:***@db/app`. */
export function maskCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_PASSWORD, `$1:${MASK}@`).replace(QUERY_PASSWORD, `$1${MASK}`);
}
