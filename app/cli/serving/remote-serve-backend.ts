import type { Bundle } from '../../core/api/bundles.js';
import { createApiClient, type ApiClient } from '../../core/api/client.js';
import type { Deployment, DeployRequest } from '../../core/api/deployments.js';
import { ApiError } from '../../core/api/errors.js';
import type { ClaimedRun } from '../../core/api/work-pools.js';
import type { State } from '../../core/states.js';
import { UsageError } from '../errors.js';
import { DeploymentGoneError, type ServeBackend, type ServeClaim } from './serve-backend.js';

/** A server that has not answered in this long is treated as unreachable; a claim's own wait comes on top. */
const API_TIMEOUT_MS = 30_000;

/** Deployments and their runs on the server FLOWDECK_API_URL names. */
export class RemoteServeBackend implements ServeBackend {
  private readonly client: ApiClient;
  /** Without a timeout of its own: a claim waits up to its waitMs, and is stopped by its signal. */
  private readonly claims: ApiClient;

  constructor(
    readonly where: string,
    apiKey: string | null,
  ) {
    this.client = createApiClient({ baseUrl: where, apiKey: apiKey ?? undefined, timeoutMs: API_TIMEOUT_MS });
    this.claims = createApiClient({ baseUrl: where, apiKey: apiKey ?? undefined });
  }

  async putBundle(hash: string, bundle: Bundle): Promise<void> {
    await refusalsAsUsage(() => this.client.putBundle({ params: { hash }, body: bundle }));
  }

  deploy(request: DeployRequest): Promise<Deployment> {
    return refusalsAsUsage(() => this.client.deploy({ body: request }));
  }

  async findDeployment(flowName: string, name: string): Promise<Deployment | null> {
    try {
      return await this.client.getDeploymentByName({ params: { flow: flowName, name } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  async claim(deployment: Deployment, claim: ServeClaim): Promise<ClaimedRun[]> {
    try {
      const answer = await this.claims.claimDeploymentRuns({
        params: { id: deployment.id },
        body: { worker: claim.worker, limit: claim.limit, waitMs: claim.waitMs },
        signal: AbortSignal.any([claim.signal, AbortSignal.timeout(claim.waitMs + API_TIMEOUT_MS)]),
      });
      return answer.runs;
    } catch (error) {
      // Stopped on purpose: the server gives back whatever it claimed for a client that went away.
      if (claim.signal.aborted) return [];
      if (error instanceof ApiError && error.status === 404) throw new DeploymentGoneError(deployment.fullName, this.where);
      throw error;
    }
  }

  runStates(flowRunId: string): Promise<State[]> {
    return this.client.listFlowRunStates({ params: { id: flowRunId } });
  }

  async pause(deployment: Deployment): Promise<void> {
    try {
      await this.client.pauseDeployment({ params: { id: deployment.id } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) throw new DeploymentGoneError(deployment.fullName, this.where);
      throw error;
    }
  }

  startScheduling(): () => Promise<void> {
    return () => Promise.resolve();
  }
}

/** A 4xx is the request's fault and its message says why: bad input, not a failure of the CLI. */
async function refusalsAsUsage<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw new UsageError(error.message);
    throw error;
  }
}
