import type { DeploymentRead } from '../../core/api/index.js';
import { UsageError } from '../errors.js';
import { closest, didYouMean } from '../suggest.js';
import type { DeploymentsSource } from './deployments-source.js';

/** A deployment by `FLOW/NAME`, or a usage error that says what was wrong and suggests the nearest names. */
export async function findDeployment(source: DeploymentsSource, fullName: string): Promise<DeploymentRead> {
  const slash = fullName.indexOf('/');
  if (slash <= 0 || slash === fullName.length - 1) {
    throw new UsageError(`name a deployment as FLOW/NAME, such as etl/nightly, not '${fullName}'; 'flowdeck deployment ls' lists them`);
  }
  const found = await source.findDeployment(fullName.slice(0, slash), fullName.slice(slash + 1));
  if (found) return found;
  const known = (await source.listDeployments()).map((d) => d.fullName);
  const guess = didYouMean(closest(fullName, known));
  throw new UsageError(`no deployment '${fullName}'; ${guess ? `${guess} ` : ''}('flowdeck deployment ls' lists them)`);
}
