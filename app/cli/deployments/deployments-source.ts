import type { z } from 'zod';
import type {
  Bundle,
  CreateWorkPoolSchema,
  CreateWorkQueueSchema,
  DeployRequest,
  Deployment,
  DeploymentRead,
  DeploymentSummary,
  RunDeploymentSchema,
  UpdateWorkPoolSchema,
  Worker,
  WorkPoolRead,
  WorkQueue,
} from '../../core/api/index.js';
import type { FlowRun } from '../../core/index.js';

export type CreateWorkPoolInput = z.input<typeof CreateWorkPoolSchema>;
export type UpdateWorkPoolInput = z.input<typeof UpdateWorkPoolSchema>;
export type CreateWorkQueueInput = z.input<typeof CreateWorkQueueSchema>;
export type RunDeploymentInput = z.input<typeof RunDeploymentSchema>;

/**
 * Where the deployment, work pool and worker commands read and change things: the local database
 * in this process, or a Flowdeck server over its API. Both hand out records as the API shapes
 * them, so every command prints the same either way. A refusal (an unknown pool, parameters that
 * do not fit, a name taken) is thrown as a UsageError whose message says what was wrong; unknown
 * things asked for by name answer null (or false), for the command to word.
 */
export interface DeploymentsSource {
  /** Stores a deployment's code at its hash; storing the same bundle again changes nothing. */
  putBundle(hash: string, bundle: Bundle): Promise<void>;
  /** Creates or replaces every deployment, or, when any is refused, none. */
  deployMany(requests: DeployRequest[]): Promise<Deployment[]>;
  listDeployments(): Promise<DeploymentSummary[]>;
  findDeployment(flowName: string, name: string): Promise<DeploymentRead | null>;
  /** A Scheduled run of the deployment, its parameters over the deployment's and checked against its schema. */
  runDeployment(id: string, request: RunDeploymentInput): Promise<FlowRun>;
  setDeploymentPaused(id: string, paused: boolean): Promise<Deployment>;
  deleteDeployment(id: string): Promise<boolean>;

  createWorkPool(request: CreateWorkPoolInput): Promise<WorkPoolRead>;
  listWorkPools(): Promise<WorkPoolRead[]>;
  getWorkPool(name: string): Promise<WorkPoolRead | null>;
  updateWorkPool(name: string, changes: UpdateWorkPoolInput): Promise<WorkPoolRead | null>;
  deleteWorkPool(name: string): Promise<boolean>;
  createWorkQueue(pool: string, request: CreateWorkQueueInput): Promise<WorkQueue>;
  /** Null for an unknown pool. */
  listWorkQueues(pool: string): Promise<WorkQueue[] | null>;
  getWorkQueue(pool: string, name: string): Promise<WorkQueue | null>;
  deleteWorkQueue(pool: string, name: string): Promise<boolean>;
  /** Null for an unknown pool. */
  listWorkers(pool: string): Promise<Worker[] | null>;
}
