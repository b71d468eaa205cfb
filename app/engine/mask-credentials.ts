import { findCredentials } from './find-credentials.js';

/** What stands in for a secret. */
export const MASK = '***';

/** A URL (JSON may write it `:\/\/`) or a password setting; most texts hold neither. */
const MAY_HOLD_CREDENTIALS = /:\/\/|:\\\/\\\/|password/i;

/** The cheap test first, in one pass over the text. */
function mayHoldCredentials(text: string): boolean {
  return MAY_HOLD_CREDENTIALS.test(text);
}

function maskPlain(text: string): string {
  if (!mayHoldCredentials(text)) return text;
  let masked = '';
  let last = 0;
  for (const span of findCredentials(text)) {
    masked += text.slice(last, span.start) + MASK;
    last = span.end;
  }
  return last === 0 ? text : masked + text.slice(last);
}

function looksLikeJson(text: string): boolean {
  if (!/^\s*[[{"]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The index after the closing quote of the JSON string that opens at `open` (the text's end if none does). */
function jsonStringEnd(json: string, open: number): number {
  for (let quote = json.indexOf('"', open + 1); ; quote = json.indexOf('"', quote + 1)) {
    if (quote === -1) return json.length;
    let backslashes = 0;
    while (json[quote - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/** The text a JSON string literal holds; for one cut short, its characters as they are. */
function jsonStringValue(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1);
  }
}

/**
 * JSON text (valid, as `JSON.stringify` writes it) with each string masked as the plain text it
 * holds: a password there ends where its string does, and an escaped `\"` is one of its characters.
 */
export function maskCredentialsInJson(json: string): string {
  if (!mayHoldCredentials(json)) return json;
  let masked = '';
  let last = 0;
  for (let open = json.indexOf('"'); open !== -1;) {
    const end = jsonStringEnd(json, open);
    const literal = json.slice(open, end);
    // Escapes may spell a URL or a password setting in other characters (`:\/\/`).
    const escaped = literal.includes('\\');
    if (escaped || mayHoldCredentials(literal)) {
      const value = escaped ? jsonStringValue(literal) : literal.slice(1, -1);
      const shown = maskPlain(value);
      if (shown !== value) {
        masked += json.slice(last, open) + JSON.stringify(shown);
        last = end;
      }
    }
    open = json.indexOf('"', end);
  }
  return last === 0 ? json : masked + json.slice(last);
}

/**
 * The text with the passwords in it masked: of URLs (`postgres://ada:***@db/app`, whatever the
 * password holds), of URL queries (`?password=***`) and of libpq connection strings
 * (`host=db password=***`). JSON text is masked string by string.
 */
export function maskCredentials(text: string): string {
  if (!mayHoldCredentials(text)) return text;
  return looksLikeJson(text) ? maskCredentialsInJson(text) : maskPlain(text);
}
