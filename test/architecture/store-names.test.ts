// Only the store's implementation knows it is SQLite: everything else holds a RunStore, so a
// PostgreSQL store can take its place.
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './layer-rules.js';

const APP = resolve(import.meta.dirname, '../../app');

/** Names that tie code to the SQLite store rather than to the RunStore interface. */
const SQLITE_NAMES = ['SqliteStore', 'better-sqlite3', 'sqlite-store'];

/**
 * Folders of app/ that may name them: the store itself, and the built-in tasks, whose SQL task
 * opens SQLite databases of the user's own.
 */
const MAY_NAME_SQLITE = ['server/store/', 'engine/tasks/'];

interface SqliteMention {
  file: string;
  name: string;
}

function sqliteMentions(file: string, source: string): SqliteMention[] {
  const path = relative(APP, file).split('\\').join('/');
  if (MAY_NAME_SQLITE.some((folder) => path.startsWith(folder))) return [];
  return SQLITE_NAMES.filter((name) => source.includes(name)).map((name) => ({ file: path, name }));
}

describe('the store interface', () => {
  it('is all that app/ outside the store knows of it: no file there names the SQLite store', () => {
    const mentions = sourceFiles(APP).flatMap((file) => sqliteMentions(file, readFileSync(file, 'utf8')));
    expect(mentions).toEqual([]);
  });

  it('finds a file outside the store that names SQLite', () => {
    expect(sqliteMentions(join(APP, 'cli', 'example.ts'), "import { SqliteStore } from '../server/store/index.js';")).toEqual([
      { file: 'cli/example.ts', name: 'SqliteStore' },
    ]);
    expect(sqliteMentions(join(APP, 'server', 'http', 'example.ts'), "import type Database from 'better-sqlite3';")).toEqual([
      { file: 'server/http/example.ts', name: 'better-sqlite3' },
    ]);
    expect(sqliteMentions(join(APP, 'main', 'example.ts'), "import type { X } from '../server/store/sqlite-store.js';")).toEqual([
      { file: 'main/example.ts', name: 'sqlite-store' },
    ]);
  });

  it('lets the store and the SQL task name it', () => {
    expect(sqliteMentions(join(APP, 'server', 'store', 'example.ts'), "import type Database from 'better-sqlite3';")).toEqual([]);
    expect(sqliteMentions(join(APP, 'engine', 'tasks', 'example.ts'), "await import('better-sqlite3');")).toEqual([]);
  });
});
