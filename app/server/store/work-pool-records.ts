import type Database from 'better-sqlite3';
import {
  DEFAULT_QUEUE_NAME,
  JobTemplateSchema,
  PLANNED_WORK_POOL_TYPES,
  WORK_POOL_TYPES,
  type WorkPoolRead,
  type WorkQueue,
} from '../../core/api/work-pools.js';
import { newId } from '../../core/ids.js';
import { TERMINAL_STATE_TYPES } from '../../core/state-model.js';
import type { CreateWorkPool, CreateWorkQueue, UpdateWorkPool, UpdateWorkQueue } from './deployment-store.js';
import { workerFromRow, workPoolFromRow, workQueueFromRow, type WorkerRow, type WorkPoolRow, type WorkQueueRow } from './deployment-rows.js';
import { ACTIVE_RUN_TYPES, LATE_NAME } from './deployment-run-states.js';
import { sqlList } from './sql-list.js';
import { StoreError } from './store-error.js';
import type { WriteBatch } from './transition-writer.js';

/** The deployment runs of the queue `q`. */
const QUEUE_RUNS = 'r.deployment_id IS NOT NULL AND r.work_pool = q.work_pool AND r.work_queue = q.name';

/** A pool's runs count as waiting when due within this long, or already due. */
const WAITING_HORIZON_MS = 60_000;

/** Refuses a pool type that does not exist, saying whether it is planned. */
function checkPoolType(type: string): void {
  if ((WORK_POOL_TYPES as readonly string[]).includes(type)) return;
  if ((PLANNED_WORK_POOL_TYPES as readonly string[]).includes(type)) {
    throw new StoreError(`type: work pools of type '${type}' are planned but not available yet; use 'process'`, 'INVALID');
  }
  throw new StoreError(`type: unknown type '${type}'; the types that exist are ${WORK_POOL_TYPES.map((t) => `'${t}'`).join(', ')}`, 'INVALID');
}

/** The `SET` of an UPDATE for the columns given a value; those left undefined stay as they are. */
function columnChanges(pairs: readonly [column: string, value: unknown][]): { sql: string; values: unknown[] } {
  const given = pairs.filter(([, value]) => value !== undefined);
  return { sql: given.map(([column]) => `${column} = ?`).join(', '), values: given.map(([, value]) => value) };
}

/** Work pools and their queues; a pool is made with its 'default' queue. */
export class WorkPoolRecords {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly writeBatch: WriteBatch,
    /** Told when runs may have become claimable (a pool or queue resumed, a limit raised). */
    private readonly changed: () => void,
  ) {
    this.stmt = {
      pool: db.prepare<[string], WorkPoolRow>('SELECT * FROM work_pools WHERE name = ?'),
      pools: db.prepare<[], WorkPoolRow>('SELECT * FROM work_pools ORDER BY name'),
      queue: db.prepare<[string, string], WorkQueueRow>('SELECT * FROM work_queues WHERE work_pool = ? AND name = ?'),
      queues: db.prepare<[string], WorkQueueRow>('SELECT * FROM work_queues WHERE work_pool = ? ORDER BY priority, name'),
      workers: db.prepare<[string], WorkerRow>('SELECT * FROM workers WHERE work_pool = ? ORDER BY name'),
      activeRunsOfWorker: db.prepare<[string, string], { n: number }>(
        `SELECT COUNT(*) AS n FROM flow_runs WHERE work_pool = ? AND worker_name = ? AND state_type IN ${sqlList(ACTIVE_RUN_TYPES)}`,
      ),
      // Counted queue by queue, so each count is a seek in ix_flow_runs_queue_due, however many runs the pool ran before.
      runCounts: db.prepare<[{ horizon: number; pool: string }], { waiting: number; late: number; running: number }>(
        `SELECT
           TOTAL((SELECT COUNT(*) FROM flow_runs r WHERE ${QUEUE_RUNS} AND r.state_type = 'SCHEDULED'
                    AND r.state_name != '${LATE_NAME}' AND r.expected_start_time <= @horizon)) AS waiting,
           TOTAL((SELECT COUNT(*) FROM flow_runs r WHERE ${QUEUE_RUNS} AND r.state_type = 'SCHEDULED'
                    AND r.state_name = '${LATE_NAME}')) AS late,
           TOTAL((SELECT COUNT(*) FROM flow_runs r WHERE ${QUEUE_RUNS} AND r.state_type IN ${sqlList(ACTIVE_RUN_TYPES)})) AS running
         FROM work_queues q WHERE q.work_pool = @pool`,
      ),
      insertPool: db.prepare(
        `INSERT INTO work_pools (id, name, type, description, paused, concurrency_limit, job_template, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertQueue: db.prepare(
        `INSERT INTO work_queues (id, work_pool, name, description, priority, concurrency_limit, paused, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      lowestPriority: db.prepare<[string], { p: number | null }>('SELECT MAX(priority) AS p FROM work_queues WHERE work_pool = ?'),
      deploymentsOfPool: db.prepare<[string], { flow_name: string; name: string }>(
        'SELECT flow_name, name FROM deployments WHERE work_pool = ? ORDER BY flow_name, name',
      ),
    };
  }

  private readPool(row: WorkPoolRow): WorkPoolRead {
    const now = this.now();
    const counts = this.stmt.runCounts.get({ horizon: now + WAITING_HORIZON_MS, pool: row.name })!;
    return {
      ...workPoolFromRow(row),
      queues: this.stmt.queues.all(row.name).map(workQueueFromRow),
      workers: this.stmt.workers.all(row.name).map((w) => workerFromRow(w, now, this.stmt.activeRunsOfWorker.get(row.name, w.name)!.n)),
      runs: { waiting: counts.waiting, late: counts.late, running: counts.running },
    };
  }

  /** The pool's row, or a NOT_FOUND naming `field`. */
  requirePool(name: string, field = 'workPool'): WorkPoolRow {
    const row = this.stmt.pool.get(name);
    if (!row) throw new StoreError(`${field}: no work pool named '${name}'`, 'NOT_FOUND');
    return row;
  }

  poolRow(name: string): WorkPoolRow | null {
    return this.stmt.pool.get(name) ?? null;
  }

  queueRow(pool: string, name: string): WorkQueueRow | null {
    return this.stmt.queue.get(pool, name) ?? null;
  }

  createWorkPool(request: CreateWorkPool): WorkPoolRead {
    checkPoolType(request.type);
    const now = this.now();
    const jobTemplate = request.jobTemplate ?? JobTemplateSchema.parse({});
    this.writeBatch(() => {
      if (this.stmt.pool.get(request.name)) throw new StoreError(`name: a work pool named '${request.name}' exists already`, 'CONFLICT');
      this.stmt.insertPool.run(
        newId(),
        request.name,
        request.type,
        request.description ?? null,
        request.paused ? 1 : 0,
        request.concurrencyLimit ?? null,
        JSON.stringify(jobTemplate),
        now,
        now,
      );
      this.stmt.insertQueue.run(newId(), request.name, DEFAULT_QUEUE_NAME, null, 1, null, 0, now);
    });
    return this.getWorkPool(request.name)!;
  }

  listWorkPools(): WorkPoolRead[] {
    return this.stmt.pools.all().map((row) => this.readPool(row));
  }

  getWorkPool(name: string): WorkPoolRead | null {
    const row = this.stmt.pool.get(name);
    return row ? this.readPool(row) : null;
  }

  updateWorkPool(name: string, changes: UpdateWorkPool): WorkPoolRead | null {
    const found = this.writeBatch(() => {
      const row = this.stmt.pool.get(name);
      if (!row) return false;
      const set = columnChanges([
        ['description', changes.description],
        ['concurrency_limit', changes.concurrencyLimit],
        ['job_template', changes.jobTemplate === undefined ? undefined : JSON.stringify(changes.jobTemplate)],
        ['paused', changes.paused === undefined ? undefined : Number(changes.paused)],
        ['updated_at', this.now()],
      ]);
      this.db.prepare(`UPDATE work_pools SET ${set.sql} WHERE name = ?`).run(...set.values, name);
      return true;
    });
    if (!found) return null;
    this.changed();
    return this.getWorkPool(name);
  }

  /** Refuses (CONFLICT) while deployments name the pool, naming them. */
  deleteWorkPool(name: string): boolean {
    return this.writeBatch(() => {
      if (!this.stmt.pool.get(name)) return false;
      const users = this.stmt.deploymentsOfPool.all(name);
      if (users.length > 0) {
        const shown = users.slice(0, 10).map((d) => `${d.flow_name}/${d.name}`);
        const more = users.length > shown.length ? ` and ${users.length - shown.length} more` : '';
        throw new StoreError(
          `work pool '${name}' is used by the deployment${users.length === 1 ? '' : 's'} ${shown.join(', ')}${more}; delete them or move them to another pool first`,
          'CONFLICT',
        );
      }
      this.db.prepare('DELETE FROM work_queues WHERE work_pool = ?').run(name);
      this.db.prepare('DELETE FROM workers WHERE work_pool = ?').run(name);
      this.db.prepare('DELETE FROM work_pools WHERE name = ?').run(name);
      return true;
    });
  }

  createWorkQueue(pool: string, request: CreateWorkQueue): WorkQueue {
    const now = this.now();
    this.writeBatch(() => {
      this.requirePool(pool, 'pool');
      if (this.stmt.queue.get(pool, request.name)) {
        throw new StoreError(`name: work pool '${pool}' has a queue named '${request.name}' already`, 'CONFLICT');
      }
      // A new queue is served after those there, unless it says otherwise.
      const priority = request.priority ?? (this.stmt.lowestPriority.get(pool)!.p ?? 0) + 1;
      this.stmt.insertQueue.run(
        newId(),
        pool,
        request.name,
        request.description ?? null,
        priority,
        request.concurrencyLimit ?? null,
        request.paused ? 1 : 0,
        now,
      );
    });
    return workQueueFromRow(this.stmt.queue.get(pool, request.name)!);
  }

  /** Null for an unknown pool. */
  listWorkQueues(pool: string): WorkQueue[] | null {
    if (!this.stmt.pool.get(pool)) return null;
    return this.stmt.queues.all(pool).map(workQueueFromRow);
  }

  getWorkQueue(pool: string, name: string): WorkQueue | null {
    const row = this.stmt.queue.get(pool, name);
    return row ? workQueueFromRow(row) : null;
  }

  updateWorkQueue(pool: string, name: string, changes: UpdateWorkQueue): WorkQueue | null {
    const found = this.writeBatch(() => {
      if (!this.stmt.queue.get(pool, name)) return false;
      const set = columnChanges([
        ['description', changes.description],
        ['priority', changes.priority],
        ['concurrency_limit', changes.concurrencyLimit],
        ['paused', changes.paused === undefined ? undefined : Number(changes.paused)],
      ]);
      if (set.values.length > 0) this.db.prepare(`UPDATE work_queues SET ${set.sql} WHERE work_pool = ? AND name = ?`).run(...set.values, pool, name);
      return true;
    });
    if (!found) return null;
    this.changed();
    return this.getWorkQueue(pool, name);
  }

  /**
   * Deletes a queue; its runs that have not ended (so they still count against the pool's limit),
   * and the deployments that name it, move to the pool's 'default' queue, which cannot be deleted.
   */
  deleteWorkQueue(pool: string, name: string): boolean {
    if (name === DEFAULT_QUEUE_NAME) {
      throw new StoreError(`queue: the '${DEFAULT_QUEUE_NAME}' queue of a work pool cannot be deleted`, 'INVALID');
    }
    const deleted = this.writeBatch(() => {
      if (!this.stmt.queue.get(pool, name)) return false;
      this.db
        .prepare(
          `UPDATE flow_runs SET work_queue = ? WHERE work_pool = ? AND work_queue = ? AND deployment_id IS NOT NULL
             AND state_type NOT IN ${sqlList(TERMINAL_STATE_TYPES)}`,
        )
        .run(DEFAULT_QUEUE_NAME, pool, name);
      this.db.prepare('UPDATE deployments SET work_queue = NULL WHERE work_pool = ? AND work_queue = ?').run(pool, name);
      this.db.prepare('DELETE FROM work_queues WHERE work_pool = ? AND name = ?').run(pool, name);
      return true;
    });
    if (deleted) this.changed();
    return deleted;
  }
}
