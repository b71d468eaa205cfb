import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_STATE_TYPES } from '../../../app/core/states.js';
import { MIGRATIONS } from '../../../app/server/store/migrations.js';
import { openDatabase } from '../../../app/server/store/open-database.js';
import { sqlList } from '../../../app/server/store/sql-list.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

describe('sqlList', () => {
  it('writes words as a SQL list in the order given', () => {
    expect(sqlList(['FAILED', 'CRASHED'])).toBe("('FAILED', 'CRASHED')");
    expect(sqlList(['RUNNING'])).toBe("('RUNNING')");
  });

  it('refuses what is not a plain word, and an empty list, saying what was wrong', () => {
    expect(() => sqlList(["FAILED') OR ('1"])).toThrow(`a SQL list takes plain words only (letters, digits, _), not "FAILED') OR ('1"`);
    expect(() => sqlList(['two words'])).toThrow('not "two words"');
    expect(() => sqlList([])).toThrow('a SQL list needs at least one word');
  });

  it('selects what the list holds from a real database', () => {
    const temp = makeTempHome();
    cleanups.push(temp.cleanup);
    const db = openDatabase(temp.dbPath);
    cleanups.push(() => db.close());
    const rows = db
      .prepare(`SELECT value FROM json_each(?) WHERE value IN ${sqlList(TERMINAL_STATE_TYPES)} ORDER BY value`)
      .all(JSON.stringify(['RUNNING', 'COMPLETED', 'CANCELLED', 'PENDING', 'CRASHED', 'FAILED']));
    expect(rows).toEqual([{ value: 'CANCELLED' }, { value: 'COMPLETED' }, { value: 'CRASHED' }, { value: 'FAILED' }]);
  });

  it('writes the terminal states word for word as the index of owned runs has them, so the crash sweep walks that index', () => {
    const owned = `state_type NOT IN ${sqlList(TERMINAL_STATE_TYPES)} AND pid IS NOT NULL`;
    const index = `ix_flow_runs_owned ON flow_runs (heartbeat_at)\n        WHERE ${owned}`;
    expect(MIGRATIONS.filter((migration) => migration.sql.includes(index))).toHaveLength(1);
    const temp = makeTempHome();
    cleanups.push(temp.cleanup);
    const db = openDatabase(temp.dbPath);
    cleanups.push(() => db.close());
    const plan = db
      .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN SELECT id, pid, hostname, heartbeat_at, created_at FROM flow_runs WHERE ${owned}`)
      .all()
      .map((row) => row.detail);
    expect(plan).toEqual(['SCAN flow_runs USING INDEX ix_flow_runs_owned']);
  });
});
