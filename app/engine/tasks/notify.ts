import { NOTIFY_LEVELS, NotifyInput, type NotifyLevel } from '../../core/task-inputs.js';
import { currentFrame } from '../context.js';
import { getRunLogger } from '../logger.js';
import { maskCredentials } from '../mask-credentials.js';
import { task } from '../task.js';
import { callScope } from './support/call-scope.js';
import { sendHttp } from './support/http.js';

export { NOTIFY_LEVELS, type NotifyLevel };

export interface NotifyOptions {
  message: string;
  /** The log level of the line; 'info' by default. */
  level?: NotifyLevel;
  /** Also POSTs `{ message, level, flowRunId, taskRunId }` as JSON here; a non-2xx answer fails the run. */
  webhookUrl?: string;
}

export interface NotifyResult {
  message: string;
  level: NotifyLevel;
  /** The webhook's answer status; null without a webhook. */
  webhookStatus: number | null;
}

/** How long a webhook may take to answer. */
const WEBHOOK_TIMEOUT_SECONDS = 30;

function runIds(): { flowRunId: string | null; taskRunId: string | null } {
  const frame = currentFrame();
  if (!frame) return { flowRunId: null, taskRunId: null };
  if (frame.kind === 'flow') return { flowRunId: frame.flowRunId, taskRunId: null };
  return { flowRunId: frame.flowRun.flowRunId, taskRunId: frame.taskRunId };
}

/** Writes the message to the run's logs at its level and, with `webhookUrl`, posts it there. */
export const notify = task({ name: 'notify' }, async (options: NotifyOptions): Promise<NotifyResult> => {
  if (typeof options?.message !== 'string') throw new TypeError('notify needs { message }');
  const level = options.level ?? NotifyInput.shape.level.def.defaultValue;
  if (!NOTIFY_LEVELS.includes(level)) throw new TypeError(`notify: level must be one of ${NOTIFY_LEVELS.join(', ')}, got '${String(level)}'`);
  getRunLogger()[level](options.message);
  if (options.webhookUrl === undefined) return { message: options.message, level, webhookStatus: null };
  const url = options.webhookUrl;
  const scope = callScope(`POST ${maskCredentials(url)}`, WEBHOOK_TIMEOUT_SECONDS);
  let response: Awaited<ReturnType<typeof sendHttp>>;
  try {
    response = await sendHttp({ url, method: 'POST', body: { message: options.message, level, ...runIds() } }, scope);
  } finally {
    scope.release();
  }
  return { message: options.message, level, webhookStatus: response.status };
});
