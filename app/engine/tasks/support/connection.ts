import { resolve } from 'node:path';
import { maskCredentials } from '../../mask-credentials.js';

/** Where a query goes, parsed from the connection text. */
export type Connection =
  | { kind: 'sqlite'; path: string; shown: string }
  | { kind: 'postgres'; url: string; password: string; shown: string };

function passwordOf(url: string): string {
  try {
    const parsed = new URL(url);
    return decodeURIComponent(parsed.password) || parsed.searchParams.get('password') || '';
  } catch {
    return '';
  }
}

/**
 * `sqlite:PATH` (relative to the flow process's working folder; `sqlite::memory:` for a database
 * that lives for one query) or a `postgres://` / `postgresql://` URL.
 */
export function parseConnection(connection: string): Connection {
  const shown = maskCredentials(connection);
  if (connection.startsWith('sqlite:')) {
    const path = connection.slice('sqlite:'.length);
    if (path === '') throw new TypeError(`sqlQuery: connection '${shown}' names no file; write sqlite:PATH`);
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(process.cwd(), path), shown };
  }
  if (/^postgres(ql)?:\/\//i.test(connection)) return { kind: 'postgres', url: connection, password: passwordOf(connection), shown };
  throw new TypeError(`sqlQuery: connection '${shown}' is neither sqlite:PATH nor a postgres:// URL`);
}
