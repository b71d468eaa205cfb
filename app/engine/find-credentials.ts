/** Which kind of secret a span of text holds. */
type CredentialKind = 'url-password' | 'query-password' | 'keyword-password';

/** A secret in a text: `text.slice(start, end)`. */
interface CredentialSpan {
  kind: CredentialKind;
  start: number;
  end: number;
}

const AT = 64;
const LF = 10;
const CR = 13;
const BACKSLASH = 92;
const QUOTE = 39;

/** The user of `scheme://user:password@`: up to the first `:`; it may hold `@` (`ada@server`), as URL parsers read it. */
const URL_USER = /[^\s:/?#"[]*/y;
/**
 * A port that ends the authority of a web URL (`host:8080/...`, though an `@` may follow in the
 * path, as in `/@scope/pkg` or `/users/ada@example.com`; `host:8080, ...` or `(host:8080).` in a
 * sentence). Other URLs, database ones among them, rarely have an `@` there: for them digits
 * that may be a port are taken for a password that begins with digits.
 */
const PORT = /\d{1,5}(?=[/\s"']|[.,;:!?)\]>]*(?:\s|$))/y;
const WEB_SCHEME = /^(?:https?|wss?|ftp)$/i;
const SCHEME_CHAR = /[a-z0-9+.-]/i;
/** What may stand just before a URL that follows other text. */
const URL_OPENER = /[\s"'(<[,;]/;
const QUERY_PASSWORD = /[?&](?:[\w.-]*password|pass|pwd)=/gi;
/** libpq's `password=...` (also `password = ...`) and settings like `PGPASSWORD=` or `DB_PASSWORD=`. */
const KEYWORD_PASSWORD = /(?<![\w.?&-])[\w.-]*password\s*=\s*/gi;
const WHITESPACE = /\s/;

/** Where the scheme before the `://` at `index` starts; `index` itself when there is none. */
function schemeStart(text: string, index: number): number {
  let start = index;
  while (start > 0 && SCHEME_CHAR.test(text[start - 1])) start--;
  return start;
}

/** Where the next URL that follows other text starts (whitespace or a quote before its scheme), else the text's end. */
function nextUrlStart(text: string, from: number): number {
  for (let i = text.indexOf('://', from); i !== -1; i = text.indexOf('://', i + 3)) {
    const start = schemeStart(text, i);
    if (start < i && start > from && URL_OPENER.test(text[start - 1])) return start;
  }
  return text.length;
}

/**
 * Where a URL's password that starts at `start` ends: at the last `@` of the first line that holds
 * one, before the next URL. The password may hold anything, spaces, quotes, `/`, `?`, `#` and `@`
 * included, so this covers more than a URL parser would rather than less.
 */
function urlPasswordEnd(text: string, start: number): number {
  const limit = nextUrlStart(text, start);
  let last = -1;
  for (let i = start; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === AT) last = i;
    else if ((c === LF || c === CR) && last !== -1) break;
  }
  return last;
}

function urlPasswords(text: string): CredentialSpan[] {
  const spans: CredentialSpan[] = [];
  for (let i = text.indexOf('://'); i !== -1; i = text.indexOf('://', i + 1)) {
    URL_USER.lastIndex = i + 3;
    URL_USER.test(text);
    const colon = URL_USER.lastIndex;
    // Whitespace after the colon is prose: `see https://example.com: ...`.
    if (text[colon] !== ':' || WHITESPACE.test(text[colon + 1] ?? ' ')) continue;
    PORT.lastIndex = colon + 1;
    if (PORT.test(text) && WEB_SCHEME.test(text.slice(schemeStart(text, i), i))) continue;
    const end = urlPasswordEnd(text, colon + 1);
    if (end <= colon + 1) continue;
    spans.push({ kind: 'url-password', start: colon + 1, end });
    i = end;
  }
  return spans;
}

/** `?password=...` up to the next parameter, the line's end or the next URL; trailing whitespace is left out. */
function queryPasswords(text: string): CredentialSpan[] {
  const spans: CredentialSpan[] = [];
  for (const match of text.matchAll(QUERY_PASSWORD)) {
    const start = match.index + match[0].length;
    const limit = nextUrlStart(text, start);
    let end = start;
    while (end < limit && text[end] !== '&' && text[end] !== '\n' && text[end] !== '\r') end++;
    while (end > start && WHITESPACE.test(text[end - 1])) end--;
    if (end > start) spans.push({ kind: 'query-password', start, end });
  }
  return spans;
}

/**
 * The end of a libpq value at `start`: `'quoted'` (to the closing quote, or the text's end when
 * there is none) or up to whitespace; a backslash takes the next character as it is.
 */
function keywordValueEnd(text: string, start: number): number {
  const quoted = text.charCodeAt(start) === QUOTE;
  for (let i = quoted ? start + 1 : start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (quoted ? c === QUOTE : WHITESPACE.test(text[i])) return quoted ? i + 1 : i;
  }
  return text.length;
}

function keywordPasswords(text: string): CredentialSpan[] {
  const spans: CredentialSpan[] = [];
  for (const match of text.matchAll(KEYWORD_PASSWORD)) {
    const start = match.index + match[0].length;
    const end = keywordValueEnd(text, start);
    if (end > start) spans.push({ kind: 'keyword-password', start, end });
  }
  return spans;
}

/** Whether `index` falls within one of the spans, which are in order and apart. */
function within(spans: readonly CredentialSpan[], index: number): boolean {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (index < spans[middle].start) high = middle - 1;
    else if (index > spans[middle].end) low = middle + 1;
    else return true;
  }
  return false;
}

/**
 * The passwords in plain text, in order and apart: of URLs (`scheme://user:PASSWORD@`), of URL
 * queries (`?password=`), and of libpq connection strings and settings (`password=`,
 * `password='quoted \' value'`, `PGPASSWORD=`). A match that starts inside a URL's password is
 * part of it.
 */
export function findCredentials(text: string): CredentialSpan[] {
  const urls = text.includes('://') ? urlPasswords(text) : [];
  // Both name a password with `pass`, `pwd` or `password`; most texts hold none of them.
  const named = /pass|pwd/i.test(text) ? [...queryPasswords(text), ...keywordPasswords(text)] : [];
  const others = named.filter((span) => !within(urls, span.start));
  const spans = [...urls, ...others].sort((a, b) => a.start - b.start);
  const merged: CredentialSpan[] = [];
  for (const span of spans) {
    const previous = merged[merged.length - 1];
    if (previous && span.start <= previous.end) previous.end = Math.max(previous.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
