import type { State } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { describeError, oneLine } from './describe.js';
import { formatStateName, formatTime } from './format.js';
import { renderTable } from './table.js';

/**
 * Every recorded state of a run, oldest first. For a task run this is its retry history: each
 * failure that was retried shows as AwaitingRetry with its error, followed by Retrying.
 */
export function renderStateHistory(states: readonly State[], colors: CliContext['colors']): string {
  if (states.length === 0) return 'No states recorded.';
  const rows = states.map((state) => {
    let message = oneLine(state.message ?? '');
    if (state.scheduledTime !== undefined) {
      message = `${message}${message ? ' ' : ''}(due ${formatTime(state.scheduledTime)})`;
    }
    return [formatTime(state.timestamp), formatStateName(state, colors), String(state.attempt), message, describeError(state.error)];
  });
  return renderTable(['TIME', 'STATE', 'ATTEMPT', 'MESSAGE', 'ERROR'], rows, colors.bold);
}

/**
 * The stack of the error a run is in now, for below its history, where the table's one-line
 * error leaves off. Null when there is nothing more to show.
 */
export function renderCurrentErrorStack(state: State): string | null {
  return state.error?.stack ? state.error.stack.trimEnd() : null;
}
