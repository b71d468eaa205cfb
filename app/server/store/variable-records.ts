import type Database from 'better-sqlite3';
import type { StoredVariable } from '../../core/api/variables.js';
import { serialiseVariableValue, variableProblems } from '../../core/api/variable-rules.js';
import { StoreError } from './store-error.js';
import type { WriteBatch } from './transition-writer.js';
import type { SetVariableRequest, VariableFilter } from './variable-store.js';

interface VariableRow {
  name: string;
  value: string;
  tags: string;
  created_at: number;
  updated_at: number;
}

function variableFromRow(row: VariableRow): StoredVariable {
  return {
    name: row.name,
    value: JSON.parse(row.value) as unknown,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Variables in the SQLite store, answered synchronously; SqliteRunStore holds them as its VariableStore part. */
export class VariableRecords {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
    private readonly writeBatch: WriteBatch,
  ) {
    this.stmt = {
      one: db.prepare<[string], VariableRow>('SELECT * FROM variables WHERE name = ?'),
      all: db.prepare<[], VariableRow>('SELECT * FROM variables ORDER BY name'),
      // Any case, and the text taken as it is: `%` and `_` in it are no wildcards.
      containing: db.prepare<[string], VariableRow>('SELECT * FROM variables WHERE instr(lower(name), lower(?)) > 0 ORDER BY name'),
      upsert: db.prepare(
        `INSERT INTO variables (name, value, tags, created_at, updated_at) VALUES (@name, @value, @tags, @now, @now)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, tags = excluded.tags, updated_at = excluded.updated_at`,
      ),
      remove: db.prepare('DELETE FROM variables WHERE name = ?'),
    };
  }

  list(filter: VariableFilter = {}): StoredVariable[] {
    const rows = filter.nameContains ? this.stmt.containing.all(filter.nameContains) : this.stmt.all.all();
    const wanted = filter.tags ?? [];
    return rows.map(variableFromRow).filter((variable) => wanted.every((tag) => variable.tags.includes(tag)));
  }

  get(name: string): StoredVariable | null {
    const row = this.stmt.one.get(name);
    return row ? variableFromRow(row) : null;
  }

  set(name: string, request: SetVariableRequest): StoredVariable {
    const problems = variableProblems({ name, value: request.value, tags: request.tags });
    if (problems.length > 0) throw new StoreError(problems.join('; '), 'INVALID');
    return this.writeBatch(() => {
      const existing = this.stmt.one.get(name);
      if (existing && !request.overwrite) {
        throw new StoreError(`variable '${name}' already exists; set it with overwrite to replace its value`, 'CONFLICT');
      }
      const tags = request.tags ? [...new Set(request.tags)] : existing ? (JSON.parse(existing.tags) as string[]) : [];
      this.stmt.upsert.run({ name, value: serialiseVariableValue(request.value)!, tags: JSON.stringify(tags), now: this.now() });
      return variableFromRow(this.stmt.one.get(name)!);
    });
  }

  delete(name: string): boolean {
    return this.writeBatch(() => this.stmt.remove.run(name).changes > 0);
  }
}
