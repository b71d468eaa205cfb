import type Database from 'better-sqlite3';
import type { Deployment } from '../../core/api/deployments.js';
import type { ClaimedRun, JobTemplate } from '../../core/api/work-pools.js';
import { DEFAULT_JOB_TEMPLATE } from '../../core/api/work-pool-rules.js';
import { newId } from '../../core/ids.js';
import type { DeploymentRecords } from './deployment-records.js';
import { workPoolFromRow, type DeploymentRow, type WorkPoolRow } from './deployment-rows.js';
import { ACTIVE_RUN_TYPES, AWAITING_RETRY_NAME, CLAIMABLE_NAMES } from './deployment-run-states.js';
import type { ClaimRequest, ClaimTarget } from './deployment-store.js';
import { STATE_COLUMNS } from './flow-run-page-query.js';
import { handBackRuns, type HandedBackRun } from './run-hand-back.js';
import { flowRunFromRow, type FlowRunRow } from './rows.js';
import { sqlList } from './sql-list.js';
import { StoreError } from './store-error.js';
import type { TransitionWriter } from './transition-writer.js';
import type { WorkPoolRecords } from './work-pool-records.js';

/** A due run that a claim may take, in the order claims take them. */
interface Candidate {
  id: string;
  rid: number;
  deployment_id: string;
  work_queue: string | null;
  expected_start_time: number;
  priority: number;
}

/** Where a page of candidates starts: after this one, in claim order. */
interface CandidateCursor {
  priority: number;
  queue: string;
  time: number;
  rid: number;
}

const START: CandidateCursor = { priority: -1, queue: '', time: Number.MIN_SAFE_INTEGER, rid: -1 };

function cursorAt(run: Candidate): CandidateCursor {
  return { priority: run.priority, queue: run.work_queue ?? '', time: run.expected_start_time, rid: run.rid };
}

/**
 * Candidates read at a time: twice what the claim asks for, and at least this many, so runs held
 * by a full deployment limit rarely cost a second read.
 */
const CANDIDATES_AT_LEAST = 20;

/** How much room a limit leaves: unlimited when it has none. */
function room(limit: number | null, used: number): number {
  return limit === null ? Infinity : limit - used;
}

/**
 * A due deployment run, Scheduled (or Late, or waiting for a slot, or retried and owned by no
 * process) and not held by a paused pool, queue or deployment.
 */
const DUE = `r.deployment_id IS NOT NULL AND r.state_type = 'SCHEDULED'
  AND (r.state_name IN ${sqlList(CLAIMABLE_NAMES)} OR (r.state_name = '${AWAITING_RETRY_NAME}' AND r.pid IS NULL))`;

/** A deployment whose limit leaves room, or whose runs past it are cancelled rather than held. */
const DEPLOYMENT_HAS_ROOM = `(d.concurrency_limit IS NULL OR d.collision_strategy = 'CANCEL_NEW'
  OR (SELECT COUNT(*) FROM flow_runs a WHERE a.deployment_id = d.id AND a.state_type IN ${sqlList(ACTIVE_RUN_TYPES)}) < d.concurrency_limit)`;

/**
 * Workers (and serve processes) taking due runs: each claim is one write transaction, begun
 * IMMEDIATE, so no two claims, in this process or another on the same file, ever take one run.
 */
export class RunClaims {
  private readonly stmt;
  private readonly flowRunsById;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly writer: TransitionWriter,
    private readonly pools: WorkPoolRecords,
    private readonly deployments: DeploymentRecords,
    /** Told when runs may have become claimable (runs handed back). */
    private readonly changed: () => void,
  ) {
    this.stmt = {
      // The pool's due runs in its open queues, by queue priority then time: the queues in order
      // (ux_work_queues_priority), each one's due runs along ix_flow_runs_queue_due, so no sort.
      // The deployments held back by their limits are left out.
      poolCandidates: db.prepare<[Record<string, unknown>], Candidate>(
        `SELECT r.id, r.rowid AS rid, r.deployment_id, r.work_queue, r.expected_start_time, q.priority AS priority
         FROM work_queues q
           CROSS JOIN flow_runs r ON r.work_pool = q.work_pool AND r.work_queue = q.name
           JOIN deployments d ON d.id = r.deployment_id
         WHERE q.work_pool = @pool AND q.name IN (SELECT value FROM json_each(@queues))
           AND ${DUE} AND r.expected_start_time <= @now AND d.paused = 0
           AND r.deployment_id NOT IN (SELECT value FROM json_each(@held))
           AND (q.priority, q.name, r.expected_start_time, r.rowid) > (@priority, @queue, @time, @rid)
         ORDER BY q.priority, q.name, r.expected_start_time, r.rowid LIMIT @take`,
      ),
      deploymentCandidates: db.prepare<[Record<string, unknown>], Candidate>(
        `SELECT r.id, r.rowid AS rid, r.deployment_id, r.work_queue, r.expected_start_time, 0 AS priority
         FROM flow_runs r
         WHERE r.deployment_id = @deployment AND ${DUE} AND r.expected_start_time <= @now
           AND (r.expected_start_time, r.rowid) > (@time, @rid)
         ORDER BY r.expected_start_time, r.rowid LIMIT @take`,
      ),
      // The earliest in each open queue, each found at the start of its index range.
      poolNextDue: db.prepare<[Record<string, unknown>], { t: number | null }>(
        `SELECT MIN((SELECT r.expected_start_time
                     FROM flow_runs r JOIN deployments d ON d.id = r.deployment_id
                     WHERE r.work_pool = q.work_pool AND r.work_queue = q.name AND ${DUE} AND d.paused = 0 AND ${DEPLOYMENT_HAS_ROOM}
                     ORDER BY r.expected_start_time LIMIT 1)) AS t
         FROM work_queues q WHERE q.work_pool = @pool AND q.name IN (SELECT value FROM json_each(@queues))`,
      ),
      deploymentNextDue: db.prepare<[string], { t: number }>(
        `SELECT r.expected_start_time AS t FROM flow_runs r WHERE r.deployment_id = ? AND ${DUE}
         ORDER BY r.expected_start_time LIMIT 1`,
      ),
      // Counted queue by queue: each count is a seek in ix_flow_runs_queue_due, however many runs the pool ran before.
      activeByQueue: db.prepare<[string], { work_queue: string; n: number }>(
        `SELECT q.name AS work_queue,
           (SELECT COUNT(*) FROM flow_runs r WHERE r.work_pool = q.work_pool AND r.work_queue = q.name
              AND r.deployment_id IS NOT NULL AND r.state_type IN ${sqlList(ACTIVE_RUN_TYPES)}) AS n
         FROM work_queues q WHERE q.work_pool = ?`,
      ),
      activeOfDeployment: db.prepare<[string], { n: number }>(
        `SELECT COUNT(*) AS n FROM flow_runs WHERE deployment_id = ? AND state_type IN ${sqlList(ACTIVE_RUN_TYPES)}`,
      ),
      setWorker: db.prepare('UPDATE flow_runs SET worker_name = ? WHERE id = ?'),
      heldByWorker: db.prepare<
        [string, string],
        HandedBackRun & { work_pool: string | null; deployment_id: string | null; worker_name: string | null; state_type: string }
      >(
        `SELECT id, expected_start_time, work_pool, deployment_id, worker_name, state_type FROM flow_runs WHERE id = ?
           AND worker_name = ? AND state_type IN ('PENDING', 'RUNNING')`,
      ),
    };
    this.flowRunsById = db.prepare<[string], FlowRunRow>(
      `SELECT r.*, ${STATE_COLUMNS} FROM flow_runs r JOIN states s ON s.id = r.state_id WHERE r.id IN (SELECT value FROM json_each(?))`,
    );
  }

  /**
   * The queues a worker of the pool takes runs from, with how much room each has, and how much
   * room the pool has in all; a NOT_FOUND for a queue the pool lacks.
   */
  private openQueues(pool: WorkPoolRow, asked: readonly string[]): { queues: Map<string, number>; poolRoom: number } {
    const queues = this.pools.listWorkQueues(pool.name) ?? [];
    for (const name of asked) {
      if (!queues.some((q) => q.name === name)) throw new StoreError(`queues: work pool '${pool.name}' has no queue named '${name}'`, 'NOT_FOUND');
    }
    const active = new Map(this.stmt.activeByQueue.all(pool.name).map((row) => [row.work_queue, row.n]));
    const poolRoom = pool.paused
      ? 0
      : room(
          pool.concurrency_limit,
          [...active.values()].reduce((sum, n) => sum + n, 0),
        );
    const open = new Map<string, number>();
    for (const queue of queues) {
      if (queue.paused || (asked.length > 0 && !asked.includes(queue.name))) continue;
      const left = room(queue.concurrencyLimit, active.get(queue.name) ?? 0);
      if (left > 0) open.set(queue.name, left);
    }
    return { queues: open, poolRoom };
  }

  /** See DeploymentStore.claimRuns. */
  claimRuns(target: ClaimTarget, request: ClaimRequest): ClaimedRun[] {
    const claimed = this.writer.writeBatch(() =>
      'pool' in target ? this.claimFromPool(target.pool, request) : this.claimOfDeployment(target.deploymentId, request),
    );
    return this.answer(target, claimed);
  }

  private claimFromPool(poolName: string, request: ClaimRequest): string[] {
    const pool = this.pools.requirePool(poolName, 'pool');
    const open = this.openQueues(pool, request.queues);
    const queues = open.queues;
    let poolRoom = open.poolRoom;
    const claimed: string[] = [];
    if (poolRoom <= 0 || queues.size === 0) return claimed;
    const deploymentRoom = new Map<string, number>();
    const held = new Set<string>();
    const take = Math.max(request.limit * 2, CANDIDATES_AT_LEAST);
    let cursor = START;
    for (;;) {
      const page = this.stmt.poolCandidates.all({
        pool: pool.name,
        now: this.now(),
        queues: JSON.stringify([...queues.keys()]),
        held: JSON.stringify([...held]),
        priority: cursor.priority,
        queue: cursor.queue,
        time: cursor.time,
        rid: cursor.rid,
        take,
      });
      for (const run of page) {
        cursor = cursorAt(run);
        const queueRoom = queues.get(run.work_queue ?? '') ?? 0;
        if (queueRoom <= 0) continue;
        const outcome = this.takeRun(run, request.worker, deploymentRoom);
        if (outcome === 'held') held.add(run.deployment_id);
        if (outcome !== 'claimed') continue;
        claimed.push(run.id);
        queues.set(run.work_queue ?? '', queueRoom - 1);
        if (queueRoom - 1 <= 0) queues.delete(run.work_queue ?? '');
        poolRoom--;
        if (claimed.length >= request.limit || poolRoom <= 0 || queues.size === 0) return claimed;
      }
      if (page.length < take) return claimed;
    }
  }

  private claimOfDeployment(deploymentId: string, request: ClaimRequest): string[] {
    const deployment = this.deployments.requireDeployment(deploymentId);
    const claimed: string[] = [];
    if (deployment.paused === 1) return claimed;
    const deploymentRoom = new Map<string, number>();
    const take = Math.max(request.limit * 2, CANDIDATES_AT_LEAST);
    let cursor = START;
    for (;;) {
      const page = this.stmt.deploymentCandidates.all({
        deployment: deploymentId,
        now: this.now(),
        time: cursor.time,
        rid: cursor.rid,
        take,
      });
      for (const run of page) {
        cursor = cursorAt(run);
        const outcome = this.takeRun(run, request.worker, deploymentRoom);
        if (outcome === 'held') return claimed;
        if (outcome === 'claimed') claimed.push(run.id);
        if (claimed.length >= request.limit) return claimed;
      }
      if (page.length < take) return claimed;
    }
  }

  /**
   * Claims one due run for the worker, unless its deployment's limit is full: then it waits
   * ('held'), or is cancelled when the deployment says CANCEL_NEW.
   */
  private takeRun(run: Candidate, worker: string, deploymentRoom: Map<string, number>): 'claimed' | 'held' | 'cancelled' | 'refused' {
    const deployment = this.deployments.deploymentRow(run.deployment_id);
    if (!deployment) return 'refused';
    let left = deploymentRoom.get(deployment.id);
    if (left === undefined) {
      left = room(deployment.concurrency_limit, this.stmt.activeOfDeployment.get(deployment.id)!.n);
      deploymentRoom.set(deployment.id, left);
    }
    if (left <= 0) {
      if (deployment.collision_strategy !== 'CANCEL_NEW') return 'held';
      this.cancelForLimit(run.id, deployment);
      return 'cancelled';
    }
    const result = this.writer.applySetState({ kind: 'flow', runId: run.id, transitionId: newId(), state: { type: 'PENDING', name: 'Pending' } });
    if (result.status !== 'ACCEPT' || result.state?.type !== 'PENDING') return 'refused';
    this.stmt.setWorker.run(worker, run.id);
    deploymentRoom.set(deployment.id, left - 1);
    return 'claimed';
  }

  private cancelForLimit(runId: string, deployment: DeploymentRow): void {
    const message =
      `deployment ${deployment.flow_name}/${deployment.name} already runs ${deployment.concurrency_limit} run(s), its concurrency limit; ` +
      `its collision strategy CANCEL_NEW cancels runs past it`;
    this.writer.applySetState({ kind: 'flow', runId, transitionId: newId(), state: { type: 'CANCELLED', name: 'Cancelled', message } });
  }

  /** The claimed runs, in the order claimed, each with its deployment and the job template it runs by. */
  private answer(target: ClaimTarget, ids: readonly string[]): ClaimedRun[] {
    if (ids.length === 0) return [];
    const rows = new Map(this.flowRunsById.all(JSON.stringify(ids)).map((row) => [row.id, row]));
    const deployments = new Map<string, Deployment>();
    const templates = new Map<string | null, JobTemplate>();
    const templateOf = (poolName: string | null): JobTemplate => {
      let template = templates.get(poolName);
      if (!template) {
        const pool = poolName === null ? null : this.pools.poolRow(poolName);
        template = pool ? workPoolFromRow(pool).jobTemplate : { ...DEFAULT_JOB_TEMPLATE, env: {} };
        templates.set(poolName, template);
      }
      return template;
    };
    return ids.flatMap((id) => {
      const row = rows.get(id);
      if (!row?.deployment_id) return [];
      let deployment = deployments.get(row.deployment_id);
      if (!deployment) {
        const deploymentRow = this.deployments.deploymentRow(row.deployment_id);
        if (!deploymentRow) return [];
        deployment = this.deployments.toDeployment(deploymentRow);
        deployments.set(deployment.id, deployment);
      }
      const poolName = 'pool' in target ? target.pool : deployment.workPool;
      return [{ flowRun: flowRunFromRow(row), deployment, jobTemplate: templateOf(poolName) }];
    });
  }

  /** See DeploymentStore.nextDueTime. */
  nextDueTime(target: ClaimTarget, queues: readonly string[]): number | null {
    if ('deploymentId' in target) {
      const deployment = this.deployments.requireDeployment(target.deploymentId);
      if (deployment.paused === 1) return null;
      if (
        room(deployment.concurrency_limit, this.stmt.activeOfDeployment.get(deployment.id)!.n) <= 0 &&
        deployment.collision_strategy !== 'CANCEL_NEW'
      ) {
        return null;
      }
      return this.stmt.deploymentNextDue.get(target.deploymentId)?.t ?? null;
    }
    const pool = this.pools.requirePool(target.pool, 'pool');
    const open = this.openQueues(pool, queues);
    if (open.poolRoom <= 0 || open.queues.size === 0) return null;
    return this.stmt.poolNextDue.get({ pool: pool.name, queues: JSON.stringify([...open.queues.keys()]) })!.t;
  }

  /** See DeploymentStore.releaseRuns. */
  releaseRuns(target: ClaimTarget, worker: string, flowRunIds: readonly string[]): string[] {
    const released = this.writer.writeBatch(() => {
      const runs = flowRunIds.flatMap((id) => {
        const run = this.stmt.heldByWorker.get(id, worker);
        if (!run) return [];
        const mine = 'pool' in target ? run.work_pool === target.pool : run.deployment_id === target.deploymentId;
        return mine ? [run] : [];
      });
      return handBackRuns(this.db, this.writer, runs, `handed back by worker ${worker}`);
    });
    if (released.length > 0) this.changed();
    return released;
  }
}
