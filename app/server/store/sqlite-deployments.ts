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
import { StoreError } from './store-error.js';
import type { TransitionWriter } from './transition-writer.js';
import { WorkPoolRecords } from './work-pool-records.js';

function notBuiltYet(what: string): never {
  throw new StoreError(`${what}: not built yet`, 'INVALID');
}

/**
 * Deployments, work pools, workers and claims in the SQLite store, answered synchronously as the
 * rest of SqliteStore is; SqliteRunStore holds them as the DeploymentStore part of a RunStore.
 */
export class SqliteDeployments {
  private readonly pools: WorkPoolRecords;
  private readonly deployments: DeploymentRecords;

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
    return notBuiltYet('listScheduleTargets');
  }

  scheduleRuns(_requests: readonly ScheduledRunsRequest[]): number {
    return notBuiltYet('scheduleRuns');
  }

  skipMissedRuns(_deploymentId: string, _before: number, _keepLatest: boolean): number {
    return notBuiltYet('skipMissedRuns');
  }

  markLateRuns(_lateAfterMs: number): number {
    return notBuiltYet('markLateRuns');
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

  workerHeartbeat(_pool: string, _beat: WorkerBeat): WorkerBeatAnswer {
    return notBuiltYet('workerHeartbeat');
  }

  listWorkers(_pool: string): Worker[] | null {
    return notBuiltYet('listWorkers');
  }

  removeWorker(_pool: string, _name: string): boolean {
    return notBuiltYet('removeWorker');
  }

  releaseClaimsOfSilentWorkers(): number {
    return notBuiltYet('releaseClaimsOfSilentWorkers');
  }

  claimRuns(_target: ClaimTarget, _request: ClaimRequest): ClaimedRun[] {
    return notBuiltYet('claimRuns');
  }

  nextDueTime(_target: ClaimTarget, _queues: readonly string[]): number | null {
    return notBuiltYet('nextDueTime');
  }

  onClaimableChange(listener: () => void): () => void {
    return this.changes.listen(listener);
  }

  releaseRuns(_target: ClaimTarget, _worker: string, _flowRunIds: readonly string[]): string[] {
    return notBuiltYet('releaseRuns');
  }
}
