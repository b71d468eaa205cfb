import type { FlowRun } from '../../core/index.js';
import type { DeploymentStore } from '../store/deployment-store.js';

/** Whether a deployment's run can go back to its pool for a retry, and what would hold it there. */
export type DeploymentRetryCheck = { ok: true; heldBy: string | null } | { ok: false; message: string };

/**
 * A retried deployment run is taken by its pool's workers (or its deployment's serve process),
 * so its deployment must still exist. A paused deployment, pool or queue does not refuse the
 * retry, but the run waits until it is resumed, which `heldBy` says.
 */
export async function deploymentRetryCheck(store: DeploymentStore, run: FlowRun): Promise<DeploymentRetryCheck> {
  const deployment = run.deploymentId ? await store.getDeployment(run.deploymentId) : null;
  if (!deployment) {
    const name = run.deploymentName ?? run.deploymentId;
    return {
      ok: false,
      message:
        `flow run '${run.name}' is a run of deployment ${name}, which was deleted, so no worker would take it again; ` +
        `deploy it again and start a new run with \`flowdeck deployment run\``,
    };
  }
  if (deployment.paused) return { ok: true, heldBy: `deployment ${deployment.fullName} is paused: the run waits until it is resumed` };
  const poolName = run.workPool ?? null;
  if (poolName === null) return { ok: true, heldBy: null };
  const pool = await store.getWorkPool(poolName);
  if (pool?.paused) return { ok: true, heldBy: `work pool ${poolName} is paused: the run waits until it is resumed` };
  const queue = run.workQueue ? await store.getWorkQueue(poolName, run.workQueue) : null;
  if (queue?.paused) return { ok: true, heldBy: `work queue ${run.workQueue} of pool ${poolName} is paused: the run waits until it is resumed` };
  return { ok: true, heldBy: null };
}
