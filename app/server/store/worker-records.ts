import type Database from 'better-sqlite3';
import { WORKER_OFFLINE_AFTER_MS, type Worker, type WorkerBeatAnswer } from '../../core/api/work-pools.js';
import { newId } from '../../core/ids.js';
import { workerFromRow, workerIsOnline, type WorkerRow } from './deployment-rows.js';
import { ACTIVE_RUN_TYPES } from './deployment-run-states.js';
import type { WorkerBeat } from './deployment-store.js';
import { handBackRuns, type HandedBackRun } from './run-hand-back.js';
import { sqlList } from './sql-list.js';
import type { TransitionWriter } from './transition-writer.js';
import type { WorkPoolRecords } from './work-pool-records.js';

/**
 * A run Cancelled before its worker's process heard of it may still be starting there: the worker
 * is told of it on its beats for this long after it ended.
 */
const CANCELLED_TOLD_FOR_MS = 60_000;

/** Workers of the pools: their beats, whether they are alive, and the claims of those that went. */
export class WorkerRecords {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly writer: TransitionWriter,
    private readonly pools: WorkPoolRecords,
    /** Told when runs may have become claimable (claims handed back). */
    private readonly changed: () => void,
  ) {
    this.stmt = {
      worker: db.prepare<[string, string], WorkerRow>('SELECT * FROM workers WHERE work_pool = ? AND name = ?'),
      workers: db.prepare<[string], WorkerRow>('SELECT * FROM workers WHERE work_pool = ? ORDER BY name'),
      insert: db.prepare(
        `INSERT INTO workers (id, work_pool, name, queues, run_limit, hostname, pid, started_at, last_heartbeat_at, offline)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      ),
      beat: db.prepare(
        `UPDATE workers SET queues = ?, run_limit = ?, hostname = ?, pid = ?, started_at = ?, last_heartbeat_at = ?, offline = 0
         WHERE id = ?`,
      ),
      setOffline: db.prepare('UPDATE workers SET offline = 1 WHERE id = ?'),
      activeRuns: db.prepare<[string, string], { n: number }>(
        `SELECT COUNT(*) AS n FROM flow_runs WHERE work_pool = ? AND worker_name = ? AND state_type IN ${sqlList(ACTIVE_RUN_TYPES)}`,
      ),
      cancelling: db.prepare<[string, string, number], { id: string }>(
        `SELECT id FROM flow_runs WHERE work_pool = ? AND worker_name = ? AND state_type IN ('CANCELLING', 'CANCELLED')
           AND (state_type = 'CANCELLING' OR end_time >= ?) ORDER BY id`,
      ),
      unstarted: db.prepare<[string, string], HandedBackRun>(
        `SELECT id, expected_start_time FROM flow_runs WHERE work_pool = ? AND worker_name = ? AND state_type = 'PENDING'`,
      ),
      silent: db.prepare<[number], WorkerRow>('SELECT * FROM workers WHERE offline = 0 AND last_heartbeat_at < ?'),
    };
  }

  private toWorker(row: WorkerRow): Worker {
    return workerFromRow(row, this.now(), this.stmt.activeRuns.get(row.work_pool, row.name)!.n);
  }

  /**
   * Records a beat, registering the worker on its first; answers it as recorded and the runs it
   * holds that were asked to stop. A worker back after it went offline starts anew.
   */
  workerHeartbeat(pool: string, beat: WorkerBeat): WorkerBeatAnswer {
    const now = this.now();
    const row = this.writer.writeBatch(() => {
      this.pools.requirePool(pool, 'pool');
      const queues = JSON.stringify(beat.queues);
      const known = this.stmt.worker.get(pool, beat.name);
      if (!known) {
        this.stmt.insert.run(newId(), pool, beat.name, queues, beat.limit, beat.hostname, beat.pid, now, now);
      } else {
        const startedAt = workerIsOnline(known, now) ? known.started_at : now;
        this.stmt.beat.run(queues, beat.limit, beat.hostname, beat.pid, startedAt, now, known.id);
      }
      return this.stmt.worker.get(pool, beat.name)!;
    });
    const cancelling = this.stmt.cancelling.all(pool, beat.name, now - CANCELLED_TOLD_FOR_MS).map((r) => r.id);
    return { worker: this.toWorker(row), cancelling };
  }

  /** Null for an unknown pool. */
  listWorkers(pool: string): Worker[] | null {
    if (!this.pools.poolRow(pool)) return null;
    return this.stmt.workers.all(pool).map((row) => this.toWorker(row));
  }

  /** The worker is OFFLINE at once and the runs it claimed but did not start are Scheduled again. */
  removeWorker(pool: string, name: string): boolean {
    const released = this.writer.writeBatch(() => {
      const row = this.stmt.worker.get(pool, name);
      if (!row) return null;
      this.stmt.setOffline.run(row.id);
      return handBackRuns(this.db, this.writer, this.stmt.unstarted.all(pool, name), `handed back: worker ${name} stopped before starting it`);
    });
    if (released === null) return false;
    if (released.length > 0) this.changed();
    return true;
  }

  /** Releases the unstarted claims of every worker silent longer than WORKER_OFFLINE_AFTER_MS; answers how many runs. */
  releaseClaimsOfSilentWorkers(): number {
    const silentBefore = this.now() - WORKER_OFFLINE_AFTER_MS;
    if (this.stmt.silent.all(silentBefore).length === 0) return 0;
    const released = this.writer.writeBatch(() => {
      let count = 0;
      for (const row of this.stmt.silent.all(silentBefore)) {
        // Offline from now on, so its claims are not looked for again on every sweep.
        this.stmt.setOffline.run(row.id);
        const message = `handed back: worker ${row.name} went silent before starting it`;
        count += handBackRuns(this.db, this.writer, this.stmt.unstarted.all(row.work_pool, row.name), message).length;
      }
      return count;
    });
    if (released > 0) this.changed();
    return released;
  }
}
