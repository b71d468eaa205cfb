import type { State } from '../../../core/states.js';

/** One attempt of a flow run, as its page shows it: the task runs it made and why it began. */
export interface FlowRunAttempt {
  /** 1 for the first. */
  attempt: number;
  /** Its task runs ids, in the order given. */
  taskRunIds: string[];
  /**
   * The message of the AwaitingRetry state that led to it ("retried from the UI, reusing completed
   * tasks", or the failure a flow's own retry followed); null for the first attempt or when none was given.
   */
  retryMessage: string | null;
}

/** Which attempts a view shows: one of them, or every one as bands. */
export type AttemptChoice = number | 'all';

/**
 * Why each attempt after the first began: the message of the last AwaitingRetry state before the
 * attempt's first Running state. Flow states are oldest first, as `/flow-runs/:id/states` answers.
 */
export function retryMessages(flowStates: readonly State[]): Map<number, string> {
  const messages = new Map<number, string>();
  const started = new Set<number>();
  let awaiting: State | null = null;
  for (const state of flowStates) {
    if (state.name === 'AwaitingRetry') awaiting = state;
    else if (state.type === 'RUNNING' && !started.has(state.attempt)) {
      started.add(state.attempt);
      const message = awaiting?.message ?? awaiting?.error?.message;
      if (awaiting && state.attempt > 1 && message) messages.set(state.attempt, message);
      awaiting = null;
    }
  }
  return messages;
}

/**
 * A flow run's task runs grouped by the attempt that made them, oldest attempt first. Every
 * attempt the run started is there, even one that made no task run yet.
 */
export function flowRunAttempts(
  taskRuns: readonly { id: string; flowRunAttempt: number }[],
  flowStates: readonly State[],
  runCount = 1,
): FlowRunAttempt[] {
  const messages = retryMessages(flowStates);
  let last = Math.max(1, runCount);
  for (const run of taskRuns) last = Math.max(last, run.flowRunAttempt);
  for (const attempt of messages.keys()) last = Math.max(last, attempt);
  const attempts: FlowRunAttempt[] = [];
  for (let attempt = 1; attempt <= last; attempt++) attempts.push({ attempt, taskRunIds: [], retryMessage: messages.get(attempt) ?? null });
  for (const run of taskRuns) attempts[Math.max(1, run.flowRunAttempt) - 1].taskRunIds.push(run.id);
  return attempts;
}

/** The attempt a view shows: the one chosen when it exists, the latest otherwise. */
export function shownAttempt(attempts: readonly FlowRunAttempt[], chosen: AttemptChoice | null): AttemptChoice {
  if (chosen === 'all') return attempts.length > 1 ? 'all' : attempts.length;
  if (chosen !== null && chosen >= 1 && chosen <= attempts.length) return chosen;
  return Math.max(1, attempts.length);
}

/** The task runs of the attempt shown, in their order; every one for all attempts. */
export function taskRunsOfAttempt<T extends { flowRunAttempt: number }>(taskRuns: readonly T[], shown: AttemptChoice): T[] {
  return shown === 'all' ? taskRuns.slice() : taskRuns.filter((run) => Math.max(1, run.flowRunAttempt) === shown);
}

/** "Attempt 2 of 3". */
export function attemptLabel(attempt: number, total: number): string {
  return `Attempt ${attempt} of ${total}`;
}

/** A line of a timeline that shows every attempt: a header per attempt, then its rows. */
export type AttemptBandItem<R> = { kind: 'header'; attempt: FlowRunAttempt; label: string } | { kind: 'row'; row: R };

/** Timeline rows grouped under one header per attempt, oldest attempt first; rows keep their order within an attempt. */
export function attemptBands<R extends { taskRunId: string }>(rows: readonly R[], attempts: readonly FlowRunAttempt[]): AttemptBandItem<R>[] {
  const attemptOf = new Map<string, number>();
  for (const attempt of attempts) for (const id of attempt.taskRunIds) attemptOf.set(id, attempt.attempt);
  const items: AttemptBandItem<R>[] = [];
  for (const attempt of attempts) {
    items.push({ kind: 'header', attempt, label: attemptLabel(attempt.attempt, attempts.length) });
    for (const row of rows) if (attemptOf.get(row.taskRunId) === attempt.attempt) items.push({ kind: 'row', row });
  }
  return items;
}
