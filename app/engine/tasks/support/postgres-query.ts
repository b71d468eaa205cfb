import type { Client } from 'pg';
import type { SqlQueryResult } from './sql-result.js';

/** How long the side connection that cancels a query may take to connect. */
const CANCEL_CONNECT_MS = 5000;

type Pg = typeof import('pg').default;

/**
 * Asks the server to stop the query running on the given backend, from a connection of its own:
 * closing the query's connection alone leaves a long query running until it next writes.
 */
async function cancelBackend(pg: Pg, url: string, client: Client): Promise<void> {
  // The backend's id, from the key data the server sent when the connection started.
  const pid = (client as unknown as { processID?: number | null }).processID;
  if (typeof pid !== 'number') return;
  const side = new pg.Client({ connectionString: url, connectionTimeoutMillis: CANCEL_CONNECT_MS });
  try {
    await side.connect();
    await side.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // The query's connection is closed next all the same.
  } finally {
    await side.end().catch(() => {});
  }
}

/**
 * One query on PostgreSQL, on a connection made for the call and always closed. Parameters are
 * `$1`, `$2`, ...; text without parameters may hold several statements, and the last one answers.
 * The signal cancels the query and closes the connection.
 */
export async function runPostgres(url: string, sql: string, params: readonly unknown[], signal: AbortSignal): Promise<SqlQueryResult> {
  // Loaded on first use: flows that never query PostgreSQL do not load the driver.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= client.end().catch(() => {}));
  const stop = () => void cancelBackend(pg, url, client).finally(close);
  signal.addEventListener('abort', stop, { once: true });
  try {
    signal.throwIfAborted();
    await client.connect();
    const answer: unknown = await client.query({ text: sql, values: [...params] });
    const results = (Array.isArray(answer) ? answer : [answer]) as { rows?: Record<string, unknown>[]; rowCount?: number | null }[];
    const last = results[results.length - 1];
    return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
  } finally {
    signal.removeEventListener('abort', stop);
    if (!signal.aborted) await close();
  }
}
