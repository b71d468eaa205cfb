import { ZodError } from 'zod';
import {
  DeploymentReadSchema,
  DeploymentSchema,
  DeploymentSummarySchema,
  WorkerSchema,
  WorkPoolReadSchema,
  WorkQueueSchema,
  CreateWorkPoolSchema,
  CreateWorkQueueSchema,
  UpdateWorkPoolSchema,
  type Bundle,
  type DeployRequest,
  type Deployment,
  type DeploymentRead,
  type DeploymentSummary,
  type Worker,
  type WorkPoolRead,
  type WorkQueue,
} from '../../core/api/index.js';
import { FlowRunSchema, type FlowRun } from '../../core/runs.js';
import { BundleError, type BundleStore } from '../../server/bundles/bundle-store.js';
import { deployDeployments } from '../../server/deployments/deploy.js';
import { DeploymentError } from '../../server/deployments/deployment-error.js';
import { runDeployment } from '../../server/deployments/run-deployment.js';
import type { DeploymentStore } from '../../server/store/deployment-store.js';
import { StoreError } from '../../server/store/store-error.js';
import { UsageError } from '../errors.js';
import type { CreateWorkPoolInput, CreateWorkQueueInput, DeploymentsSource, RunDeploymentInput, UpdateWorkPoolInput } from './deployments-source.js';

/** The store's and the checks' refusals of bad input, said as a server says them. */
async function refusalsAsUsage<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DeploymentError || error instanceof BundleError) throw new UsageError(error.message);
    if (error instanceof ZodError) throw new UsageError(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    if (error instanceof StoreError && (error.code === 'NOT_FOUND' || error.code === 'INVALID' || error.code === 'CONFLICT')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

// The API sends records as its schemas shape them (keys in schema order); parsing through the
// same schemas hands out the same, so `--json` prints the same text locally and against a server.
const asDeployment = (d: Deployment): Deployment => DeploymentSchema.parse(d);
const asPool = (p: WorkPoolRead): WorkPoolRead => WorkPoolReadSchema.parse(p);
const asQueue = (q: WorkQueue): WorkQueue => WorkQueueSchema.parse(q);

/** Deployments, work pools and workers in the local database, read and changed in this process. */
export class LocalDeploymentsSource implements DeploymentsSource {
  constructor(
    private readonly store: DeploymentStore,
    private readonly bundles: BundleStore,
  ) {}

  async putBundle(hash: string, bundle: Bundle): Promise<void> {
    await refusalsAsUsage(() => this.bundles.put(hash, bundle));
  }

  async deployMany(requests: DeployRequest[]): Promise<Deployment[]> {
    return (await refusalsAsUsage(() => deployDeployments(this.store, this.bundles, requests))).map(asDeployment);
  }

  async listDeployments(): Promise<DeploymentSummary[]> {
    return (await this.store.listDeployments()).map((d) => DeploymentSummarySchema.parse(d));
  }

  async findDeployment(flowName: string, name: string): Promise<DeploymentRead | null> {
    const found = await this.store.findDeployment(flowName, name);
    return found && DeploymentReadSchema.parse(found);
  }

  async runDeployment(id: string, request: RunDeploymentInput): Promise<FlowRun> {
    return FlowRunSchema.parse(await refusalsAsUsage(() => runDeployment(this.store, id, request)));
  }

  async setDeploymentPaused(id: string, paused: boolean): Promise<Deployment> {
    const changed = await this.store.setDeploymentPaused(id, paused);
    if (!changed) throw new UsageError(`no deployment with id '${id}'`);
    return asDeployment(changed);
  }

  deleteDeployment(id: string): Promise<boolean> {
    return this.store.deleteDeployment(id);
  }

  async createWorkPool(request: CreateWorkPoolInput): Promise<WorkPoolRead> {
    return asPool(await refusalsAsUsage(() => this.store.createWorkPool(CreateWorkPoolSchema.parse(request))));
  }

  async listWorkPools(): Promise<WorkPoolRead[]> {
    return (await this.store.listWorkPools()).map(asPool);
  }

  async getWorkPool(name: string): Promise<WorkPoolRead | null> {
    const pool = await this.store.getWorkPool(name);
    return pool && asPool(pool);
  }

  async updateWorkPool(name: string, changes: UpdateWorkPoolInput): Promise<WorkPoolRead | null> {
    const pool = await refusalsAsUsage(() => this.store.updateWorkPool(name, UpdateWorkPoolSchema.parse(changes)));
    return pool && asPool(pool);
  }

  deleteWorkPool(name: string): Promise<boolean> {
    return refusalsAsUsage(() => this.store.deleteWorkPool(name));
  }

  async createWorkQueue(pool: string, request: CreateWorkQueueInput): Promise<WorkQueue> {
    return asQueue(await refusalsAsUsage(() => this.store.createWorkQueue(pool, CreateWorkQueueSchema.parse(request))));
  }

  async listWorkQueues(pool: string): Promise<WorkQueue[] | null> {
    return (await this.store.listWorkQueues(pool))?.map(asQueue) ?? null;
  }

  async getWorkQueue(pool: string, name: string): Promise<WorkQueue | null> {
    const queue = await this.store.getWorkQueue(pool, name);
    return queue && asQueue(queue);
  }

  deleteWorkQueue(pool: string, name: string): Promise<boolean> {
    return refusalsAsUsage(() => this.store.deleteWorkQueue(pool, name));
  }

  async listWorkers(pool: string): Promise<Worker[] | null> {
    return (await this.store.listWorkers(pool))?.map((w) => WorkerSchema.parse(w)) ?? null;
  }
}
