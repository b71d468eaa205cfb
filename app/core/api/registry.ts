import { z } from 'zod';
import { ConcurrencyLimitSchema, FlowRunSchema, LogLineSchema, StoredLogSchema, TaskRunSchema } from '../runs.js';
import { ErrorInfoSchema, StateSchema } from '../states.js';
import { ApiErrorBodySchema, OrchestrationResultSchema } from './common.js';
import { DeploymentSchema } from './deployments.js';
import { FlowSchema } from './flows.js';
import { VariableSchema } from './variables.js';
import { WorkerSchema, WorkPoolSchema, WorkQueueSchema } from './work-pools.js';

/**
 * Names for the schemas the API document shows once and refers to, instead of repeating them in
 * every route. A registry of its own, so importing core changes nothing global.
 */
export const API_SCHEMA_NAMES = z.registry<{ id?: string; [key: string]: unknown }>();

const NAMED = {
  Flow: FlowSchema,
  FlowRun: FlowRunSchema,
  TaskRun: TaskRunSchema,
  State: StateSchema,
  ErrorInfo: ErrorInfoSchema,
  LogLine: LogLineSchema,
  StoredLog: StoredLogSchema,
  ConcurrencyLimit: ConcurrencyLimitSchema,
  Deployment: DeploymentSchema,
  WorkPool: WorkPoolSchema,
  WorkQueue: WorkQueueSchema,
  Worker: WorkerSchema,
  Variable: VariableSchema,
  OrchestrationResult: OrchestrationResultSchema,
  ApiError: ApiErrorBodySchema,
} as const;

for (const [id, schema] of Object.entries(NAMED)) API_SCHEMA_NAMES.add(schema, { id });
