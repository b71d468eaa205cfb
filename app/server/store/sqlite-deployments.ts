import type Database from 'better-sqlite3';
import type { DeployRequest, Deployment, DeploymentRead, DeploymentSummary } from '../../core/api/deployments.js';
import type { ClaimedRun, Worker, WorkerBeatAnswer, WorkPoolRead, WorkQueue } from '../../core/api/work-pools.js';
import type { FlowRun } from '../../core/index.js';
import { DeploymentRecords } from './deployment-records.js';
import type {
  ClaimRequest,
  ClaimTarget,
  CreateWorkPool,
  CreateWorkQueue,
  DeploymentRunRequest,
  ScheduledRunsRequest,
  ScheduleTarget,
  UpdateWorkPool,
  UpdateWorkQueue,
  WorkerBeat,
} from './deployment-store.js';
import type { StoreChangeSignal } from './store-change-signal.js';
import { RunClaims } from './run-claims.js';
import { ScheduledRuns } from './scheduled-runs.js';
import type { TransitionWriter } from './transition-writer.js';
import { WorkerRecords } from './worker-records.js';
import { WorkPoolRecords } from './work-pool-records.js';

/**
 * Deployments, work pools, workers and claims in the SQLite store, answered synchronously as the
 * rest of SqliteStore is; SqliteRunStore holds them as the DeploymentStore part of a RunStore.
 */
export class SqliteDeployments {
  private readonly pools: WorkPoolRecords;
  private readonly deployments: DeploymentRecords;
  private readonly scheduled: ScheduledRuns;
  private readonly workers: WorkerRecords;
  private readonly claims: RunClaims;

  constructor(
    db: Database.Database,
    now: () => number,
    writer: TransitionWriter,
    private readonly changes: StoreChangeSignal,
    getFlowRun: (id: string) => FlowRun | null,
  ) {
    const changed = () => changes.changed();
    this.pools = new WorkPoolRecords(db, now, (body) => writer.writeBatch(body), changed);
    this.deployments = new DeploymentRecords(db, now, writer, this.pools, getFlowRun, changed);
    this.scheduled = new ScheduledRuns(db, now, writer, this.deployments, changed);
    this.workers = new WorkerRecords(db, now, writer, this.pools, changed);
    this.claims = new RunClaims(db, now, writer, this.pools, this.deployments, changed);
  }

  // ---- deployments ----

  deploy(requests: readonly DeployRequest[]): Deployment[] {
    return this.deployments.deploy(requests);
  }

  listDeployments(filter?: { flowName?: string; workPool?: string }): DeploymentSummary[] {
    return this.deployments.listDeployments(filter);
  }

  getDeployment(id: string): DeploymentRead | null {
    return this.deployments.getDeployment(id);
  }

  findDeployment(flowName: string, name: string): DeploymentRead | null {
    return this.deployments.findDeployment(flowName, name);
  }

  setDeploymentPaused(id: string, paused: boolean): Deployment | null {
    return this.deployments.setDeploymentPaused(id, paused);
  }

  deleteDeployment(id: string): boolean {
    return this.deployments.deleteDeployment(id);
  }

  createDeploymentRun(deploymentId: string, request: DeploymentRunRequest): FlowRun {
    return this.deployments.createDeploymentRun(deploymentId, request);
  }

  // ---- the scheduler's reads and writes ----

  listScheduleTargets(): ScheduleTarget[] {
    return this.scheduled.listScheduleTargets();
  }

  scheduleRuns(requests: readonly ScheduledRunsRequest[]): number {
    return this.scheduled.scheduleRuns(requests);
  }

  skipMissedRuns(deploymentId: string, before: number, keepLatest: boolean): number {
    return this.scheduled.skipMissedRuns(deploymentId, before, keepLatest);
  }

  markLateRuns(lateAfterMs: number): number {
    return this.scheduled.markLateRuns(lateAfterMs);
  }

  // ---- work pools and queues ----

  createWorkPool(request: CreateWorkPool): WorkPoolRead {
    return this.pools.createWorkPool(request);
  }

  listWorkPools(): WorkPoolRead[] {
    return this.pools.listWorkPools();
  }

  getWorkPool(name: string): WorkPoolRead | null {
    return this.pools.getWorkPool(name);
  }

  updateWorkPool(name: string, changes: UpdateWorkPool): WorkPoolRead | null {
    return this.pools.updateWorkPool(name, changes);
  }

  deleteWorkPool(name: string): boolean {
    return this.pools.deleteWorkPool(name);
  }

  createWorkQueue(pool: string, request: CreateWorkQueue): WorkQueue {
    return this.pools.createWorkQueue(pool, request);
  }

  listWorkQueues(pool: string): WorkQueue[] | null {
    return this.pools.listWorkQueues(pool);
  }

  getWorkQueue(pool: string, name: string): WorkQueue | null {
    return this.pools.getWorkQueue(pool, name);
  }

  updateWorkQueue(pool: string, name: string, changes: UpdateWorkQueue): WorkQueue | null {
    return this.pools.updateWorkQueue(pool, name, changes);
  }

  deleteWorkQueue(pool: string, name: string): boolean {
    return this.pools.deleteWorkQueue(pool, name);
  }

  // ---- workers and claims ----

  workerHeartbeat(pool: string, beat: WorkerBeat): WorkerBeatAnswer {
    return this.workers.workerHeartbeat(pool, beat);
  }

  listWorkers(pool: string): Worker[] | null {
    return this.workers.listWorkers(pool);
  }

  removeWorker(pool: string, name: string): boolean {
    return this.workers.removeWorker(pool, name);
  }

  releaseClaimsOfSilentWorkers(): number {
    return this.workers.releaseClaimsOfSilentWorkers();
  }

  claimRuns(target: ClaimTarget, request: ClaimRequest): ClaimedRun[] {
    return this.claims.claimRuns(target, request);
  }

  nextDueTime(target: ClaimTarget, queues: readonly string[]): number | null {
    return this.claims.nextDueTime(target, queues);
  }

  onClaimableChange(listener: () => void): () => void {
    return this.changes.listen(listener);
  }

  releaseRuns(target: ClaimTarget, worker: string, flowRunIds: readonly string[]): string[] {
    return this.claims.releaseRuns(target, worker, flowRunIds);
  }
}
