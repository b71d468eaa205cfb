import type { Automation, AutomationSpec, Firing } from '../../core/automations/index.js';
import type { AutomationChanges, ClaimedDelivery, DeliveryOutcome } from './automation-store.js';
import type { BlockContent, StoredBlock } from './block-store.js';
import type {
  ClaimedRun,
  DeployRequest,
  Deployment,
  DeploymentRead,
  DeploymentSummary,
  Flow,
  RunIdProblem,
  Worker,
  WorkerBeatAnswer,
  WorkPoolRead,
  WorkQueue,
} from '../../core/api/index.js';
import type { Dashboard } from '../../core/api/dashboard.js';
import type {
  BreakpointAnswer,
  ConcurrencyLimit,
  CreateFlowRun,
  CreateTaskRun,
  FlowRun,
  FlowRunFilter,
  FlowRunSummary,
  LogLine,
  OrchestrationResult,
  RecordedRuns,
  ResumeInput,
  RunKind,
  SetState,
  State,
  StateType,
  StoredLog,
  TaskRun,
} from '../../core/index.js';
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
import type { Artifact, ArtifactFilter, ArtifactPage, LatestArtifactsFilter, NewArtifact } from '../../core/api/artifacts.js';
import type { FlowRunCursor, FlowRunPageFilter } from './flow-run-page-query.js';
import type { ResumeOutcome, ResumeRecord } from './flow-run-resumes.js';
import type { BreakAllOutcome, BreakpointCommand, BreakpointOutcome, ContinueFlowRunOutcome } from './task-run-breakpoints.js';
import type { OperationOutcome, StoreOperation } from './group-commit.js';
import type { RowsAfter, StoredStateEntry } from './run-reads.js';
import type { LogQuery, RunStore } from './run-store.js';
import type { SetVariableRequest, VariableFilter } from './variable-store.js';
import type { StoredVariable } from '../../core/api/variables.js';
import type { SqliteStore } from './sqlite-store.js';
import type { WriteHealthChange, WriteProblem } from './write-health.js';

/**
 * The SQLite store as a RunStore. SQLite answers within this process, so each promise holds an
 * answer already there; the store's own parts go on calling each other synchronously. The
 * engine's reports were promises already and pass straight through.
 */
export class SqliteRunStore implements RunStore {
  constructor(readonly sqlite: SqliteStore) {}

  get target(): string {
    return this.sqlite.target;
  }

  get location(): string {
    return this.sqlite.location;
  }

  // ---- the engine's reports ----

  createFlowRun(request: CreateFlowRun): Promise<OrchestrationResult> {
    return this.sqlite.createFlowRun(request);
  }

  createTaskRun(request: CreateTaskRun): Promise<OrchestrationResult> {
    return this.sqlite.createTaskRun(request);
  }

  setState(request: SetState): Promise<OrchestrationResult> {
    return this.sqlite.setState(request);
  }

  createTaskRunThen(request: CreateTaskRun, answered: (result: OrchestrationResult) => void, failed: (error: unknown) => void): void {
    this.sqlite.createTaskRunThen(request, answered, failed);
  }

  setStateThen(request: SetState, answered: (result: OrchestrationResult) => void, failed: (error: unknown) => void): void {
    this.sqlite.setStateThen(request, answered, failed);
  }

  writeLogs(lines: LogLine[]): void {
    this.sqlite.writeLogs(lines);
  }

  heartbeat(flowRunIds: readonly string[]): Promise<Map<string, StateType>> {
    return this.sqlite.heartbeat(flowRunIds);
  }

  resumeInput(flowRunId: string, pauseId: string): Promise<ResumeInput | null> {
    return this.sqlite.resumeInput(flowRunId, pauseId);
  }

  breakpointAnswers(flowRunId: string, afterId: number, waitMs: number, signal?: AbortSignal): Promise<BreakpointAnswer[]> {
    return this.sqlite.breakpointAnswers(flowRunId, afterId, waitMs, signal);
  }

  async breakFlowRun(flowRunId: string): Promise<void> {
    const outcome = this.sqlite.breakAll(flowRunId);
    if (!outcome.ok) throw new Error(outcome.message);
  }

  async recordedRuns(flowRunId: string): Promise<RecordedRuns | null> {
    return this.sqlite.recordedRuns(flowRunId);
  }

  flush(): Promise<void> {
    return this.sqlite.flush();
  }

  close(): Promise<void> {
    return this.sqlite.close();
  }

  // ---- the event stream's reads, answered at once ----

  lastEventIds(): { stateId: number; logId: number } {
    return this.sqlite.lastEventIds();
  }

  listStatesAfter(afterId: number, options: RowsAfter): StoredStateEntry[] {
    return this.sqlite.listStatesAfter(afterId, options);
  }

  listLogsAfter(afterId: number, options: RowsAfter): StoredLog[] {
    return this.sqlite.listLogsAfter(afterId, options);
  }

  // ---- reads ----

  async getFlowRun(id: string): Promise<FlowRun | null> {
    return this.sqlite.getFlowRun(id);
  }

  async getTaskRun(id: string): Promise<TaskRun | null> {
    return this.sqlite.getTaskRun(id);
  }

  async hasFlowRun(id: string): Promise<boolean> {
    return this.sqlite.hasFlowRun(id);
  }

  async hasTaskRun(id: string): Promise<boolean> {
    return this.sqlite.hasTaskRun(id);
  }

  async findRunId(kind: RunKind, idOrPrefix: string): Promise<{ id: string } | { problem: RunIdProblem }> {
    return this.sqlite.findRunId(kind, idOrPrefix);
  }

  async uniqueIdPrefixes(kind: RunKind, ids: readonly string[], minLength?: number): Promise<Map<string, string>> {
    return this.sqlite.uniqueIdPrefixes(kind, ids, minLength);
  }

  async listFlowRuns(filter?: FlowRunFilter & { stateNames?: readonly string[]; deploymentId?: string }): Promise<FlowRun[]> {
    return this.sqlite.listFlowRuns(filter);
  }

  async listFlowRunPage(filter: FlowRunPageFilter): Promise<{ items: FlowRunSummary[]; next: FlowRunCursor | null }> {
    return this.sqlite.listFlowRunPage(filter);
  }

  async listFlows(): Promise<Flow[]> {
    return this.sqlite.listFlows();
  }

  async listTaskRuns(flowRunId: string): Promise<TaskRun[]> {
    return this.sqlite.listTaskRuns(flowRunId);
  }

  async listStates(runId: string): Promise<State[]> {
    return this.sqlite.listStates(runId);
  }

  async listTaskRunHistories(flowRunId: string): Promise<{ taskRunId: string; states: State[] }[]> {
    return this.sqlite.listTaskRunHistories(flowRunId);
  }

  async listLogs(flowRunId: string, query?: LogQuery): Promise<StoredLog[]> {
    return this.sqlite.listLogs(flowRunId, query);
  }

  async countLogs(flowRunId: string): Promise<number> {
    return this.sqlite.countLogs(flowRunId);
  }

  async dashboard(query: { hours: number; buckets: number }): Promise<Dashboard> {
    return this.sqlite.dashboard(query);
  }

  // ---- writes ----

  async applyReport(operations: readonly StoreOperation[], logs: readonly LogLine[]): Promise<OperationOutcome[]> {
    return this.sqlite.applyReport(operations, logs);
  }

  async setStateNow(request: SetState): Promise<OrchestrationResult> {
    return this.sqlite.setStateNow(request);
  }

  async releaseFlowRun(id: string): Promise<void> {
    this.sqlite.releaseFlowRun(id);
  }

  async cancelFlowRun(id: string): Promise<OrchestrationResult> {
    return this.sqlite.cancelFlowRun(id);
  }

  async resumeFlowRun(id: string, input?: unknown): Promise<ResumeOutcome> {
    return this.sqlite.resumeFlowRun(id, input);
  }

  async answerBreakpoint(taskRunId: string, command: BreakpointCommand): Promise<BreakpointOutcome> {
    return this.sqlite.answerBreakpoint(taskRunId, command);
  }

  async continueFlowRun(flowRunId: string, action?: 'continue' | 'step'): Promise<ContinueFlowRunOutcome> {
    return this.sqlite.continueFlowRun(flowRunId, action);
  }

  async breakAll(flowRunId: string): Promise<BreakAllOutcome> {
    return this.sqlite.breakAll(flowRunId);
  }

  async resumeRecord(flowRunId: string, pauseId: string): Promise<ResumeRecord | null> {
    return this.sqlite.resumeRecord(flowRunId, pauseId);
  }

  async sweepCrashedRuns(): Promise<number> {
    return this.sqlite.sweepCrashedRuns();
  }

  // ---- concurrency slots ----

  async setConcurrencyLimit(tag: string, limit: number): Promise<ConcurrencyLimit> {
    return this.sqlite.setConcurrencyLimit(tag, limit);
  }

  async getConcurrencyLimit(tag: string): Promise<ConcurrencyLimit | null> {
    return this.sqlite.getConcurrencyLimit(tag);
  }

  async listConcurrencyLimits(): Promise<ConcurrencyLimit[]> {
    return this.sqlite.listConcurrencyLimits();
  }

  async deleteConcurrencyLimit(tag: string): Promise<boolean> {
    return this.sqlite.deleteConcurrencyLimit(tag);
  }

  // ---- health ----

  get writeProblem(): WriteProblem | null {
    return this.sqlite.writeProblem;
  }

  onWriteHealth(listener: (change: WriteHealthChange) => void): () => void {
    return this.sqlite.onWriteHealth(listener);
  }

  // ---- deployments ----

  async deploy(requests: readonly DeployRequest[]): Promise<Deployment[]> {
    return this.sqlite.deployments.deploy(requests);
  }

  async listDeployments(filter?: { flowName?: string; workPool?: string }): Promise<DeploymentSummary[]> {
    return this.sqlite.deployments.listDeployments(filter);
  }

  async getDeployment(id: string): Promise<DeploymentRead | null> {
    return this.sqlite.deployments.getDeployment(id);
  }

  async findDeployment(flowName: string, name: string): Promise<DeploymentRead | null> {
    return this.sqlite.deployments.findDeployment(flowName, name);
  }

  async setDeploymentPaused(id: string, paused: boolean): Promise<Deployment | null> {
    return this.sqlite.deployments.setDeploymentPaused(id, paused);
  }

  async deleteDeployment(id: string): Promise<boolean> {
    return this.sqlite.deployments.deleteDeployment(id);
  }

  async createDeploymentRun(deploymentId: string, request: DeploymentRunRequest): Promise<FlowRun> {
    return this.sqlite.deployments.createDeploymentRun(deploymentId, request);
  }

  // ---- the scheduler's reads and writes ----

  async listScheduleTargets(): Promise<ScheduleTarget[]> {
    return this.sqlite.deployments.listScheduleTargets();
  }

  async scheduleRuns(requests: readonly ScheduledRunsRequest[]): Promise<number> {
    return this.sqlite.deployments.scheduleRuns(requests);
  }

  async skipMissedRuns(deploymentId: string, before: number, keepLatest: boolean): Promise<number> {
    return this.sqlite.deployments.skipMissedRuns(deploymentId, before, keepLatest);
  }

  async markLateRuns(lateAfterMs: number): Promise<number> {
    return this.sqlite.deployments.markLateRuns(lateAfterMs);
  }

  // ---- work pools and queues ----

  async createWorkPool(request: CreateWorkPool): Promise<WorkPoolRead> {
    return this.sqlite.deployments.createWorkPool(request);
  }

  async listWorkPools(): Promise<WorkPoolRead[]> {
    return this.sqlite.deployments.listWorkPools();
  }

  async getWorkPool(name: string): Promise<WorkPoolRead | null> {
    return this.sqlite.deployments.getWorkPool(name);
  }

  async updateWorkPool(name: string, changes: UpdateWorkPool): Promise<WorkPoolRead | null> {
    return this.sqlite.deployments.updateWorkPool(name, changes);
  }

  async deleteWorkPool(name: string): Promise<boolean> {
    return this.sqlite.deployments.deleteWorkPool(name);
  }

  async createWorkQueue(pool: string, request: CreateWorkQueue): Promise<WorkQueue> {
    return this.sqlite.deployments.createWorkQueue(pool, request);
  }

  async listWorkQueues(pool: string): Promise<WorkQueue[] | null> {
    return this.sqlite.deployments.listWorkQueues(pool);
  }

  async getWorkQueue(pool: string, name: string): Promise<WorkQueue | null> {
    return this.sqlite.deployments.getWorkQueue(pool, name);
  }

  async updateWorkQueue(pool: string, name: string, changes: UpdateWorkQueue): Promise<WorkQueue | null> {
    return this.sqlite.deployments.updateWorkQueue(pool, name, changes);
  }

  async deleteWorkQueue(pool: string, name: string): Promise<boolean> {
    return this.sqlite.deployments.deleteWorkQueue(pool, name);
  }

  // ---- workers and claims ----

  async workerHeartbeat(pool: string, beat: WorkerBeat): Promise<WorkerBeatAnswer> {
    return this.sqlite.deployments.workerHeartbeat(pool, beat);
  }

  async listWorkers(pool: string): Promise<Worker[] | null> {
    return this.sqlite.deployments.listWorkers(pool);
  }

  async removeWorker(pool: string, name: string): Promise<boolean> {
    return this.sqlite.deployments.removeWorker(pool, name);
  }

  async releaseClaimsOfSilentWorkers(): Promise<number> {
    return this.sqlite.deployments.releaseClaimsOfSilentWorkers();
  }

  async claimRuns(target: ClaimTarget, request: ClaimRequest): Promise<ClaimedRun[]> {
    return this.sqlite.deployments.claimRuns(target, request);
  }

  async nextDueTime(target: ClaimTarget, queues: readonly string[]): Promise<number | null> {
    return this.sqlite.deployments.nextDueTime(target, queues);
  }

  onClaimableChange(listener: () => void): () => void {
    return this.sqlite.deployments.onClaimableChange(listener);
  }

  async releaseRuns(target: ClaimTarget, worker: string, flowRunIds: readonly string[]): Promise<string[]> {
    return this.sqlite.deployments.releaseRuns(target, worker, flowRunIds);
  }

  // ---- artifacts ----

  async createArtifact(artifact: NewArtifact): Promise<Artifact> {
    return this.sqlite.artifacts.create(artifact);
  }

  async updateArtifactProgress(id: string, progress: number): Promise<Artifact | null> {
    return this.sqlite.artifacts.updateProgress(id, progress);
  }

  async getArtifact(id: string): Promise<Artifact | null> {
    return this.sqlite.artifacts.get(id);
  }

  async listArtifacts(filter: ArtifactFilter): Promise<ArtifactPage> {
    return this.sqlite.artifacts.list(filter);
  }

  async listLatestArtifacts(filter: LatestArtifactsFilter): Promise<ArtifactPage> {
    return this.sqlite.artifacts.listLatest(filter);
  }

  async listArtifactVersions(key: string): Promise<Artifact[]> {
    return this.sqlite.artifacts.versions(key);
  }

  async deleteArtifact(id: string): Promise<boolean> {
    return this.sqlite.artifacts.delete(id);
  }

  async deleteArtifactKey(key: string): Promise<number> {
    return this.sqlite.artifacts.deleteKey(key);
  }

  // ---- variables ----

  async listVariables(filter?: VariableFilter): Promise<StoredVariable[]> {
    return this.sqlite.variables.list(filter);
  }

  async getVariable(name: string): Promise<StoredVariable | null> {
    return this.sqlite.variables.get(name);
  }

  async setVariable(name: string, request: SetVariableRequest): Promise<StoredVariable> {
    return this.sqlite.variables.set(name, request);
  }

  async deleteVariable(name: string): Promise<boolean> {
    return this.sqlite.variables.delete(name);
  }

  // ---- blocks ----

  async listBlocks(type?: string): Promise<StoredBlock[]> {
    return this.sqlite.blocks.listBlocks(type);
  }

  async getBlock(type: string, name: string): Promise<StoredBlock | null> {
    return this.sqlite.blocks.getBlock(type, name);
  }

  async insertBlock(type: string, name: string, content: BlockContent): Promise<StoredBlock> {
    return this.sqlite.blocks.insertBlock(type, name, content);
  }

  async replaceBlock(type: string, name: string, content: BlockContent): Promise<StoredBlock | null> {
    return this.sqlite.blocks.replaceBlock(type, name, content);
  }

  async deleteBlock(type: string, name: string): Promise<boolean> {
    return this.sqlite.blocks.deleteBlock(type, name);
  }

  async recordBlockLoad(type: string, name: string, flowRunId: string | null): Promise<boolean> {
    return this.sqlite.blocks.recordBlockLoad(type, name, flowRunId);
  }

  // ---- automations ----

  async listAutomations(): Promise<Automation[]> {
    return this.sqlite.automations.listAutomations();
  }

  async getAutomation(idOrName: string): Promise<Automation | null> {
    return this.sqlite.automations.getAutomation(idOrName);
  }

  async insertAutomation(spec: AutomationSpec): Promise<Automation> {
    return this.sqlite.automations.insertAutomation(spec);
  }

  async updateAutomation(id: string, changes: AutomationChanges): Promise<Automation | null> {
    return this.sqlite.automations.updateAutomation(id, changes);
  }

  async deleteAutomation(id: string): Promise<boolean> {
    return this.sqlite.automations.deleteAutomation(id);
  }

  async listFirings(automationId: string, limit: number): Promise<Firing[]> {
    return this.sqlite.automations.listFirings(automationId, limit);
  }

  async recordFirings(limit = 500): Promise<number> {
    return this.sqlite.automations.recordFirings(limit);
  }

  async claimDeliveries(leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    return this.sqlite.automations.claimDeliveries(leaseMs, limit);
  }

  async finishDelivery(id: string, outcome: DeliveryOutcome): Promise<void> {
    this.sqlite.automations.finishDelivery(id, outcome);
  }
}
