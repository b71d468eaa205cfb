import type { ErrorInfo, State } from '../core/index.js';

/** The run was cancelled: by a person, or because its flow run was. */
export class CancelledError extends Error {
  constructor(message = 'the run was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The run took longer than its `timeoutSeconds`. */
export class TimeoutError extends Error {
  constructor(
    readonly seconds: number,
    what: string,
  ) {
    super(`${what} timed out after ${seconds}s`);
    this.name = 'TimeoutError';
  }
}

/** A paused flow run was not resumed within the pause's `timeoutSeconds`. */
export class PauseTimeoutError extends TimeoutError {
  constructor(seconds: number, flowRunName: string) {
    super(seconds, `the pause of flow run '${flowRunName}'`);
    this.name = 'PauseTimeoutError';
    this.message = `flow run '${flowRunName}' was not resumed within ${seconds}s of pausing`;
  }
}

/** The orchestration policy would not let the run go on. */
export class RunAbortedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RunAbortedError';
  }
}

/**
 * A task did not run because a run it depends on did not complete: its run rests NotReady, as in
 * Prefect. Awaiting its future rejects with this error.
 */
export class UpstreamFailedError extends Error {
  constructor(
    readonly upstreamTaskRunId: string,
    readonly upstreamState: State | null,
    upstreamName: string | null = null,
    /** What did not run for it: a task, or a subflow. */
    dependent: 'task' | 'subflow' = 'task',
  ) {
    const run = upstreamName ? `'${upstreamName}' (${upstreamTaskRunId})` : upstreamTaskRunId;
    const ended = upstreamState
      ? `it ended ${upstreamState.name}${upstreamState.message ? `: ${upstreamState.message}` : ''}`
      : 'it ended without a state';
    super(`upstream task run ${run} did not complete, so this ${dependent} did not run; ${ended}`);
    this.name = 'UpstreamFailedError';
  }
}

/** Flow parameters that the flow's schema rejects; nothing was run. */
export class ParameterValidationError extends Error {
  constructor(
    readonly flowName: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `invalid parameters for flow '${flowName}': ${issues
        .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
        .join('; ')}`,
    );
    this.name = 'ParameterValidationError';
  }
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const info: ErrorInfo = { name: error.name || 'Error', message: error.message };
    if (error.stack) info.stack = error.stack;
    return info;
  }
  return { name: 'Error', message: typeof error === 'string' ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Rebuilds an Error from what the store recorded, for failures reported from elsewhere. */
export function errorFromInfo(info: ErrorInfo | undefined, fallback: string): Error {
  const error = new Error(info?.message ?? fallback);
  error.name = info?.name ?? 'Error';
  if (info?.stack) error.stack = info.stack;
  return error;
}
