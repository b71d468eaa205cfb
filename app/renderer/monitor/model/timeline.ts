import { isTerminal, type ErrorInfo, type State, type StateType } from '../../../core/states.js';

/** One attempt of a run: from entering RUNNING (Running, or Retrying after the first) to the state that ended it. */
interface AttemptBar {
  kind: 'attempt';
  /** 1 for the first. */
  attempt: number;
  start: number;
  /** Null while the attempt goes on. */
  end: number | null;
  /**
   * How the attempt ended: the type of the state that ended it, except that a failure with
   * retries left is recorded as AwaitingRetry (SCHEDULED) and is FAILED here. Null while it goes on.
   */
  outcome: StateType | null;
  /** The name of the state that ended it (Completed, Failed, TimedOut, AwaitingRetry, Cancelled...). */
  endedAs: string | null;
  /** The attempt failed and the run was scheduled to try again. */
  retried: boolean;
  message?: string;
  error?: ErrorInfo;
}

/** Time a run spent SCHEDULED: waiting to retry, for a concurrency slot, or for its scheduled time. */
interface WaitBar {
  kind: 'wait';
  /**
   * What it waited for, by the name of the state that began the wait: AwaitingRetry (before a
   * retry), AwaitingConcurrencySlot, Scheduled or Late.
   */
  reason: string;
  start: number;
  /** When the run left SCHEDULED (the next attempt started, or it ended); null while it waits. */
  end: number | null;
  /** When the run was due to go on. */
  due: number | null;
}

export type TimelineBar = AttemptBar | WaitBar;

interface RunTimeline {
  attempts: AttemptBar[];
  waits: WaitBar[];
  /** Attempts and waits in time order. */
  bars: TimelineBar[];
  /** The run's latest state, or null for an empty history. */
  current: State | null;
  /** The run is over; a final state that came without an attempt (Cached, an upstream failure) has no bar. */
  finished: boolean;
}

/**
 * A run's timeline from its state history, oldest first, as `/task-runs/:id/states` answers it.
 * The engine records an attempt as Running (Retrying from the second on) followed by its end: the
 * final state, or AwaitingRetry carrying the failure when retries are left, after which the run
 * waits until the next Retrying. A pause (a flow's) stays inside its attempt, as the store counts it.
 */
export function runTimeline(states: readonly State[]): RunTimeline {
  const attempts: AttemptBar[] = [];
  const waits: WaitBar[] = [];
  const bars: TimelineBar[] = [];
  let attempt: AttemptBar | null = null;
  let wait: WaitBar | null = null;
  let previous: StateType | null = null;

  for (const state of states) {
    if (wait && state.type !== 'SCHEDULED') {
      wait.end = state.timestamp;
      wait = null;
    }
    if (attempt && (state.type === 'SCHEDULED' || state.type === 'PENDING' || isTerminal(state.type))) {
      const retried = state.name === 'AwaitingRetry';
      attempt.end = state.timestamp;
      attempt.outcome = retried ? 'FAILED' : state.type;
      attempt.endedAs = state.name;
      attempt.retried = retried;
      if (state.message !== undefined) attempt.message = state.message;
      if (state.error !== undefined) attempt.error = state.error;
      attempt = null;
    }
    // Running again after a pause is the same attempt; the store counts attempts the same way.
    if (state.type === 'RUNNING' && previous !== 'RUNNING' && previous !== 'PAUSED') {
      attempt = { kind: 'attempt', attempt: state.attempt, start: state.timestamp, end: null, outcome: null, endedAs: null, retried: false };
      attempts.push(attempt);
      bars.push(attempt);
    }
    // A run of SCHEDULED states (AwaitingRetry, then AwaitingConcurrencySlot) is one wait.
    if (state.type === 'SCHEDULED' && !wait) {
      wait = { kind: 'wait', reason: state.name, start: state.timestamp, end: null, due: state.scheduledTime ?? null };
      waits.push(wait);
      bars.push(wait);
    }
    previous = state.type;
  }
  const current = states.length > 0 ? states[states.length - 1] : null;
  return { attempts, waits, bars, current, finished: current !== null && isTerminal(current.type) };
}

/** Where a bar ends on screen: a bar still going reaches `now`. */
export function barEnd(bar: TimelineBar, now: number): number {
  return bar.end ?? Math.max(now, bar.start);
}

interface TimelineRow {
  taskRunId: string;
  name: string;
  timeline: RunTimeline;
  /** Where the row's first bar starts; null for a run with no bars yet (Pending, Cached...). */
  start: number | null;
  /** Where its last bar ends, `now` for a bar still going; null with no bars. */
  end: number | null;
}

interface TimelineRows {
  /** One row per task run: those with bars by start (ties keep the input order), then the rest in input order. */
  rows: TimelineRow[];
  /** The time every bar fits in; null when no run has a bar. */
  range: { start: number; end: number } | null;
}

/**
 * Lays many task runs' timelines out for a chart: one row each, ordered by when they started,
 * and the overall time range. `now` is where bars still going end.
 */
export function timelineRows(
  taskRuns: readonly { id: string; name: string }[],
  statesOf: ReadonlyMap<string, readonly State[]>,
  now: number,
): TimelineRows {
  const started: TimelineRow[] = [];
  const waiting: TimelineRow[] = [];
  let rangeStart = Infinity;
  let rangeEnd = -Infinity;
  for (const run of taskRuns) {
    const timeline = runTimeline(statesOf.get(run.id) ?? []);
    if (timeline.bars.length === 0) {
      waiting.push({ taskRunId: run.id, name: run.name, timeline, start: null, end: null });
      continue;
    }
    const start = timeline.bars[0].start;
    let end = -Infinity;
    for (const bar of timeline.bars) end = Math.max(end, barEnd(bar, now));
    started.push({ taskRunId: run.id, name: run.name, timeline, start, end });
    rangeStart = Math.min(rangeStart, start);
    rangeEnd = Math.max(rangeEnd, end);
  }
  // Array.prototype.sort is stable, so runs that started together keep their order.
  started.sort((a, b) => a.start! - b.start!);
  return { rows: [...started, ...waiting], range: started.length > 0 ? { start: rangeStart, end: rangeEnd } : null };
}
