import type { Bundle } from '../../core/api/bundles.js';
import type { Deployment, DeployRequest } from '../../core/api/deployments.js';
import type { ClaimedRun } from '../../core/api/work-pools.js';
import type { State } from '../../core/states.js';

/** The served deployment is gone (deleted while it was served): there is nothing left to take runs of. */
export class DeploymentGoneError extends Error {
  constructor(fullName: string, where: string) {
    super(`the deployment ${fullName} no longer exists on ${where}`);
    this.name = 'DeploymentGoneError';
  }
}

/** What a serve process asks for when it takes due runs of its deployment. */
export interface ServeClaim {
  /** The name the claimed runs record as the one running them. */
  worker: string;
  limit: number;
  /** How long to wait for a run to come due when none is due now. */
  waitMs: number;
  /** Ends the wait at once, with no runs claimed. */
  signal: AbortSignal;
}

/**
 * Where `deploy()` and `serve()` register deployments and take their runs: the local database in
 * this process, or the server FLOWDECK_API_URL names. A refusal is thrown with a message that says
 * what was wrong.
 */
export interface ServeBackend {
  /** The server's URL or the local database's path, for messages. */
  readonly where: string;
  putBundle(hash: string, bundle: Bundle): Promise<void>;
  deploy(request: DeployRequest): Promise<Deployment>;
  findDeployment(flowName: string, name: string): Promise<Deployment | null>;
  /**
   * Claims due runs of the deployment for this process, waiting (a long poll) for one to come due.
   * Throws DeploymentGoneError once the deployment has been deleted.
   */
  claim(deployment: Deployment, claim: ServeClaim): Promise<ClaimedRun[]>;
  /** A claimed run's state history, oldest first: whether it waited as a retry. */
  runStates(flowRunId: string): Promise<State[]>;
  /** Pauses the deployment: its schedules' future runs are deleted and it makes none until it is resumed (served again). */
  pause(deployment: Deployment): Promise<void>;
  /**
   * Makes the deployment's scheduled runs when no server does (the local database): a scheduler in
   * this process, until the returned function is called. A server schedules its own.
   */
  startScheduling(): () => Promise<void>;
}
