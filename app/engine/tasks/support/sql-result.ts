/** What a query answers: its rows (for SELECT and RETURNING), and how many rows it returned or changed. */
export interface SqlQueryResult<Row = Record<string, unknown>> {
  rows: Row[];
  rowCount: number;
}

/** A query the database refused or could not run; says where, never with the password. */
export class SqlQueryError extends Error {
  constructor(
    shownConnection: string,
    message: string,
    /** The database's own error code, e.g. SQLITE_ERROR or PostgreSQL's 42P01. */
    readonly code: string | undefined,
  ) {
    super(`query on ${shownConnection} failed: ${message}`);
    this.name = 'SqlQueryError';
  }
}
