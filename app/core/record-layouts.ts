// The order of a record's keys as the API's schemas give it (runs.ts, states.ts), as plain data:
// code that prints stored records as JSON lays them out as the server does, without loading zod.
// test/core/record-layouts.test.ts holds each layout to its schema.

/** A record's keys in order; a key whose value is itself laid out names that value's layout. */
export interface RecordLayout {
  readonly [key: string]: RecordLayout | true;
}

const ERROR_INFO: RecordLayout = { name: true, message: true, stack: true };

export const STATE_LAYOUT: RecordLayout = {
  type: true,
  name: true,
  timestamp: true,
  message: true,
  error: ERROR_INFO,
  scheduledTime: true,
  attempt: true,
  transitionId: true,
  cacheKey: true,
  resultRef: true,
};

const RETRY_POLICY: RecordLayout = { retries: true, retryDelaySeconds: true, retryJitterFactor: true };

const FLOW_RUN_PAUSE: RecordLayout = { pauseId: true, reason: true, inputSchema: true, timeoutAt: true };

export const FLOW_RUN_LAYOUT: RecordLayout = {
  id: true,
  flowId: true,
  flowName: true,
  name: true,
  state: STATE_LAYOUT,
  parameters: true,
  tags: true,
  parentFlowRunId: true,
  parentTaskRunId: true,
  entrypoint: true,
  runCount: true,
  retryPolicy: RETRY_POLICY,
  createdAt: true,
  startTime: true,
  endTime: true,
  heartbeatAt: true,
  pid: true,
  hostname: true,
  result: true,
  pause: FLOW_RUN_PAUSE,
  debug: { breakpoints: true, step: true, breakOnFailure: true, pinned: true, stopAfter: true, broken: true },
  rerunOf: { flowRunId: true, taskRunId: true },
  codeRef: true,
  reruns: true,
  deploymentId: true,
  deploymentName: true,
  workPool: true,
  workQueue: true,
  workerName: true,
  expectedStartTime: true,
  autoScheduled: true,
};

export const FLOW_RUN_SUMMARY_LAYOUT: RecordLayout = Object.fromEntries(
  Object.entries(FLOW_RUN_LAYOUT).filter(([key]) => key !== 'parameters' && key !== 'pause' && key !== 'debug' && key !== 'reruns'),
);

export const TASK_RUN_LAYOUT: RecordLayout = {
  id: true,
  flowRunId: true,
  taskKey: true,
  name: true,
  dynamicKey: true,
  state: STATE_LAYOUT,
  tags: true,
  runCount: true,
  retryPolicy: RETRY_POLICY,
  cacheKey: true,
  inputs: true,
  upstream: true,
  createdAt: true,
  startTime: true,
  endTime: true,
  result: true,
  breakpoint: { breakpointId: true, inputs: true, reason: true, error: ERROR_INFO, pausedAt: true },
  flowRunAttempt: true,
  reusedFrom: true,
};

export const STORED_LOG_LAYOUT: RecordLayout = {
  flowRunId: true,
  taskRunId: true,
  level: true,
  message: true,
  timestamp: true,
  attempt: true,
  logger: true,
  id: true,
};

export const CONCURRENCY_LIMIT_LAYOUT: RecordLayout = { tag: true, limit: true, activeSlots: true, createdAt: true };

/** The record with the layout's keys in the layout's order, each laid out in turn; other keys and undefined values left out. */
export function inLayout<T>(record: T, layout: RecordLayout): T {
  const source = record as Record<string, unknown>;
  const laidOut: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(layout)) {
    const value = source[key];
    if (value === undefined) continue;
    laidOut[key] = inner === true || value === null || typeof value !== 'object' ? value : inLayout(value, inner);
  }
  return laidOut as T;
}
