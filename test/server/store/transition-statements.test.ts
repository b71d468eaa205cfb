import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  FLOW_RUN_INSERT,
  FLOW_RUN_STATE_UPDATE,
  STATE_INSERT,
  TASK_RUN_INSERT,
  TASK_RUN_STATE_UPDATE,
  type ColumnList,
} from '../../../app/server/store/transition-statements.js';

const LISTS: Record<string, ColumnList<never>> = { FLOW_RUN_INSERT, TASK_RUN_INSERT, STATE_INSERT, FLOW_RUN_STATE_UPDATE, TASK_RUN_STATE_UPDATE };

describe('the column lists a transition binds', () => {
  it('name each column once', () => {
    for (const [name, list] of Object.entries(LISTS)) {
      expect(new Set(list.columns).size, name).toBe(list.columns.length);
    }
  });

  it("run a statement with the row's values in their columns, and the WHERE's parameters after them", () => {
    const db = new Database(':memory:');
    for (const [name, list] of Object.entries(LISTS)) {
      db.exec(`CREATE TABLE ${name} (${list.columns.join(', ')}, key1, key2)`);
      const row = Object.fromEntries(list.columns.map((column) => [column, `${column}-value`])) as never;
      const placeholders = list.columns.map(() => '?').join(', ');
      list.run(db.prepare(`INSERT INTO ${name} (${list.columns.join(', ')}) VALUES (${placeholders})`), row);
      list.runWhere(db.prepare(`INSERT INTO ${name} (${list.columns.join(', ')}, key1) VALUES (${placeholders}, ?)`), row, 'one');
      list.runWhere2(db.prepare(`INSERT INTO ${name} (${list.columns.join(', ')}, key1, key2) VALUES (${placeholders}, ?, ?)`), row, 'one', 'two');
      const expected = Object.fromEntries(list.columns.map((column) => [column, `${column}-value`]));
      expect(db.prepare(`SELECT * FROM ${name}`).all(), name).toEqual([
        { ...expected, key1: null, key2: null },
        { ...expected, key1: 'one', key2: null },
        { ...expected, key1: 'one', key2: 'two' },
      ]);
    }
    db.close();
  });

  it('set the state columns of a task run as of a flow run, and its cache key after them', () => {
    expect(TASK_RUN_STATE_UPDATE.columns).toEqual([...FLOW_RUN_STATE_UPDATE.columns, 'cache_key']);
  });
});
