import type { Flow } from '../flow.js';
import type { ServeOptions } from './options.js';

/** What `flow.toDeployment(options)` makes: a deployment for `serve()` to register and run, checked when served. */
export interface ServableDeployment<P = Record<string, unknown>> {
  readonly flow: Flow<never, unknown>;
  readonly options: ServeOptions<P>;
  readonly isServableDeployment: true;
}

export function servableDeployment<P>(flow: Flow<never, unknown>, options: ServeOptions<P>): ServableDeployment<P> {
  return { flow, options, isServableDeployment: true };
}

export function isServableDeployment(value: unknown): value is ServableDeployment {
  return typeof value === 'object' && value !== null && (value as { isServableDeployment?: unknown }).isServableDeployment === true;
}

/**
 * `serve(a.toDeployment({...}), b.toDeployment({...}))`: registers each deployment with no work pool
 * and runs all their runs in this one process until Ctrl+C (or SIGTERM), as `flow.serve()` does for one.
 */
export async function serve(...deployments: Pick<ServableDeployment, 'flow' | 'isServableDeployment'>[]): Promise<void> {
  // Loaded on use: a flow file that never serves does not pay for the schedule checks.
  return (await import('./deploy-flow.js')).serveDeployments(deployments);
}
