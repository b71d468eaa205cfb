import type { PauseRequest, ResumeInput } from '../core/index.js';
import { newId } from '../core/ids.js';
import { currentFrame, type FlowRunFrame } from './context.js';
import { CancelledError, PauseTimeoutError, RunAbortedError } from './errors.js';
import { validateTimeout, type ZodLikeError } from './options.js';
import { engineSettings, requireReporter } from './runtime.js';
import { sleep } from './sleep.js';

const DEFAULT_PAUSE_TIMEOUT_SECONDS = 3600;

export interface PauseOptions<T = unknown> {
  /** Why the run waits; the Paused state's message. */
  reason?: string;
  /** How long to wait for a resume before the run fails (one hour by default). */
  timeoutSeconds?: number;
  /** A zod schema for the input given on resume; the parsed value is returned. */
  input?: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: ZodLikeError } };
}

/** The longest a single timer can wait (about 24.8 days); longer pauses chain several. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Aborts the controller at the deadline; returns what cancels that. */
function abortAt(deadline: number, controller: AbortController, reason: () => unknown): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = deadline - Date.now();
    if (left <= 0) controller.abort(reason());
    else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

function describeIssues(error: ZodLikeError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function pausingFlowRun(): FlowRunFrame {
  const frame = currentFrame();
  if (!frame) throw new Error('pauseFlowRun() was called outside a flow run');
  if (frame.kind === 'task') {
    throw new Error(`pauseFlowRun() pauses the whole flow run: call it in the flow's code, not inside task '${frame.taskRunName}'`);
  }
  return frame;
}

/**
 * The JSON Schema of the input the pause takes (zod's input side, so fields with defaults may be
 * left out), for the server to check a resume by; none when the schema is not zod 4's or cannot
 * be written as one. Parts JSON Schema cannot say become `{}`: anything goes there. zod is loaded
 * here, by a pause that has a schema, so that flows which never pause do not load it.
 */
async function inputJsonSchema(input: PauseOptions['input']): Promise<Record<string, unknown> | undefined> {
  if (!input || typeof input !== 'object' || !('_zod' in input)) return undefined;
  const { z } = await import('zod');
  try {
    return z.toJSONSchema(input as unknown as Parameters<typeof z.toJSONSchema>[0], { io: 'input', unrepresentable: 'any' });
  } catch {
    return undefined;
  }
}

/** Moves the run to Paused; returns the pause's id, the transition id its resume is filed under. */
async function enterPause(flow: FlowRunFrame, message: string | undefined, pause: PauseRequest): Promise<string> {
  const pauseId = newId();
  const state = { type: 'PAUSED', name: 'Paused', ...(message !== undefined ? { message } : {}), pause } as const;
  const result = await flow.proposeOwnState(state, pauseId);
  if (result.status === 'ACCEPT' && result.state?.type === 'PAUSED') return pauseId;
  flow.signal.throwIfAborted();
  const held = result.state?.type;
  if (held === 'CANCELLING' || held === 'CANCELLED') throw new CancelledError(`flow run '${flow.flowRunName}' was cancelled`);
  throw new RunAbortedError(`flow run '${flow.flowRunName}' could not pause: ${result.reason ?? `the store answered ${result.status}`}`);
}

/** Reads what the run was resumed with, asking again while the store cannot be reached. */
async function readResumeInput(flow: FlowRunFrame, pauseId: string, signal: AbortSignal): Promise<ResumeInput | null> {
  for (let warned = false; ;) {
    try {
      return await requireReporter().resumeInput(flow.flowRunId, pauseId);
    } catch (error) {
      if (!warned) flow.logger.warning(`could not read the input the run was resumed with (${(error as Error).message}); trying again`);
      warned = true;
      await sleep(engineSettings().heartbeatSeconds * 1000, signal);
    }
  }
}

/**
 * Pauses the current flow run until someone resumes it (`flowdeck flow-run resume ID --input
 * JSON`, the run's page, or the API) and returns the input given, checked by `input` when it is a
 * schema. The Paused state carries the reason, the deadline and the schema as JSON Schema, so the
 * server refuses input that does not fit before it wakes the run; this check stays the last word
 * (the server may know less of the schema than zod does): input it refuses pauses the run again,
 * saying why, so it can be resumed with better input.
 * Rejects with a PauseTimeoutError when no resume comes within `timeoutSeconds`, and with the
 * run's own reason when it is cancelled or times out meanwhile.
 */
export async function pauseFlowRun<T = unknown>(options: PauseOptions<T> = {}): Promise<T> {
  const flow = pausingFlowRun();
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_PAUSE_TIMEOUT_SECONDS;
  validateTimeout(timeoutSeconds);
  const timeout = new AbortController();
  // The timer also keeps the process alive while it waits: the heartbeat alone does not.
  const deadline = Date.now() + timeoutSeconds * 1000;
  const stopTimer = abortAt(deadline, timeout, () => new PauseTimeoutError(timeoutSeconds, flow.flowRunName));
  const signal = AbortSignal.any([flow.signal, timeout.signal]);
  const inputSchema = await inputJsonSchema(options.input);
  try {
    let message = options.reason;
    flow.logger.info(`pausing${message ? `: ${message}` : ''}; resume with: flowdeck flow-run resume ${flow.flowRunId} --input JSON`);
    for (;;) {
      const pause: PauseRequest = {
        ...(options.reason !== undefined ? { reason: options.reason } : {}),
        ...(inputSchema ? { inputSchema } : {}),
        timeoutSeconds: Math.max(0, deadline - Date.now()) / 1000,
      };
      const pauseId = await enterPause(flow, message, pause);
      const type = await flow.storedStates.waitFor((stored) => stored !== 'PAUSED', signal);
      if (type !== 'RUNNING') {
        signal.throwIfAborted();
        throw new RunAbortedError(`flow run '${flow.flowRunName}' was moved to ${type} while it was paused`);
      }
      const resumed = await readResumeInput(flow, pauseId, signal);
      flow.logger.info('resumed');
      if (!options.input) return resumed?.input as T;
      const parsed = options.input.safeParse(resumed?.input);
      if (parsed.success) return parsed.data;
      const refusal = `the input given on resume was refused (${describeIssues(parsed.error)}); resume again with valid input`;
      flow.logger.warning(refusal);
      message = options.reason ? `${options.reason}; ${refusal}` : refusal;
    }
  } finally {
    stopTimer();
  }
}
