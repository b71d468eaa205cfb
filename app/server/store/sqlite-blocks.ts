import type Database from 'better-sqlite3';
import { newId } from '../../core/ids.js';
import type { BlockContent, StoredBlock } from './block-store.js';
import { StoreError } from './store-error.js';
import type { WriteBatch } from './transition-writer.js';

interface BlockRow {
  id: string;
  type: string;
  name: string;
  data: string;
  sealed: string;
  created_at: number;
  updated_at: number;
  last_loaded_by: string | null;
  last_loaded_at: number | null;
}

function blockFromRow(row: BlockRow): StoredBlock {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    data: JSON.parse(row.data) as Record<string, unknown>,
    sealed: JSON.parse(row.sealed) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoad: row.last_loaded_at === null ? null : { flowRunId: row.last_loaded_by, at: row.last_loaded_at },
  };
}

/** Each block with its last load, if it has one. */
const SELECT_BLOCKS =
  'SELECT blocks.*, block_loads.flow_run_id AS last_loaded_by, block_loads.loaded_at AS last_loaded_at ' +
  'FROM blocks LEFT JOIN block_loads ON block_loads.block_id = blocks.id';

/** Blocks in the SQLite store, answered synchronously as the rest of SqliteStore is. */
export class SqliteBlocks {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
    private readonly writeBatch: WriteBatch,
  ) {
    this.stmt = {
      one: db.prepare<[string, string], BlockRow>(`${SELECT_BLOCKS} WHERE type = ? AND name = ?`),
      all: db.prepare<[], BlockRow>(`${SELECT_BLOCKS} ORDER BY type, name`),
      ofType: db.prepare<[string], BlockRow>(`${SELECT_BLOCKS} WHERE type = ? ORDER BY name`),
      insert: db.prepare('INSERT INTO blocks (id, type, name, data, sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      replace: db.prepare('UPDATE blocks SET data = ?, sealed = ?, updated_at = ? WHERE type = ? AND name = ?'),
      remove: db.prepare('DELETE FROM blocks WHERE type = ? AND name = ?'),
      idOf: db.prepare<[string, string], { id: string }>('SELECT id FROM blocks WHERE type = ? AND name = ?'),
      forgetLoad: db.prepare('DELETE FROM block_loads WHERE block_id = ?'),
      noteLoad: db.prepare(
        'INSERT INTO block_loads (block_id, flow_run_id, loaded_at) VALUES (?, ?, ?) ' +
          'ON CONFLICT (block_id) DO UPDATE SET flow_run_id = excluded.flow_run_id, loaded_at = excluded.loaded_at',
      ),
    };
  }

  listBlocks(type?: string): StoredBlock[] {
    const rows = type === undefined ? this.stmt.all.all() : this.stmt.ofType.all(type);
    return rows.map(blockFromRow);
  }

  getBlock(type: string, name: string): StoredBlock | null {
    const row = this.stmt.one.get(type, name);
    return row ? blockFromRow(row) : null;
  }

  insertBlock(type: string, name: string, content: BlockContent): StoredBlock {
    return this.writeBatch(() => {
      if (this.stmt.one.get(type, name)) throw new StoreError(`name: a block ${type}/${name} exists already`, 'CONFLICT');
      const now = this.now();
      this.stmt.insert.run(newId(), type, name, JSON.stringify(content.data), JSON.stringify(content.sealed), now, now);
      return blockFromRow(this.stmt.one.get(type, name)!);
    });
  }

  replaceBlock(type: string, name: string, content: BlockContent): StoredBlock | null {
    return this.writeBatch(() => {
      const changed = this.stmt.replace.run(JSON.stringify(content.data), JSON.stringify(content.sealed), this.now(), type, name);
      return changed.changes === 0 ? null : blockFromRow(this.stmt.one.get(type, name)!);
    });
  }

  deleteBlock(type: string, name: string): boolean {
    return this.writeBatch(() => {
      const block = this.stmt.idOf.get(type, name);
      if (!block) return false;
      // A block made again later under the same name starts with no loads.
      this.stmt.forgetLoad.run(block.id);
      return this.stmt.remove.run(type, name).changes > 0;
    });
  }

  recordBlockLoad(type: string, name: string, flowRunId: string | null): boolean {
    return this.writeBatch(() => {
      const block = this.stmt.idOf.get(type, name);
      if (!block) return false;
      this.stmt.noteLoad.run(block.id, flowRunId, this.now());
      return true;
    });
  }
}
