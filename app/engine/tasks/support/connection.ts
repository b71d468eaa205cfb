import { resolve } from 'node:path';
import { findCredentials } from '../../find-credentials.js';
import { maskCredentials } from '../../mask-credentials.js';

/** Where a query goes, parsed from the connection text. */
export type Connection =
  | { kind: 'sqlite'; path: string; shown: string }
  | {
      kind: 'postgres';
      url: string;
      /** The password as written and as the driver reads it (percent-decoded), longest first. */
      secrets: readonly string[];
      shown: string;
    };

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parsedUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * The passwords pg reads from the URL, as its parser (pg-connection-string) does: raw spaces and
 * stray `%` get the whole URL encoded first, an empty host is taken for a placeholder, then the
 * user info's password is percent-decoded and a `password` query parameter read as forms are.
 */
function driverPasswords(url: string): string[] {
  const encoded = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url) ? encodeURI(url).replace(/%25(\d\d)/g, '%$1') : url;
  const parsed = parsedUrl(encoded) ?? parsedUrl(encoded.replace('@/', '@placeholder/'));
  return parsed ? [decoded(parsed.password), parsed.searchParams.get('password') ?? ''] : [];
}

/** Every form a password of the URL may take in a message: as written, decoded, and as pg reads it. */
function secretsOf(url: string, written: readonly string[]): string[] {
  const asQuery = (text: string) => new URLSearchParams(`p=${text}`).get('p') ?? '';
  const forms = [...written, ...written.map(decoded), ...written.map(asQuery), ...driverPasswords(url)];
  return [...new Set(forms)].filter((form) => form !== '').sort((a, b) => b.length - a.length);
}

/** What a `sql-connection` block gives: the URL without its password, and the password apart. */
export interface ConnectionDocument {
  url: string;
  password?: string;
}

/**
 * The connection text a `sql-connection` block stands for: its password put into the URL's user
 * info, percent-encoded, so any character in it reaches the driver as it is. A SQLite URL has no
 * password to take.
 */
export function connectionText(connection: string | ConnectionDocument): string {
  if (typeof connection === 'string') return connection;
  if (typeof connection?.url !== 'string' || connection.url === '') refuse('a connection block needs { url }');
  if (!connection.password || !/^postgres(ql)?:\/\//i.test(connection.url)) return connection.url;
  let url: URL;
  try {
    url = new URL(connection.url);
  } catch {
    refuse(`connection '${maskCredentials(connection.url)}' is not a URL`);
  }
  url.password = encodeURIComponent(connection.password);
  return url.href;
}

function refuse(message: string): never {
  throw new TypeError(`sqlQuery: ${message}`);
}

/**
 * `sqlite:PATH` (relative to the flow process's working folder; `sqlite::memory:` for a database
 * that lives for one query) or a `postgres://` / `postgresql://` URL. Refuses a URL whose password
 * holds a raw `/`, `?` or `#`: the driver would end the password there and take the rest for the
 * host or the database.
 */
export function parseConnection(connection: string): Connection {
  const shown = maskCredentials(connection);
  if (connection.startsWith('sqlite:')) {
    const path = connection.slice('sqlite:'.length);
    if (path === '') refuse(`connection '${shown}' names no file; write sqlite:PATH`);
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(process.cwd(), path), shown };
  }
  if (/^postgres(ql)?:\/\//i.test(connection)) {
    const spans = findCredentials(connection);
    if (spans.some((span) => span.kind === 'url-password' && /[/?#]/.test(connection.slice(span.start, span.end)))) {
      refuse(
        `connection '${shown}' cannot be read safely: a /, ? or # before its last @ would end the password for the driver, ` +
          'which would take the rest for the host or the database; percent-encode them in the password (%2F, %3F, %23), and an @ after the host (%40)',
      );
    }
    const written = spans.map((span) => connection.slice(span.start, span.end));
    return { kind: 'postgres', url: connection, secrets: secretsOf(connection, written), shown };
  }
  if (/^\s*[a-z_]+\s*=/i.test(connection)) {
    refuse(
      `connection '${shown}' is a key=value connection string, which the PostgreSQL driver does not read; ` +
        'write a postgres://user:password@host:port/database URL',
    );
  }
  refuse(`connection '${shown}' is neither sqlite:PATH nor a postgres:// URL`);
}
