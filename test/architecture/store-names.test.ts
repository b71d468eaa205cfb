// Only the store's implementation knows it is SQLite: everything else holds a RunStore, so a
// PostgreSQL store can take its place. The tests and benchmarks take their store from a factory,
// so the same tests can run against either.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './layer-rules.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Names that tie code to the SQLite store rather than to the RunStore interface. */
const SQLITE_NAMES = ['SqliteStore', 'better-sqlite3', 'sqlite-store'];

/**
 * Folders that may name them: the store itself and its own tests, and the built-in tasks and
 * their tests, whose SQL task opens SQLite databases of the user's own.
 */
const MAY_NAME_SQLITE = ['app/server/store/', 'app/engine/tasks/', 'test/server/store/', 'test/engine/tasks/'];

/** Files elsewhere that may name them, each for what only SQLite has. */
const ALLOWED_FILES: Record<string, string> = {
  'test/helpers/store-factory.ts': 'hands the SQLite store behind a test store to the tests of what only SQLite has',
  'test/architecture/store-names.test.ts': 'this check, which spells the names it looks for',
  'test/server/http/listing-migration.test.ts': "writes a database of an older schema, which the store's migrations bring up to date",
  'test/server/http/flow-run-search.test.ts': "writes a database of an older schema, whose runs the search index's migration fills in",
  'test/integration/bad-input.test.ts': "writes another program's SQLite database, which the CLI must refuse",
  'bench/lib/env.ts': "measures the floors on SQLite itself and checks a run's rows in the store's file",
  'bench/lib/raw-rows.ts': "writes the store's rows with raw SQLite, for the floors",
  'bench/workloads/replay.ts': 'writes a million rows straight into the SQLite file',
  'bench/workloads/runs-list.ts': 'writes a million rows straight into the SQLite file',
};

interface SqliteMention {
  file: string;
  name: string;
}

function sqliteMentions(file: string, source: string): SqliteMention[] {
  const path = relative(ROOT, file).split('\\').join('/');
  if (MAY_NAME_SQLITE.some((folder) => path.startsWith(folder)) || path in ALLOWED_FILES) return [];
  return SQLITE_NAMES.filter((name) => source.includes(name)).map((name) => ({ file: path, name }));
}

/** The tests' and benchmarks' code, their plain JavaScript fixtures included. */
function scriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scriptFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const mentionsIn = (files: string[]) => files.flatMap((file) => sqliteMentions(file, readFileSync(file, 'utf8')));

describe('the store interface', () => {
  it('is all that app/ outside the store knows of it: no file there names the SQLite store', () => {
    expect(mentionsIn(sourceFiles(join(ROOT, 'app')))).toEqual([]);
  });

  it('is all that the tests and benchmarks know of it, but for the files listed with their reason', () => {
    expect(mentionsIn([...scriptFiles(join(ROOT, 'test')), ...scriptFiles(join(ROOT, 'bench'))])).toEqual([]);
  });

  it('lists only files that are there', () => {
    expect(Object.keys(ALLOWED_FILES).filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('finds a file outside the store that names SQLite', () => {
    expect(sqliteMentions(join(ROOT, 'app', 'cli', 'example.ts'), "import { SqliteStore } from '../server/store/index.js';")).toEqual([
      { file: 'app/cli/example.ts', name: 'SqliteStore' },
    ]);
    expect(sqliteMentions(join(ROOT, 'app', 'server', 'http', 'example.ts'), "import type Database from 'better-sqlite3';")).toEqual([
      { file: 'app/server/http/example.ts', name: 'better-sqlite3' },
    ]);
    expect(sqliteMentions(join(ROOT, 'app', 'main', 'example.ts'), "import type { X } from '../server/store/sqlite-store.js';")).toEqual([
      { file: 'app/main/example.ts', name: 'sqlite-store' },
    ]);
  });

  it('finds a test, a fixture or a benchmark that names SQLite', () => {
    expect(sqliteMentions(join(ROOT, 'test', 'engine', 'example.test.ts'), 'const store = SqliteStore.open({ path });')).toEqual([
      { file: 'test/engine/example.test.ts', name: 'SqliteStore' },
    ]);
    expect(
      sqliteMentions(join(ROOT, 'test', 'fixtures', 'example.mjs'), "import { SqliteStore } from '../../dist/app/server/store/index.js';"),
    ).toEqual([{ file: 'test/fixtures/example.mjs', name: 'SqliteStore' }]);
    expect(sqliteMentions(join(ROOT, 'bench', 'workloads', 'example.ts'), "import Database from 'better-sqlite3';")).toEqual([
      { file: 'bench/workloads/example.ts', name: 'better-sqlite3' },
    ]);
  });

  it('lets the store, its tests, the SQL task and the listed files name it', () => {
    expect(sqliteMentions(join(ROOT, 'app', 'server', 'store', 'example.ts'), "import type Database from 'better-sqlite3';")).toEqual([]);
    expect(sqliteMentions(join(ROOT, 'app', 'engine', 'tasks', 'example.ts'), "await import('better-sqlite3');")).toEqual([]);
    expect(sqliteMentions(join(ROOT, 'test', 'server', 'store', 'example.test.ts'), 'SqliteStore.open({ path });')).toEqual([]);
    expect(sqliteMentions(join(ROOT, 'test', 'engine', 'tasks', 'example.test.ts'), "import Database from 'better-sqlite3';")).toEqual([]);
    expect(sqliteMentions(join(ROOT, 'test', 'helpers', 'store-factory.ts'), 'store instanceof SqliteStore')).toEqual([]);
  });
});
