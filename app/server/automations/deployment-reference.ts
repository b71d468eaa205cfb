import type { DeploymentRead } from '../../core/api/index.js';
import type { DeploymentStore } from '../store/deployment-store.js';

/** The deployment `FLOW/NAME` or an id names, or null. */
export async function findDeploymentByReference(store: DeploymentStore, reference: string): Promise<DeploymentRead | null> {
  const slash = reference.indexOf('/');
  if (slash > 0) {
    const byName = await store.findDeployment(reference.slice(0, slash), reference.slice(slash + 1));
    if (byName) return byName;
  }
  return store.getDeployment(reference);
}
