import { randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { DeployRequest, Deployment, DeploymentRead, DeploymentRun, DeploymentSummary } from '../../core/api/deployments.js';
import { DEFAULT_QUEUE_NAME, WORK_POOL_TYPES } from '../../core/api/work-pool-rules.js';
import { newId } from '../../core/ids.js';
import type { FlowRun } from '../../core/index.js';
import { retryPolicyWithDefaults } from '../../core/run-defaults.js';
import type { Schedule } from '../../core/schedules/index.js';
import { deploymentFromRow, type DeploymentRow, type ScheduleRow } from './deployment-rows.js';
import { SCHEDULED_NAME } from './deployment-run-states.js';
import type { DeploymentRunRequest } from './deployment-store.js';
import { StoreError } from './store-error.js';
import type { TransitionWriter } from './transition-writer.js';
import { deleteUnstartedRuns } from './unstarted-runs.js';
import type { WorkPoolRecords } from './work-pool-records.js';

/** How many upcoming and recent runs a deployment's read carries. */
const RUNS_SHOWN = 10;

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A run's name: its deployment's, and six characters that tell its runs apart. */
function runName(deploymentName: string): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${deploymentName}-${suffix}`;
}

/** JSON with object keys sorted, so one schedule always reads the same however its keys were ordered. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** One run of a deployment to make, inside a write transaction. */
export interface NewDeploymentRun {
  parameters: Record<string, unknown>;
  tags: readonly string[];
  scheduledTime: number;
  idempotencyKey: string | null;
  scheduleId: string | null;
}

interface DeploymentRunRow {
  id: string;
  name: string;
  state_type: string;
  state_name: string;
  expected_start_time: number | null;
  start_time: number | null;
  end_time: number | null;
}

function deploymentRunFromRow(row: DeploymentRunRow): DeploymentRun {
  return {
    id: row.id,
    name: row.name,
    state: { type: row.state_type as DeploymentRun['state']['type'], name: row.state_name },
    expectedStartTime: row.expected_start_time,
    startTime: row.start_time,
    endTime: row.end_time,
  };
}

/** Deployments with their schedules, and the runs made of them. */
export class DeploymentRecords {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly writer: TransitionWriter,
    private readonly pools: WorkPoolRecords,
    private readonly getFlowRun: (id: string) => FlowRun | null,
    /** Told when runs may have become claimable. */
    private readonly changed: () => void,
  ) {
    this.stmt = {
      byId: db.prepare<[string], DeploymentRow>('SELECT * FROM deployments WHERE id = ?'),
      byName: db.prepare<[string, string], DeploymentRow>('SELECT * FROM deployments WHERE flow_name = ? AND name = ?'),
      schedules: db.prepare<[string], ScheduleRow>('SELECT * FROM deployment_schedules WHERE deployment_id = ? ORDER BY position'),
      insert: db.prepare(
        `INSERT INTO deployments (id, flow_name, name, entrypoint, description, version, tags, parameters, parameter_schema,
           work_pool, work_queue, retry_policy, concurrency_limit, collision_strategy, catch_up, paused, bundle, created_at, updated_at)
         VALUES (@id, @flow_name, @name, @entrypoint, @description, @version, @tags, @parameters, @parameter_schema,
           @work_pool, @work_queue, @retry_policy, @concurrency_limit, @collision_strategy, @catch_up, @paused, @bundle, @created_at, @updated_at)
         ON CONFLICT (flow_name, name) DO UPDATE SET entrypoint = excluded.entrypoint, description = excluded.description,
           version = excluded.version, tags = excluded.tags, parameters = excluded.parameters,
           parameter_schema = excluded.parameter_schema, work_pool = excluded.work_pool, work_queue = excluded.work_queue,
           retry_policy = excluded.retry_policy, concurrency_limit = excluded.concurrency_limit,
           collision_strategy = excluded.collision_strategy, catch_up = excluded.catch_up, paused = excluded.paused,
           bundle = excluded.bundle, updated_at = excluded.updated_at`,
      ),
      insertSchedule: db.prepare(
        'INSERT INTO deployment_schedules (id, deployment_id, position, definition, active, last_scheduled_time) VALUES (?, ?, ?, ?, ?, NULL)',
      ),
      moveSchedule: db.prepare('UPDATE deployment_schedules SET position = ? WHERE id = ?'),
      deleteSchedule: db.prepare('DELETE FROM deployment_schedules WHERE id = ?'),
      moveWaitingRuns: db.prepare(
        `UPDATE flow_runs SET work_pool = ?, work_queue = ? WHERE deployment_id = ? AND state_type = 'SCHEDULED' AND start_time IS NULL`,
      ),
      list: db.prepare<[{ flow: string | null; pool: string | null }], DeploymentRow & { next_run_at: number | null }>(
        `SELECT d.*, (SELECT MIN(r.expected_start_time) FROM flow_runs r
                        WHERE r.deployment_id = d.id AND r.state_type = 'SCHEDULED') AS next_run_at
         FROM deployments d WHERE (@flow IS NULL OR d.flow_name = @flow) AND (@pool IS NULL OR d.work_pool = @pool)
         ORDER BY d.flow_name, d.name`,
      ),
      upcoming: db.prepare<[string, number], DeploymentRunRow>(
        `SELECT id, name, state_type, state_name, expected_start_time, start_time, end_time FROM flow_runs
         WHERE deployment_id = ? AND state_type = 'SCHEDULED' ORDER BY expected_start_time, id LIMIT ?`,
      ),
      recent: db.prepare<[string, number], DeploymentRunRow>(
        `SELECT id, name, state_type, state_name, expected_start_time, start_time, end_time FROM flow_runs
         WHERE deployment_id = ? AND state_type != 'SCHEDULED' ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      setPaused: db.prepare('UPDATE deployments SET paused = ?, updated_at = ? WHERE id = ?'),
      forgetScheduledTimes: db.prepare('UPDATE deployment_schedules SET last_scheduled_time = NULL WHERE deployment_id = ?'),
      deleteSchedules: db.prepare('DELETE FROM deployment_schedules WHERE deployment_id = ?'),
      delete: db.prepare('DELETE FROM deployments WHERE id = ?'),
      runByKey: db.prepare<[string, string], { id: string }>('SELECT id FROM flow_runs WHERE deployment_id = ? AND idempotency_key = ?'),
      markRun: db.prepare(
        `UPDATE flow_runs SET deployment_id = ?, deployment_name = ?, work_pool = ?, work_queue = ?, expected_start_time = ?,
           auto_scheduled = ?, schedule_id = ?, idempotency_key = ? WHERE id = ?`,
      ),
    };
  }

  deploymentRow(id: string): DeploymentRow | null {
    return this.stmt.byId.get(id) ?? null;
  }

  /** The deployment's row, or a NOT_FOUND. */
  requireDeployment(id: string): DeploymentRow {
    const row = this.stmt.byId.get(id);
    if (!row) throw new StoreError(`no deployment with id '${id}'`, 'NOT_FOUND');
    return row;
  }

  toDeployment(row: DeploymentRow): Deployment {
    return deploymentFromRow(row, this.stmt.schedules.all(row.id));
  }

  /** All in one transaction: every deployment is stored, or, when one is refused, none. */
  deploy(requests: readonly DeployRequest[]): Deployment[] {
    const seen = new Set<string>();
    for (const request of requests) {
      const fullName = `${request.flowName}/${request.name}`;
      if (seen.has(fullName)) throw new StoreError(`name: the deployment ${fullName} is given more than once`, 'INVALID');
      seen.add(fullName);
    }
    const ids = this.writer.writeBatch(() =>
      requests.map((request) => {
        try {
          return this.deployOne(request);
        } catch (error) {
          // In a batch, say which deployment was refused.
          if (error instanceof StoreError && requests.length > 1) {
            throw new StoreError(`${request.flowName}/${request.name}: ${error.message}`, error.code);
          }
          throw error;
        }
      }),
    );
    this.changed();
    return ids.map((id) => this.toDeployment(this.stmt.byId.get(id)!));
  }

  /** Checks the pool and queue a deployment names; answers the queue its runs go to (null without a pool). */
  private runQueue(request: DeployRequest): string | null {
    const poolName = request.workPool ?? null;
    if (poolName === null) {
      if (request.workQueue) throw new StoreError(`workQueue: a queue is a work pool's; name the pool too (workPool)`, 'INVALID');
      return null;
    }
    const pool = this.pools.requirePool(poolName);
    if (!(WORK_POOL_TYPES as readonly string[]).includes(pool.type)) {
      throw new StoreError(`workPool: work pool '${poolName}' is of type '${pool.type}', which this server cannot run`, 'INVALID');
    }
    const queue = request.workQueue ?? DEFAULT_QUEUE_NAME;
    if (!this.pools.queueRow(poolName, queue)) {
      throw new StoreError(`workQueue: work pool '${poolName}' has no queue named '${queue}'`, 'NOT_FOUND');
    }
    return queue;
  }

  private deployOne(request: DeployRequest): string {
    const queue = this.runQueue(request);
    const now = this.now();
    const existing = this.stmt.byName.get(request.flowName, request.name);
    const id = existing?.id ?? newId();
    const paused = request.paused === undefined ? (existing?.paused ?? 0) : Number(request.paused);
    this.stmt.insert.run({
      id,
      flow_name: request.flowName,
      name: request.name,
      entrypoint: request.entrypoint,
      description: request.description ?? null,
      version: request.version ?? null,
      tags: JSON.stringify([...new Set(request.tags ?? [])]),
      parameters: JSON.stringify(request.parameters ?? {}),
      parameter_schema: request.parameterSchema ? JSON.stringify(request.parameterSchema) : null,
      work_pool: request.workPool ?? null,
      work_queue: request.workQueue ?? null,
      retry_policy: JSON.stringify(retryPolicyWithDefaults(request.retryPolicy ?? {})),
      concurrency_limit: request.concurrencyLimit ?? null,
      collision_strategy: request.collisionStrategy ?? 'ENQUEUE',
      catch_up: request.catchUp ?? 'latest',
      // Deploying new code does not resume a deployment someone paused, unless it says so.
      paused,
      bundle: request.bundle ?? null,
      created_at: now,
      updated_at: now,
    });
    this.keepSchedules(id, request.schedules ?? [], now);
    // Deployed paused: as pausing it would, its schedules' future runs go.
    if (paused && existing && !existing.paused) this.dropFutureScheduledRuns(id, now);
    // Runs waiting to start follow the deployment to its pool and queue.
    if (existing) this.stmt.moveWaitingRuns.run(request.workPool ?? null, queue, id);
    return id;
  }

  /**
   * Stores the deployment's schedules: one given as before (the same JSON) keeps its id and its
   * runs; one changed or gone loses its future runs that have not started.
   */
  private keepSchedules(deploymentId: string, schedules: readonly Schedule[], now: number): void {
    const unmatched = new Map<string, ScheduleRow[]>();
    for (const row of this.stmt.schedules.all(deploymentId)) {
      const same = unmatched.get(row.definition);
      if (same) same.push(row);
      else unmatched.set(row.definition, [row]);
    }
    schedules.forEach((schedule, position) => {
      const definition = canonicalJson(schedule);
      const kept = unmatched.get(definition)?.shift();
      if (kept) this.stmt.moveSchedule.run(position, kept.id);
      else this.stmt.insertSchedule.run(newId(), deploymentId, position, definition, schedule.active === false ? 0 : 1);
    });
    for (const rows of unmatched.values()) {
      for (const row of rows) {
        deleteUnstartedRuns(this.db, 'schedule_id = ? AND expected_start_time > ?', [row.id, now]);
        this.stmt.deleteSchedule.run(row.id);
      }
    }
  }

  listDeployments(filter: { flowName?: string; workPool?: string } = {}): DeploymentSummary[] {
    return this.stmt.list
      .all({ flow: filter.flowName ?? null, pool: filter.workPool ?? null })
      .map((row) => ({ ...this.toDeployment(row), nextRunAt: row.next_run_at }));
  }

  private read(row: DeploymentRow | undefined): DeploymentRead | null {
    if (!row) return null;
    return {
      ...this.toDeployment(row),
      upcoming: this.stmt.upcoming.all(row.id, RUNS_SHOWN).map(deploymentRunFromRow),
      recent: this.stmt.recent.all(row.id, RUNS_SHOWN).map(deploymentRunFromRow),
    };
  }

  getDeployment(id: string): DeploymentRead | null {
    return this.read(this.stmt.byId.get(id));
  }

  findDeployment(flowName: string, name: string): DeploymentRead | null {
    return this.read(this.stmt.byName.get(flowName, name));
  }

  setDeploymentPaused(id: string, paused: boolean): Deployment | null {
    const changes = this.writer.writeBatch(() => {
      const now = this.now();
      const changed = this.stmt.setPaused.run(paused ? 1 : 0, now, id).changes;
      if (changed > 0 && paused) this.dropFutureScheduledRuns(id, now);
      return changed;
    });
    if (changes === 0) return null;
    if (!paused) this.changed();
    return this.toDeployment(this.stmt.byId.get(id)!);
  }

  /**
   * A paused deployment's schedules make no runs: the future runs they made are deleted rather than
   * left to turn Late, and each schedule starts again from the time it is resumed (nothing missed
   * while paused is caught up). Runs asked for on demand stay and wait.
   */
  private dropFutureScheduledRuns(id: string, now: number): void {
    deleteUnstartedRuns(this.db, 'deployment_id = ? AND schedule_id IS NOT NULL AND expected_start_time > ?', [id, now]);
    this.stmt.forgetScheduledTimes.run(id);
  }

  /** Deletes it and its Scheduled runs that have not started; runs that started stay. */
  deleteDeployment(id: string): boolean {
    return this.writer.writeBatch(() => {
      if (!this.stmt.byId.get(id)) return false;
      deleteUnstartedRuns(this.db, 'deployment_id = ?', [id]);
      this.stmt.deleteSchedules.run(id);
      this.stmt.delete.run(id);
      return true;
    });
  }

  createDeploymentRun(deploymentId: string, request: DeploymentRunRequest): FlowRun {
    const id = this.writer.writeBatch(() =>
      this.makeRun(this.requireDeployment(deploymentId), {
        parameters: request.parameters,
        tags: request.tags ?? [],
        scheduledTime: request.scheduledTime,
        idempotencyKey: request.idempotencyKey ?? null,
        scheduleId: null,
      }),
    );
    this.changed();
    return this.getFlowRun(id)!;
  }

  /**
   * Makes one Scheduled run of the deployment inside the current write transaction, through the
   * transition writer so its first state streams as every other; with a key already used, answers
   * that run's id and makes none.
   */
  makeRun(deployment: DeploymentRow, run: NewDeploymentRun): string {
    if (run.idempotencyKey !== null) {
      const earlier = this.stmt.runByKey.get(deployment.id, run.idempotencyKey);
      if (earlier) return earlier.id;
    }
    const id = newId();
    const result = this.writer.applyCreateFlowRun({
      id,
      flowName: deployment.flow_name,
      name: runName(deployment.name),
      parameters: run.parameters,
      tags: [...new Set([...(JSON.parse(deployment.tags) as string[]), ...run.tags])],
      entrypoint: deployment.entrypoint,
      retryPolicy: JSON.parse(deployment.retry_policy) as Deployment['retryPolicy'],
      state: { type: 'SCHEDULED', name: SCHEDULED_NAME, scheduledTime: run.scheduledTime },
      transitionId: newId(),
    });
    if (result.status !== 'ACCEPT') {
      throw new StoreError(`the run of ${deployment.flow_name}/${deployment.name} could not be made: ${result.reason ?? result.status}`, 'INVALID');
    }
    const queue = deployment.work_pool === null ? null : (deployment.work_queue ?? DEFAULT_QUEUE_NAME);
    this.stmt.markRun.run(
      deployment.id,
      deployment.name,
      deployment.work_pool,
      queue,
      run.scheduledTime,
      run.scheduleId === null ? 0 : 1,
      run.scheduleId,
      run.idempotencyKey,
      id,
    );
    return id;
  }
}
