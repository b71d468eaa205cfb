/** What artifacts may hold, checked in one place for the SDK, the store, the API and the CLI. */

export const ARTIFACT_TYPES = ['markdown', 'table', 'link', 'progress'] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

export const ARTIFACT_KEY_MAX = 255;
/** Prefect's rule: keys are lowercase letters, digits and dashes, so they read well in URLs and commands. */
const ARTIFACT_KEY_PATTERN = /^[a-z0-9-]+$/;
export const ARTIFACT_KEY_RULE = 'lowercase letters, digits and dashes only';

export const ARTIFACT_DESCRIPTION_MAX = 5_000;
/** The most characters an artifact's data may take, serialised as JSON. */
export const ARTIFACT_DATA_MAX_CHARS = 1_000_000;

/** Why a key is not allowed, or null when it is. */
export function artifactKeyProblem(key: string): string | null {
  if (key.length === 0) return 'must not be empty';
  if (key.length > ARTIFACT_KEY_MAX) return `must be at most ${ARTIFACT_KEY_MAX} characters, got ${key.length}`;
  if (!ARTIFACT_KEY_PATTERN.test(key)) return `must be ${ARTIFACT_KEY_RULE}, got '${key}'`;
  return null;
}

/** How a table artifact's data is laid out. */
export type TableShape = 'rows' | 'columns' | 'lists';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A list of row objects, a dict of columns (each a list), or a list of lists (rows, first one not
 * taken as a header); null for anything else. An empty list is an empty table of rows.
 */
export function tableShape(value: unknown): TableShape | null {
  if (Array.isArray(value)) {
    if (value.every(isPlainObject)) return 'rows';
    if (value.every(Array.isArray)) return 'lists';
    return null;
  }
  if (isPlainObject(value) && Object.values(value).every(Array.isArray)) return 'columns';
  return null;
}

export const TABLE_SHAPE_RULE = 'must be a list of row objects, a dict of columns (each a list), or a list of lists';

export const PROGRESS_MIN = 0;
export const PROGRESS_MAX = 100;

/** Why a progress value is not allowed, or null. */
export function progressProblem(progress: unknown): string | null {
  if (typeof progress !== 'number' || !Number.isFinite(progress)) return 'must be a number from 0 to 100';
  if (progress < PROGRESS_MIN || progress > PROGRESS_MAX) return `must be from 0 to 100, got ${progress}`;
  return null;
}

/** Links people may follow from an artifact: web pages and mail only, never script. */
export function isSafeLink(link: string): boolean {
  return /^(https?:|mailto:)/i.test(link.trim());
}

/** A table artifact's data as columns and rows of cells, whichever shape it was given in. */
export interface NormalizedTable {
  columns: string[];
  rows: unknown[][];
}

/**
 * Rows of objects give their keys as columns in the order first seen; a dict of columns gives
 * its keys, shorter columns padded with null; a list of lists gives numbered columns. Null for
 * data that is not a table.
 */
export function normalizeTable(data: unknown): NormalizedTable | null {
  switch (tableShape(data)) {
    case 'rows': {
      const rows = data as Record<string, unknown>[];
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      return { columns, rows: rows.map((row) => columns.map((column) => (column in row ? row[column] : null))) };
    }
    case 'columns': {
      const dict = data as Record<string, unknown[]>;
      const columns = Object.keys(dict);
      const height = Math.max(0, ...columns.map((column) => dict[column].length));
      const rows = Array.from({ length: height }, (_, i) => columns.map((column) => (i < dict[column].length ? dict[column][i] : null)));
      return { columns, rows };
    }
    case 'lists': {
      const lists = data as unknown[][];
      const width = Math.max(0, ...lists.map((row) => row.length));
      const columns = Array.from({ length: width }, (_, i) => String(i));
      return { columns, rows: lists.map((row) => columns.map((_, i) => (i < row.length ? row[i] : null))) };
    }
    case null:
      return null;
  }
}

/** One cell as text: strings as they are, null and missing as empty, anything else as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
