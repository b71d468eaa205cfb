import { z } from 'zod';
import type { RouteSpec } from './route-spec.js';
import { ConcurrencyLimitSchema, FlowRunSchema, StoredLogSchema, TaskRunSchema } from '../runs.js';
import { StateSchema } from '../states.js';
import {
  BreakpointAnswerSchema,
  BreakpointAnswersQuerySchema,
  ContinuedFlowRunSchema,
  ContinueFlowRunSchema,
  ContinueTaskRunSchema,
  SkipTaskRunSchema,
} from './breakpoints.js';
import { ARTIFACT_ROUTES } from './artifacts.js';
import { AUTOMATION_ROUTES } from './automations.js';
import { BLOCK_ROUTES } from './blocks.js';
import { BUNDLE_ROUTES } from './bundles.js';
import { IdParamsSchema, OrchestrationResultSchema } from './common.js';
import { DEPLOYMENT_ROUTES, DeploymentSchema } from './deployments.js';
import { WORK_POOL_ROUTES } from './work-pools.js';
import { VARIABLE_ROUTES } from './variables.js';
import { SetConcurrencyLimitSchema, TagParamsSchema } from './concurrency-limits.js';
import { DashboardQuerySchema, DashboardSchema } from './dashboard.js';
import {
  FlowRunListQuerySchema,
  FlowRunPageSchema,
  FlowRunReadSchema,
  LogsQuerySchema,
  ResumeFlowRunSchema,
  ResumeInputQuerySchema,
  ResumeInputSchema,
  RetryFlowRunSchema,
} from './flow-runs.js';
import { FlowSchema } from './flows.js';
import { HealthSchema } from './health.js';
import { ReportResponseSchema, ReportSchema } from './reports.js';
import { RecordedRunsSchema, RetryInProcessSchema, RunFromTaskSchema } from './reruns.js';
import { ResolvedRunIdSchema, ResolveRunIdQuerySchema, RUN_ID_PREFIX_MIN, RunIdPrefixesRequestSchema, RunIdPrefixesSchema } from './run-ids.js';
import {
  ChangeWorkspaceSchema,
  DeployFlowFileSchema,
  DescribeFlowFileSchema,
  FlowFileDescriptionSchema,
  FlowTemplateSchema,
  RunAgainSchema,
  RunFlowFileSchema,
  StartedFlowRunSchema,
  WorkspaceFileQuerySchema,
  WorkspaceFileSchema,
  WorkspaceFilesSchema,
  WorkspaceInfoSchema,
  WriteWorkspaceFileSchema,
  WrittenWorkspaceFileSchema,
} from './workspace.js';

/** The endpoints of runs, flows, logs, the workspace and the server itself. */
const RUN_ROUTES = {
  health: {
    method: 'GET',
    path: '/health',
    summary: 'Whether the server is up and can store what it is sent, and its version',
    resource: 'health',
    status: 200,
    response: HealthSchema,
  },
  getDashboard: {
    method: 'GET',
    path: '/dashboard',
    summary: 'Runs by state over time, running now, recent failures and success per flow, over the last hours',
    resource: 'dashboard',
    query: DashboardQuerySchema,
    status: 200,
    response: DashboardSchema,
  },
  listFlows: {
    method: 'GET',
    path: '/flows',
    summary: 'Every flow that has been run, by name',
    resource: 'flows',
    status: 200,
    response: z.array(FlowSchema),
  },
  listFlowRuns: {
    method: 'GET',
    path: '/flow-runs',
    summary: 'Flow runs, newest first or as sorted, filtered and paged with a cursor',
    resource: 'flow-runs',
    query: FlowRunListQuerySchema,
    status: 200,
    response: FlowRunPageSchema,
  },
  getFlowRun: {
    method: 'GET',
    path: '/flow-runs/:id',
    summary:
      'One flow run with its current state; a Paused one with what its pause waits for (reason, input schema, timeout); ' +
      'and whether this server can run it again (its file is in the workspace) or why not',
    resource: 'flow-runs',
    params: IdParamsSchema,
    status: 200,
    response: FlowRunReadSchema,
  },
  listFlowRunTaskRuns: {
    method: 'GET',
    path: '/flow-runs/:id/task-runs',
    summary: 'The task runs of a flow run, in the order they were created',
    resource: 'flow-runs',
    params: IdParamsSchema,
    status: 200,
    response: z.array(TaskRunSchema),
  },
  listFlowRunLogs: {
    method: 'GET',
    path: '/flow-runs/:id/logs',
    summary: 'Log lines of a flow run and its tasks, oldest first; pass the last id seen as afterId to follow',
    resource: 'flow-runs',
    params: IdParamsSchema,
    query: LogsQuerySchema,
    status: 200,
    response: z.array(StoredLogSchema),
  },
  listFlowRunStates: {
    method: 'GET',
    path: '/flow-runs/:id/states',
    summary: 'The state history of a flow run, oldest first',
    resource: 'flow-runs',
    params: IdParamsSchema,
    status: 200,
    response: z.array(StateSchema),
  },
  listFlowRunTaskRunStates: {
    method: 'GET',
    path: '/flow-runs/:id/task-run-states',
    summary: "Every task run's state history in a flow run, oldest first: all retry histories at once",
    resource: 'flow-runs',
    params: IdParamsSchema,
    status: 200,
    response: z.array(z.object({ taskRunId: z.string(), states: z.array(StateSchema) })),
  },
  cancelFlowRun: {
    method: 'POST',
    path: '/flow-runs/:id/cancel',
    summary: 'Cancel a flow run: one that has not started is Cancelled, a running one Cancelling until its process stops',
    resource: 'flow-runs',
    params: IdParamsSchema,
    status: 200,
    response: OrchestrationResultSchema,
  },
  retryFlowRun: {
    method: 'POST',
    path: '/flow-runs/:id/retry',
    summary:
      'Make a Failed, Crashed or Cancelled flow run Scheduled (AwaitingRetry) for its next attempt, answering the run. A run of a ' +
      "deployment is due now, in its deployment's pool and queue: a worker of the pool (or its serve process) takes it and reuses the " +
      'completed tasks of earlier attempts unless `all` is set. 409 when it is in any other state or its deployment was deleted',
    resource: 'flow-runs',
    params: IdParamsSchema,
    body: RetryFlowRunSchema,
    status: 200,
    response: FlowRunSchema,
  },
  resumeFlowRun: {
    method: 'POST',
    path: '/flow-runs/:id/resume',
    summary:
      'Resume a Paused flow run, handing its process the input as the answer of pauseFlowRun(); answers the run, ' +
      'Running again. When the pause gave a JSON Schema for its input (the run read shows it as pause.inputSchema), ' +
      'input that does not fit is refused with 422, each part that did not fit named in issues (path and message), ' +
      'and the run stays Paused; without one any input, or none, is taken. 409 when the run is not Paused',
    resource: 'flow-runs',
    params: IdParamsSchema,
    body: ResumeFlowRunSchema,
    status: 200,
    response: FlowRunSchema,
  },
  getResumeInput: {
    method: 'GET',
    path: '/flow-runs/:id/resume-input',
    summary:
      'The input a pause of a flow run was resumed with, the pause named by the transition id of its Paused state; ' +
      '404 while it has not been resumed',
    resource: 'flow-runs',
    params: IdParamsSchema,
    query: ResumeInputQuerySchema,
    status: 200,
    response: ResumeInputSchema,
  },
  continueFlowRun: {
    method: 'POST',
    path: '/flow-runs/:id/continue',
    summary:
      'Continue every task run of a flow run held at a breakpoint (with step, each runs and the run pauses before its next task run), ' +
      'and end a break of the whole run; answers the task runs that went on. 409 when none is at a breakpoint and the run is not broken',
    resource: 'breakpoints',
    params: IdParamsSchema,
    body: ContinueFlowRunSchema,
    status: 200,
    response: ContinuedFlowRunSchema,
  },
  breakFlowRun: {
    method: 'POST',
    path: '/flow-runs/:id/break',
    summary:
      'Break a debug run as a whole ("pause all"): each of its task runs that has not started stops at a breakpoint before it starts, ' +
      'until the flow run is continued; task runs running now finish their attempt. 409 when the run has ended or is not a debug run',
    resource: 'breakpoints',
    params: IdParamsSchema,
    status: 200,
    response: z.object({ flowRunId: z.string() }),
  },
  listBreakpointAnswers: {
    method: 'GET',
    path: '/flow-runs/:id/breakpoint-answers',
    summary:
      "The answers given to breakpoints of a flow run after the one numbered `after`, oldest first: what the run's process reads to go on. " +
      'With waitMs and none yet, the request is held open until one is given or the time is up (then answers [])',
    resource: 'breakpoints',
    params: IdParamsSchema,
    query: BreakpointAnswersQuerySchema,
    status: 200,
    response: z.array(BreakpointAnswerSchema),
  },
  continueTaskRun: {
    method: 'POST',
    path: '/task-runs/:id/continue',
    summary:
      'Let a task run held at a breakpoint go on (Pending, named Continued): it runs, with `inputs` instead of its own arguments when given ' +
      '(recorded in its history), and with step the flow run pauses before its next task run. At a breakpoint on a failure it runs again in place. ' +
      '409 when it is not at a breakpoint; 422 when the inputs do not fit (a JSON array of as many arguments as it was called with)',
    resource: 'breakpoints',
    params: IdParamsSchema,
    body: ContinueTaskRunSchema,
    status: 200,
    response: TaskRunSchema,
  },
  skipTaskRun: {
    method: 'POST',
    path: '/task-runs/:id/skip',
    summary:
      'Skip a task run held at a breakpoint: it does not run and completes, named Skipped, with the given result. 409 when it is not at a breakpoint',
    resource: 'breakpoints',
    params: IdParamsSchema,
    body: SkipTaskRunSchema,
    status: 200,
    response: TaskRunSchema,
  },
  failTaskRun: {
    method: 'POST',
    path: '/task-runs/:id/fail',
    summary:
      'Let a task run held at a breakpoint on its failure fail as it would have. 409 when it is not at a breakpoint; 422 when it stopped before it started',
    resource: 'breakpoints',
    params: IdParamsSchema,
    status: 200,
    response: TaskRunSchema,
  },
  getTaskRun: {
    method: 'GET',
    path: '/task-runs/:id',
    summary: 'One task run with its current state',
    resource: 'task-runs',
    params: IdParamsSchema,
    status: 200,
    response: TaskRunSchema,
  },
  listTaskRunStates: {
    method: 'GET',
    path: '/task-runs/:id/states',
    summary: 'The state history of a task run, oldest first: its retry history',
    resource: 'task-runs',
    params: IdParamsSchema,
    status: 200,
    response: z.array(StateSchema),
  },
  listConcurrencyLimits: {
    method: 'GET',
    path: '/concurrency-limits',
    summary: 'Every tag concurrency limit with the task runs holding its slots',
    resource: 'concurrency-limits',
    status: 200,
    response: z.array(ConcurrencyLimitSchema),
  },
  getConcurrencyLimit: {
    method: 'GET',
    path: '/concurrency-limits/:tag',
    summary: 'The concurrency limit of one tag',
    resource: 'concurrency-limits',
    params: TagParamsSchema,
    status: 200,
    response: ConcurrencyLimitSchema,
  },
  setConcurrencyLimit: {
    method: 'PUT',
    path: '/concurrency-limits/:tag',
    summary: 'Create or change the concurrency limit of a tag',
    resource: 'concurrency-limits',
    params: TagParamsSchema,
    body: SetConcurrencyLimitSchema,
    status: 200,
    response: ConcurrencyLimitSchema,
  },
  deleteConcurrencyLimit: {
    method: 'DELETE',
    path: '/concurrency-limits/:tag',
    summary: 'Remove the concurrency limit of a tag, releasing its slots',
    resource: 'concurrency-limits',
    params: TagParamsSchema,
    status: 204,
    response: z.undefined(),
  },
  resolveRunId: {
    method: 'GET',
    path: '/run-ids/resolve',
    summary: `The full id of the one flow or task run whose id is the prefix or starts with it (at least ${RUN_ID_PREFIX_MIN} characters); 404 when none matches, 409 when several do`,
    resource: 'run-ids',
    query: ResolveRunIdQuerySchema,
    status: 200,
    response: ResolvedRunIdSchema,
  },
  runIdPrefixes: {
    method: 'POST',
    path: '/run-ids/prefixes',
    summary: 'For each id, its shortest prefix (8 characters or more) that no other run of the kind shares: short ids to show and paste back',
    resource: 'run-ids',
    body: RunIdPrefixesRequestSchema,
    status: 200,
    response: RunIdPrefixesSchema,
  },
  report: {
    method: 'POST',
    path: '/reports',
    summary:
      'What a remote flow process reports, batched: run creations, transitions, heartbeats and log lines. ' +
      'Each operation is answered in order once it is durable; one that fails on its own answers with an error.',
    resource: 'reports',
    body: ReportSchema,
    status: 200,
    response: ReportResponseSchema,
  },
  listWorkspaceFiles: {
    method: 'GET',
    path: '/workspace/files',
    summary: "The flow files (*.ts) in the server's workspace folder, skipping node_modules and dot-folders",
    resource: 'workspace',
    status: 200,
    response: WorkspaceFilesSchema,
  },
  readWorkspaceFile: {
    method: 'GET',
    path: '/workspace/file',
    summary: 'One flow file of the workspace with its sidecar (node positions); 404 when there is no such file',
    resource: 'workspace',
    query: WorkspaceFileQuerySchema,
    status: 200,
    response: WorkspaceFileSchema,
  },
  writeWorkspaceFile: {
    method: 'PUT',
    path: '/workspace/file',
    summary:
      'Write a flow file of the workspace (and its sidecar) in one step, creating folders; ' +
      '409 when the file changed on disk since expectedModifiedAt (null: when it already exists)',
    resource: 'workspace',
    body: WriteWorkspaceFileSchema,
    status: 200,
    response: WrittenWorkspaceFileSchema,
  },
  getWorkspace: {
    method: 'GET',
    path: '/workspace',
    summary: "The server's workspace folder, and whether it may be changed through the API",
    resource: 'workspace',
    status: 200,
    response: WorkspaceInfoSchema,
  },
  changeWorkspace: {
    method: 'PUT',
    path: '/workspace',
    summary:
      'Point the server at another folder of flow files, remembered for its next start; 403 unless the server allows it ' +
      '(a local one does), 400 when the folder does not exist or is the root, a home folder or above, hidden, or FLOWDECK_HOME',
    resource: 'workspace',
    body: ChangeWorkspaceSchema,
    status: 200,
    response: WorkspaceInfoSchema,
  },
  listTemplates: {
    method: 'GET',
    path: '/templates',
    summary: 'Example flows to start a new flow file from',
    resource: 'workspace',
    status: 200,
    response: z.array(FlowTemplateSchema),
  },
  describeFlowFile: {
    method: 'POST',
    path: '/flow-files/describe',
    summary:
      'The flows a workspace flow file defines, each with its export names and the JSON Schema of its parameters, and the deployments ' +
      'its own deploy() and serve() calls would make (not made); loads the file in a separate process. 400 with the reason when it does not load',
    resource: 'flow-files',
    body: DescribeFlowFileSchema,
    status: 200,
    response: FlowFileDescriptionSchema,
  },
  runFlowFile: {
    method: 'POST',
    path: '/flow-files/run',
    summary:
      'Run a flow of a workspace flow file in a new process reporting to this server; answers once the flow run exists. ' +
      '400 with the reason when the file does not load or the parameters do not fit',
    resource: 'flow-files',
    body: RunFlowFileSchema,
    status: 200,
    response: StartedFlowRunSchema,
  },
  deployFlowFile: {
    method: 'POST',
    path: '/workspace/deploy',
    summary:
      'Deploy a flow of a workspace flow file by its export (`flowdeck deploy FILE:EXPORT --name NAME`): its code is bundled and stored, the deployment ' +
      'made or replaced. 4xx with the reason when the file does not load, the pool is unknown or the parameters do not fit',
    resource: 'deployments',
    body: DeployFlowFileSchema,
    status: 200,
    response: DeploymentSchema,
  },
  rerunFlowRun: {
    method: 'POST',
    path: '/flow-runs/:id/rerun',
    summary:
      'Retry a Failed, Crashed or Cancelled flow run as its next attempt, in a flow process this server starts: the attempt reuses ' +
      'the result of every task run that completed in an earlier attempt (Cached, linked to it) unless `all` is set. Its file must ' +
      "be in the workspace. A deployment's run is instead made AwaitingRetry for its pool's workers, as `/retry` does. Answers once " +
      'the run has left its final state; 409 when it is in any other state',
    resource: 'flow-runs',
    params: IdParamsSchema,
    body: RetryInProcessSchema,
    status: 200,
    response: StartedFlowRunSchema,
  },
  runFlowRunFromTask: {
    method: 'POST',
    path: '/flow-runs/:id/run-from',
    summary:
      'Run a finished flow run again from one of its task runs, as a new run linked to it, in a flow process this server starts: ' +
      'the chosen task run and every task run made after it run again (the chosen one with `inputs` when given), the ones before reuse ' +
      'their recorded results. Answers once the new run exists. 404 for an unknown run or task run, 409 while the run is not finished ' +
      'or when its file is not in the workspace, 422 when the inputs do not fit the call',
    resource: 'flow-runs',
    params: IdParamsSchema,
    body: RunFromTaskSchema,
    status: 200,
    response: StartedFlowRunSchema,
  },
  getRecordedRuns: {
    method: 'GET',
    path: '/flow-runs/:id/recorded-runs',
    summary:
      'Every task run of a flow run over all its attempts, with where each one recorded its result: what a retry or a run from a ' +
      'chosen task matches its calls against, in one read',
    resource: 'flow-runs',
    params: IdParamsSchema,
    status: 200,
    response: RecordedRunsSchema,
  },
  runFlowRunAgain: {
    method: 'POST',
    path: '/flow-runs/:id/run-again',
    summary:
      'Start a new run of the flow a run ran, from the same workspace file, with the parameters given; answers once the new run exists. ' +
      '400 when the parameters do not fit, 409 when the run did not come from a file in the workspace',
    resource: 'flow-runs',
    params: IdParamsSchema,
    body: RunAgainSchema,
    status: 200,
    response: StartedFlowRunSchema,
  },
} as const satisfies Record<string, RouteSpec>;

/**
 * Every endpoint of the REST API, as data. The server registers a handler for each entry and the
 * client grows a method for each, so adding an endpoint means adding an entry here or in a
 * resource's own table.
 */
export const API_ROUTES = {
  ...RUN_ROUTES,
  ...DEPLOYMENT_ROUTES,
  ...WORK_POOL_ROUTES,
  ...BUNDLE_ROUTES,
  ...ARTIFACT_ROUTES,
  ...VARIABLE_ROUTES,
  ...BLOCK_ROUTES,
  ...AUTOMATION_ROUTES,
} as const;

export type { RouteSpec };
export type ApiRoutes = typeof API_ROUTES;
export type RouteName = keyof ApiRoutes;

type PartOf<R, K extends 'params' | 'query' | 'body'> = R extends { [P in K]: infer S extends z.ZodType } ? S : never;

/** A request part a caller may leave out entirely when none of its fields is required. */
type CallPart<S, K extends string> = [S] extends [never]
  ? unknown
  : S extends z.ZodType
    ? // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{} extends X` holds when every field of X is optional
      {} extends z.input<S>
      ? { [P in K]?: z.input<S> }
      : { [P in K]: z.input<S> }
    : unknown;

/** What a client passes to call a route: its path parameters, query and body, as each is written. */
export type RouteInput<R extends RouteSpec> = CallPart<PartOf<R, 'params'>, 'params'> &
  CallPart<PartOf<R, 'query'>, 'query'> &
  CallPart<PartOf<R, 'body'>, 'body'>;

type ParsedPart<S> = [S] extends [never] ? undefined : S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives for a route once the request has been validated. */
export interface RouteRequest<R extends RouteSpec> {
  params: ParsedPart<PartOf<R, 'params'>>;
  query: ParsedPart<PartOf<R, 'query'>>;
  body: ParsedPart<PartOf<R, 'body'>>;
}

/** A route's successful answer. */
export type RouteOutput<R extends RouteSpec> = z.output<R['response']>;
