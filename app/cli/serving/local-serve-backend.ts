import type { Bundle } from '../../core/api/bundles.js';
import type { Deployment, DeployRequest } from '../../core/api/deployments.js';
import type { ClaimedRun } from '../../core/api/work-pools.js';
import type { State } from '../../core/states.js';
import { BundleError, BundleStore, localBundleFolder } from '../../server/bundles/bundle-store.js';
import { deployDeployments } from '../../server/deployments/deploy.js';
import { DeploymentError } from '../../server/deployments/deployment-error.js';
import type { RunStore } from '../../server/index.js';
import { startDeploymentUpkeep } from '../../server/services/deployment-upkeep.js';
import { startScheduler } from '../../server/services/scheduler.js';
import { StoreError } from '../../server/store/store-error.js';
import { claimWithWait } from '../../server/work-pools/claim-with-wait.js';
import { UsageError } from '../errors.js';
import { DeploymentGoneError, type ServeBackend, type ServeClaim } from './serve-backend.js';

/** How often the scheduler of a serve process with no server plans runs ahead; it plans at once after a deploy too. */
const SCHEDULER_INTERVAL_MS = 10_000;
/** How often it names Late the runs not started in time. */
const UPKEEP_INTERVAL_MS = 5_000;

/** Deployments and their runs in the local database, as a server would keep them, in this process. */
export class LocalServeBackend implements ServeBackend {
  private readonly bundles: BundleStore;

  constructor(
    private readonly store: RunStore,
    readonly where: string,
    home: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.bundles = new BundleStore(localBundleFolder(home));
  }

  putBundle(hash: string, bundle: Bundle): Promise<void> {
    return refusalsAsUsage(() => {
      this.bundles.put(hash, bundle);
      return Promise.resolve();
    });
  }

  async deploy(request: DeployRequest): Promise<Deployment> {
    const [deployment] = await refusalsAsUsage(() => deployDeployments(this.store, this.bundles, [request]));
    return deployment;
  }

  findDeployment(flowName: string, name: string): Promise<Deployment | null> {
    return this.store.findDeployment(flowName, name);
  }

  async claim(deployment: Deployment, claim: ServeClaim): Promise<ClaimedRun[]> {
    try {
      return await claimWithWait(
        this.store,
        { deploymentId: deployment.id },
        { worker: claim.worker, queues: [], limit: claim.limit },
        { waitMs: claim.waitMs, signal: claim.signal },
      );
    } catch (error) {
      if (error instanceof StoreError && error.code === 'NOT_FOUND') throw new DeploymentGoneError(deployment.fullName, this.where);
      throw error;
    }
  }

  runStates(flowRunId: string): Promise<State[]> {
    return this.store.listStates(flowRunId);
  }

  async pause(deployment: Deployment): Promise<void> {
    if (!(await this.store.setDeploymentPaused(deployment.id, true))) throw new DeploymentGoneError(deployment.fullName, this.where);
  }

  startScheduling(): () => Promise<void> {
    const scheduler = startScheduler(this.store, SCHEDULER_INTERVAL_MS, this.onError);
    const stopUpkeep = startDeploymentUpkeep(this.store, UPKEEP_INTERVAL_MS, this.onError);
    return async () => {
      await Promise.all([scheduler.stop(), stopUpkeep()]);
    };
  }
}

/** What the store or the deployment checks refuse is the request's fault, and their messages say why. */
async function refusalsAsUsage<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DeploymentError || error instanceof BundleError) throw new UsageError(error.message);
    if (error instanceof StoreError && (error.code === 'NOT_FOUND' || error.code === 'INVALID' || error.code === 'CONFLICT')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}
