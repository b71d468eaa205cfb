import { MASK, maskCredentials } from '../mask-credentials.js';
import { task } from '../task.js';
import { callScope } from './support/call-scope.js';
import { connectionText, parseConnection, type Connection, type ConnectionDocument } from './support/connection.js';
import { runPostgres } from './support/postgres-query.js';
import { SqlQueryError, type SqlQueryResult } from './support/sql-result.js';
import { runSqlite } from './support/sqlite-query.js';

export { SqlQueryError, type SqlQueryResult } from './support/sql-result.js';

export interface SqlQueryOptions {
  /**
   * `sqlite:PATH` (relative to the working folder) or a `postgres://user:password@host:port/db` URL,
   * the password percent-encoded (`encodeURIComponent`) when it holds more than letters and digits;
   * or a `sql-connection` block (`await loadBlock('sql-connection/warehouse')`), its password kept apart.
   */
  connection: string | ConnectionDocument;
  /** One statement; `?` marks parameters for SQLite, `$1`, `$2`, ... for PostgreSQL. */
  sql: string;
  params?: readonly unknown[];
}

/**
 * The database's message, with the password taken out in every form should the driver ever repeat
 * it (not one so short that taking it out would garble the message more than it hides), and any
 * connection string in it masked.
 */
function failure(connection: Connection, error: unknown): SqlQueryError {
  let message = error instanceof Error ? error.message : String(error);
  if (connection.kind === 'postgres') {
    for (const secret of connection.secrets) if (secret.length >= 3) message = message.split(secret).join(MASK);
  }
  return new SqlQueryError(connection.shown, maskCredentials(message), (error as { code?: string })?.code);
}

/**
 * One SQL statement on SQLite or PostgreSQL, on a connection opened for the call and closed after
 * it. Answers `{ rows, rowCount }`: the rows of a SELECT or RETURNING, and how many rows it
 * returned or changed. The password of a PostgreSQL URL is masked in the run's inputs and errors,
 * whatever characters it holds.
 */
export const sqlQuery = task({ name: 'sql-query' }, async (options: SqlQueryOptions): Promise<SqlQueryResult> => {
  const given = options?.connection as unknown;
  if (typeof given !== 'string' && (typeof given !== 'object' || given === null)) {
    throw new TypeError('sqlQuery needs { connection }: sqlite:PATH, a postgres:// URL or a sql-connection block');
  }
  if (typeof options.sql !== 'string' || options.sql.trim() === '') throw new TypeError('sqlQuery needs { sql }');
  const params = options.params ?? [];
  if (!Array.isArray(params)) throw new TypeError('sqlQuery: params must be an array of positional values');
  const connection = parseConnection(connectionText(options.connection));
  const scope = callScope(`query on ${connection.shown}`, undefined);
  scope.signal.throwIfAborted();
  try {
    return connection.kind === 'sqlite'
      ? await runSqlite(connection.path, options.sql, params)
      : await runPostgres(connection.url, options.sql, params, scope.signal);
  } catch (error) {
    if (scope.signal.aborted) throw scope.reason();
    throw failure(connection, error);
  }
});
