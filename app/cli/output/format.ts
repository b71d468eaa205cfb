import type { State, StateType } from '../../core/index.js';
import { elapsedTime, runTime } from '../../core/run-time.js';
import type { CliContext } from '../context.js';

type Colors = CliContext['colors'];

const STATE_COLORS: Record<StateType, keyof Colors> = {
  SCHEDULED: 'yellow',
  PENDING: 'gray',
  RUNNING: 'blue',
  PAUSED: 'yellow',
  CANCELLING: 'magenta',
  COMPLETED: 'green',
  FAILED: 'red',
  CRASHED: 'red',
  CANCELLED: 'magenta',
};

export function formatStateName(state: Pick<State, 'type' | 'name'>, colors: Colors): string {
  const paint = colors[STATE_COLORS[state.type]] as (text: string) => string;
  return paint(state.name);
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Time of day only, for lines that follow one run as it happens. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes}m${String(seconds).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Start to end, or start to now for a run still going: waits between attempts included. */
export function runDuration(run: { startTime: number | null; endTime: number | null }, now = Date.now()): string {
  return formatDuration(elapsedTime(run, now));
}

/** The time a run spent running (its RUNNING intervals), from its state history. */
export function formatRunTime(states: readonly State[], now = Date.now()): string {
  return formatDuration(runTime(states, now));
}

/**
 * Inspect's two times: `run time`, spent running, and `elapsed`, from first start to end, which
 * also holds the waits between attempts. A run not yet ended counts to now, "so far".
 */
export function timeFields(
  run: { startTime: number | null; endTime: number | null },
  states: readonly State[],
  now = Date.now(),
): [string, string][] {
  const sofar = run.startTime !== null && run.endTime === null ? ' so far' : '';
  return [
    ['run time', `${formatRunTime(states, now)}${sofar}`],
    ['elapsed', `${runDuration(run, now)}${sofar}`],
  ];
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
