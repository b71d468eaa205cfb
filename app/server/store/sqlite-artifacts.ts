import type Database from 'better-sqlite3';
import type { Artifact, ArtifactFilter, ArtifactPage, ArtifactType, LatestArtifactsFilter, NewArtifact } from '../../core/api/artifacts.js';
import { artifactKeyProblem, progressProblem } from '../../core/artifact-rules.js';
import { newId } from '../../core/ids.js';
import { StoreError } from './store-error.js';
import type { WriteBatch } from './transition-writer.js';

interface ArtifactRow {
  seq: number;
  id: string;
  key: string | null;
  type: ArtifactType;
  data: string;
  description: string | null;
  flow_run_id: string;
  task_run_id: string | null;
  created_at: number;
  updated_at: number;
}

function toArtifact(row: ArtifactRow): Artifact {
  return {
    id: row.id,
    key: row.key,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    description: row.description,
    flowRunId: row.flow_run_id,
    taskRunId: row.task_run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A page of rows read one past its limit: the extra row says another page follows. */
function page(rows: ArtifactRow[], limit: number): ArtifactPage {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? String(items[items.length - 1].seq) : null;
  return { items: items.map(toArtifact), nextCursor };
}

/** Artifacts in the SQLite store; `seq` orders them by creation, newest highest, and is the page cursor. */
export class SqliteArtifacts {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly writeBatch: WriteBatch,
    private readonly hasFlowRun: (id: string) => boolean,
  ) {}

  create(artifact: NewArtifact): Artifact {
    if (artifact.key !== null) {
      const problem = artifactKeyProblem(artifact.key);
      if (problem) throw new StoreError(`key ${problem}`, 'INVALID');
    }
    if (artifact.type === 'progress') {
      const problem = progressProblem(artifact.data);
      if (problem) throw new StoreError(`data: progress ${problem}`, 'INVALID');
    }
    if (!this.hasFlowRun(artifact.flowRunId)) throw new StoreError(`flowRunId: no flow run ${artifact.flowRunId}`, 'NOT_FOUND');
    const id = newId();
    const now = this.now();
    this.writeBatch(() =>
      this.db
        .prepare(
          `INSERT INTO artifacts (id, key, type, data, description, flow_run_id, task_run_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, artifact.key, artifact.type, JSON.stringify(artifact.data), artifact.description, artifact.flowRunId, artifact.taskRunId, now, now),
    );
    return this.get(id)!;
  }

  updateProgress(id: string, progress: number): Artifact | null {
    const problem = progressProblem(progress);
    if (problem) throw new StoreError(`progress ${problem}`, 'INVALID');
    const artifact = this.get(id);
    if (!artifact) return null;
    if (artifact.type !== 'progress') {
      throw new StoreError(`artifact ${id} is a ${artifact.type} artifact; only progress artifacts are updated in place`, 'CONFLICT');
    }
    this.writeBatch(() =>
      this.db.prepare('UPDATE artifacts SET data = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(progress), this.now(), id),
    );
    return this.get(id);
  }

  get(id: string): Artifact | null {
    const row = this.db.prepare<[string], ArtifactRow>('SELECT * FROM artifacts WHERE id = ?').get(id);
    return row ? toArtifact(row) : null;
  }

  list(filter: ArtifactFilter): ArtifactPage {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      args.push(value);
    };
    add('flow_run_id = ?', filter.flowRunId);
    add('task_run_id = ?', filter.taskRunId);
    add('key = ?', filter.key);
    add('type = ?', filter.type);
    add('seq < ?', filter.cursor === undefined ? undefined : Number(filter.cursor));
    const sql = `SELECT * FROM artifacts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return page(this.db.prepare<unknown[], ArtifactRow>(sql).all(...args, filter.limit + 1), filter.limit);
  }

  listLatest(filter: LatestArtifactsFilter): ArtifactPage {
    const where = ['a.key IS NOT NULL', 'a.seq = (SELECT MAX(b.seq) FROM artifacts b WHERE b.key = a.key)'];
    const args: (string | number)[] = [];
    if (filter.flowRunId !== undefined) {
      where.push('a.flow_run_id = ?');
      args.push(filter.flowRunId);
    }
    if (filter.type !== undefined) {
      where.push('a.type = ?');
      args.push(filter.type);
    }
    if (filter.cursor !== undefined) {
      where.push('a.seq < ?');
      args.push(Number(filter.cursor));
    }
    const sql = `SELECT a.* FROM artifacts a WHERE ${where.join(' AND ')} ORDER BY a.seq DESC LIMIT ?`;
    return page(this.db.prepare<unknown[], ArtifactRow>(sql).all(...args, filter.limit + 1), filter.limit);
  }

  versions(key: string): Artifact[] {
    return this.db.prepare<[string], ArtifactRow>('SELECT * FROM artifacts WHERE key = ? ORDER BY seq DESC').all(key).map(toArtifact);
  }

  delete(id: string): boolean {
    return this.writeBatch(() => this.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id).changes > 0);
  }

  deleteKey(key: string): number {
    return this.writeBatch(() => this.db.prepare('DELETE FROM artifacts WHERE key = ?').run(key).changes);
  }
}
