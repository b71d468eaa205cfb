/**
 * Re-running without redoing finished work: a retry, a resumed crash or a run from a chosen task
 * reuses the recorded result of every task call that matches one of an earlier run.
 *
 * The matching rule: a call matches the task run of the earlier run that has the same task key
 * (the task's name, `name#2` for a second task of that name in one module) and the same dynamic
 * key (the order of the calls of that task within the flow run, counted from 0 as they are made;
 * a map's calls take one each, in item order). Of several attempts of one flow run, the latest
 * attempt that made the call counts. A call that matches nothing runs; so does one whose match did
 * not complete, has no recorded result, or whose task's code changed since (unless asked to reuse
 * it all the same). Plain types, so the engine's run path loads no schema library for them.
 */

/** Where a retry was asked for, which its AwaitingRetry state's message says. */
export const RETRY_SOURCES = ['ui', 'cli', 'api', 'automation'] as const;
export type RetrySource = (typeof RETRY_SOURCES)[number];

const RETRY_MESSAGES: Record<RetrySource, string> = {
  ui: 'retried from the UI',
  cli: 'retried from the command line',
  api: 'retried through the API',
  automation: 'retried by an automation',
};

/** What an AwaitingRetry state's message says when its attempt runs every task again. */
const ALL_TASKS_NOTE = ', running every task again';

/** The message of a retry's AwaitingRetry state; `tasks` says what the next attempt does, when known. */
export function retryMessage(source: RetrySource, tasks?: 'reuse' | 'all'): string {
  if (tasks === undefined) return RETRY_MESSAGES[source];
  return tasks === 'all' ? `${RETRY_MESSAGES[source]}${ALL_TASKS_NOTE}` : `${RETRY_MESSAGES[source]}, reusing completed tasks`;
}

/** A retry's own message, saying that its attempt runs every task again when it does. */
export function retryMessageWith(message: string, all: boolean): string {
  return all && !message.includes(ALL_TASKS_NOTE) ? `${message}${ALL_TASKS_NOTE}` : message;
}

/** A state as a run's history holds it, as far as a retry is concerned. */
interface HistoryState {
  type: string;
  name: string;
  message?: string;
}

/**
 * The retry a run waiting to start is for, from its state history (oldest first): an
 * AwaitingRetry state with only waits and claims (Scheduled, Pending) after it. A process that
 * starts such a run (a worker's, another machine's) runs it as that retry's attempt: reusing
 * completed tasks, unless the retry asked for every task to run again. Null when the run is not
 * waiting as a retry.
 */
export function pendingRetry(states: readonly HistoryState[]): { all: boolean } | null {
  for (let i = states.length - 1; i >= 0; i--) {
    const state = states[i];
    if (state.type === 'SCHEDULED' && state.name === 'AwaitingRetry') return { all: state.message?.includes(ALL_TASKS_NOTE) ?? false };
    if (state.type !== 'SCHEDULED' && state.type !== 'PENDING') return null;
  }
  return null;
}

/** What a task run of an earlier run left for a later one to reuse. */
export interface RecordedTaskRun {
  id: string;
  name: string;
  taskKey: string;
  dynamicKey: number;
  /** The attempt of its flow run that made it. */
  flowRunAttempt: number;
  stateType: string;
  stateName: string;
  /** Where its result was recorded; null when it was not. */
  resultRef: string | null;
  /** The task run whose result it reused in turn, when it did. */
  reusedFrom: string | null;
  /** Task runs whose results it used. */
  upstream: string[];
  /** For a subflow call: the child flow run it made. */
  childFlowRunId: string | null;
}

/** Every task run one flow run made, over all its attempts, as a re-run matches against them. */
export interface RecordedRuns {
  flowRunId: string;
  flowName: string;
  /** The machine whose process recorded the results, for a message when they are not on this one. */
  hostname: string | null;
  runCount: number;
  taskRuns: RecordedTaskRun[];
}

/** How a run reuses the results of an earlier one. */
export interface ReuseOptions {
  /** The flow run whose recorded results are reused: the run itself on a retry. */
  fromFlowRunId: string;
  /** Task runs of that run that run again, with every task run made after them (a run from here). */
  runAgain?: readonly string[];
  /** Arguments for the call matching this task run, in place of its own. */
  inputs?: { taskRunId: string; args: unknown[] };
  /** Reuse a recorded result even when its task's code changed since. */
  reuseChangedCode?: boolean;
}

/** The link a run from a chosen task keeps to the run it came from. */
export interface RerunLink {
  flowRunId: string;
  /** The task run it ran again from. */
  taskRunId: string;
}

/**
 * Results a flow run recorded are appended to one file for the run under FLOWDECK_HOME; a ref
 * names the file (relative to FLOWDECK_HOME), then where the result lies in it.
 */
export interface JournalRef {
  file: string;
  offset: number;
  length: number;
}

export function journalRef(ref: JournalRef): string {
  return `${ref.file}#${ref.offset}+${ref.length}`;
}

/** A ref read back; null for a ref of another kind (a cached result's own file). */
export function parseJournalRef(ref: string): JournalRef | null {
  const match = /^(.+)#(\d+)\+(\d+)$/.exec(ref);
  if (!match) return null;
  return { file: match[1], offset: Number(match[2]), length: Number(match[3]) };
}

/** The file of a ref, whichever its kind. */
export function resultFileOf(ref: string): string {
  return parseJournalRef(ref)?.file ?? ref;
}
