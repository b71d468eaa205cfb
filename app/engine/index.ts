/** The Flowdeck SDK: what flow code imports as `flowdeck`. Whatever runs flows imports hosting.ts. */
export { flow, type Flow } from './flow.js';
export { serve, type ServableDeployment } from './deployments/servable.js';
export { task, waitFor, WaitFor, type Task } from './task.js';
export { TaskRunFuture, FutureList, unmapped, allowFailure, Unmapped, AllowFailure } from './futures.js';
export { getRunLogger, type Logger } from './logger.js';
export { getRunContext, type RunContext } from './context.js';
export { pauseFlowRun, type PauseOptions } from './pause.js';
export {
  createMarkdownArtifact,
  createTableArtifact,
  createLinkArtifact,
  createProgressArtifact,
  updateProgressArtifact,
  type ArtifactOptions,
  type LinkArtifactOptions,
  type ArtifactTable,
} from './artifacts.js';
export { Variable, type SetVariableOptions } from './variables.js';
export { Secret } from './blocks/secret.js';
export { loadBlock } from './blocks/load-block.js';
export { exponentialBackoff, type TaskOptions, type FlowOptions, type RunInfo, type Hook } from './options.js';
export { CachePolicies, type CachePolicy, type CacheKeyContext } from './cache.js';
export { ConcurrentTaskRunner } from './task-runners/concurrent.js';
export { WorkerThreadTaskRunner } from './task-runners/worker-threads.js';
export type { TaskRunner, TaskCall } from './task-runners/task-runner.js';
export { CancelledError, TimeoutError, PauseTimeoutError, RunAbortedError, UpstreamFailedError, ParameterValidationError } from './errors.js';
export type { State, StateType } from '../core/index.js';
