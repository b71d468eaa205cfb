import { type ApiClient, type Bundle, type DeployRequest, type Deployment, type DeploymentRead } from '../../core/api/index.js';
import type { DeploymentSummary, Worker, WorkPoolRead, WorkQueue } from '../../core/api/index.js';
import type { FlowRun } from '../../core/index.js';
import type { CreateWorkPoolInput, CreateWorkQueueInput, DeploymentsSource, RunDeploymentInput, UpdateWorkPoolInput } from './deployments-source.js';
import { orNull, refusalsAsUsage } from '../remote-answers.js';

async function deleted(request: Promise<unknown>): Promise<boolean> {
  return (await orNull(request.then(() => true))) ?? false;
}

/** Deployments, work pools and workers on a Flowdeck server, through its REST API. */
export class RemoteDeploymentsSource implements DeploymentsSource {
  constructor(private readonly api: ApiClient) {}

  async putBundle(hash: string, bundle: Bundle): Promise<void> {
    await refusalsAsUsage(this.api.putBundle({ params: { hash }, body: bundle }));
  }

  deployMany(requests: DeployRequest[]): Promise<Deployment[]> {
    return refusalsAsUsage(this.api.deployMany({ body: { deployments: requests } }));
  }

  listDeployments(): Promise<DeploymentSummary[]> {
    return this.api.listDeployments();
  }

  findDeployment(flowName: string, name: string): Promise<DeploymentRead | null> {
    return orNull(this.api.getDeploymentByName({ params: { flow: flowName, name } }));
  }

  runDeployment(id: string, request: RunDeploymentInput): Promise<FlowRun> {
    return refusalsAsUsage(this.api.runDeployment({ params: { id }, body: request }));
  }

  setDeploymentPaused(id: string, paused: boolean): Promise<Deployment> {
    const params = { id };
    return refusalsAsUsage(paused ? this.api.pauseDeployment({ params }) : this.api.resumeDeployment({ params }));
  }

  deleteDeployment(id: string): Promise<boolean> {
    return deleted(this.api.deleteDeployment({ params: { id } }));
  }

  createWorkPool(request: CreateWorkPoolInput): Promise<WorkPoolRead> {
    return refusalsAsUsage(this.api.createWorkPool({ body: request }));
  }

  listWorkPools(): Promise<WorkPoolRead[]> {
    return this.api.listWorkPools();
  }

  getWorkPool(name: string): Promise<WorkPoolRead | null> {
    return orNull(this.api.getWorkPool({ params: { pool: name } }));
  }

  updateWorkPool(name: string, changes: UpdateWorkPoolInput): Promise<WorkPoolRead | null> {
    return refusalsAsUsage(orNull(this.api.updateWorkPool({ params: { pool: name }, body: changes })));
  }

  deleteWorkPool(name: string): Promise<boolean> {
    return refusalsAsUsage(deleted(this.api.deleteWorkPool({ params: { pool: name } })));
  }

  createWorkQueue(pool: string, request: CreateWorkQueueInput): Promise<WorkQueue> {
    return refusalsAsUsage(this.api.createWorkQueue({ params: { pool }, body: request }));
  }

  listWorkQueues(pool: string): Promise<WorkQueue[] | null> {
    return orNull(this.api.listWorkQueues({ params: { pool } }));
  }

  getWorkQueue(pool: string, name: string): Promise<WorkQueue | null> {
    return orNull(this.api.getWorkQueue({ params: { pool, queue: name } }));
  }

  deleteWorkQueue(pool: string, name: string): Promise<boolean> {
    return refusalsAsUsage(deleted(this.api.deleteWorkQueue({ params: { pool, queue: name } })));
  }

  listWorkers(pool: string): Promise<Worker[] | null> {
    return orNull(this.api.listWorkers({ params: { pool } }));
  }
}
