import type { SqlQueryResult } from './sql-result.js';

/** SQLite binds numbers, strings, bigints, buffers and null; other JSON values are given a form. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) return JSON.stringify(value);
  return value;
}

/** One statement on a SQLite file, opened for the call and always closed. Parameters are `?`. */
export async function runSqlite(path: string, sql: string, params: readonly unknown[]): Promise<SqlQueryResult> {
  // Loaded on first use: flows that never query SQLite do not load the native module.
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path, { timeout: 5000 });
  try {
    const statement = db.prepare(sql);
    const values = params.map(bindable);
    if (statement.reader) {
      const rows = statement.all(...values) as Record<string, unknown>[];
      return { rows, rowCount: rows.length };
    }
    return { rows: [], rowCount: statement.run(...values).changes };
  } finally {
    db.close();
  }
}
