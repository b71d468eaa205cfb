import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RecordedRuns, RecordedTaskRun, ReuseOptions, RunReporter } from '../core/index.js';
import { parseJournalRef, resultFileOf } from '../core/reuse.js';
import { JournalReader, UnreadableResultError } from './result-journal.js';
import { parseStoredRef } from './result-storage.js';
import { readAnyResult, readResult, type StoredEntry } from './results.js';

/** What a call of a re-run does: reuse a recorded result, or run (with given arguments, when a person edited them). */
export type ReuseDecision = { reuse: true; from: RecordedTaskRun; value: unknown } | { reuse: false; args?: unknown[]; why: string | null };

/** The recorded results of a run cannot be read here: they were recorded on another machine. */
export class ResultsElsewhereError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsElsewhereError';
  }
}

function keyOf(taskKey: string, dynamicKey: number): string {
  return `${taskKey}\u0000${dynamicKey}`;
}

/**
 * How one flow run of a re-run matches its calls to the task runs of the run it comes from (see
 * core/reuse.ts for the rule). Made from one read of that run's task runs.
 */
export class ReusePlan {
  /** The record each call matches: of several attempts, the latest that made the call. */
  private readonly byCall = new Map<string, RecordedTaskRun>();
  private readonly byId = new Map<string, RecordedTaskRun>();
  private readonly runAgain: Set<string>;
  /** The chosen task runs, as the latest runs of their calls. */
  private readonly chosen: Set<string>;
  private readonly edited: { id: string; args: unknown[] } | null;
  private readonly reader: JournalReader;
  /** Results kept on the server or in a shared folder, read before the run starts (see fetchStored). */
  private readonly stored = new Map<string, StoredEntry | Error>();
  /** Matched calls that reused their result. */
  reused = 0;

  constructor(
    readonly recorded: RecordedRuns,
    readonly options: ReuseOptions,
    private readonly home: string,
  ) {
    for (const run of recorded.taskRuns) {
      this.byId.set(run.id, run);
      const key = keyOf(run.taskKey, run.dynamicKey);
      const seen = this.byCall.get(key);
      if (!seen || seen.flowRunAttempt <= run.flowRunAttempt) this.byCall.set(key, run);
    }
    // A chosen task run stands for its call: of an earlier attempt, it is that call's latest run that runs again.
    const latestOf = (id: string) => {
      const chosen = recorded.taskRuns.find((run) => run.id === id);
      return chosen ? (this.byCall.get(keyOf(chosen.taskKey, chosen.dynamicKey))?.id ?? id) : id;
    };
    this.chosen = new Set((options.runAgain ?? []).map(latestOf));
    this.runAgain =
      this.chosen.size > 0 ? runsFrom(recorded.taskRuns, this.chosen, new Set([...this.byCall.values()].map((run) => run.id))) : new Set();
    this.edited = options.inputs ? { id: latestOf(options.inputs.taskRunId), args: options.inputs.args } : null;
    this.reader = new JournalReader(home);
  }

  /** What the call of `taskKey` numbered `dynamicKey` does; `code` is its task's code as it is now. */
  decide(taskKey: string, dynamicKey: number, code: string): ReuseDecision {
    const match = this.byCall.get(keyOf(taskKey, dynamicKey));
    if (!match) return { reuse: false, why: null };
    if (this.edited?.id === match.id) return { reuse: false, args: this.edited.args, why: 'runs again from here, with the inputs given' };
    if (this.runAgain.has(match.id))
      return {
        reuse: false,
        why: this.chosen.has(match.id) ? 'runs again from here' : 'runs again: it is downstream of the task run the run goes on from',
      };
    if (match.stateType !== 'COMPLETED') return { reuse: false, why: null };
    if (match.resultRef === null) return { reuse: false, why: `runs again: the result of task run ${match.name} was not recorded` };
    let entry: { value: unknown; code: string };
    try {
      entry = this.entryOf(match.resultRef);
    } catch (error) {
      if (error instanceof UnreadableResultError && error.missing) throw this.elsewhere(match.resultRef);
      return { reuse: false, why: `runs again: the result of task run ${match.name} cannot be read (${(error as Error).message})` };
    }
    if (entry.code !== '' && entry.code !== code && !this.options.reuseChangedCode) {
      return { reuse: false, why: `runs again: its task's code changed since task run ${match.name} (reuse it anyway with --reuse-changed)` };
    }
    this.reused++;
    return { reuse: true, from: match, value: entry.value };
  }

  private entryOf(ref: string): StoredEntry {
    const stored = this.stored.get(ref);
    if (stored instanceof Error) throw stored;
    if (stored) return stored;
    return parseJournalRef(ref) ? this.reader.read(ref) : { value: readResult(this.home, ref), code: '' };
  }

  /** The results to reuse, of those to reuse, that are kept off this machine: each read once, before the run starts. */
  async fetchStored(): Promise<void> {
    const refs = new Set<string>();
    for (const run of this.byCall.values()) {
      if (run.stateType === 'COMPLETED' && run.resultRef !== null && parseStoredRef(run.resultRef) && !this.runAgain.has(run.id))
        refs.add(run.resultRef);
    }
    await Promise.all(
      [...refs].map(async (ref) => {
        try {
          this.stored.set(ref, await readAnyResult(ref));
        } catch (error) {
          this.stored.set(ref, error as Error);
        }
      }),
    );
    // As for results on another machine: refused before anything runs, never computed again silently.
    for (const [ref, entry] of this.stored) {
      if (entry instanceof Error) {
        throw new ResultsElsewhereError(
          `the recorded result ${ref} of flow run ${this.recorded.flowRunId} cannot be read here (${entry.message}); ` +
            'fix that, or run it with --all to run every task again',
        );
      }
    }
  }

  /**
   * Where a reused result came from, in words: the task run that computed it (a result reused
   * before is credited to its first run), with its attempt when it is of this run.
   */
  describeOrigin(from: RecordedTaskRun, reusingFlowRunId: string): { id: string; text: string } {
    const id = from.reusedFrom ?? from.id;
    const origin = this.byId.get(id);
    const of = this.recorded.flowRunId === reusingFlowRunId ? '' : ` of flow run ${this.recorded.flowRunId}`;
    const where = origin ? `, attempt ${origin.flowRunAttempt}${of}` : '';
    return { id, text: `the result of task run ${from.name} (${id}${where})` };
  }

  /**
   * How the subflow call of `flowName` numbered `dynamicKey` reuses the child run its match made,
   * or undefined when it runs whole: no match, or it runs again from here.
   */
  subflow(flowName: string, dynamicKey: number): ReuseOptions | undefined {
    const match = this.byCall.get(keyOf(flowName, dynamicKey));
    if (!match?.childFlowRunId || this.runAgain.has(match.id)) return undefined;
    return { fromFlowRunId: match.childFlowRunId, ...(this.options.reuseChangedCode ? { reuseChangedCode: true } : {}) };
  }

  /**
   * Refuses at once when the results this plan would reuse lie in files not on this machine, so
   * a run against a remote server never goes on with some of them silently computed again.
   */
  checkResultsHere(): void {
    const files = new Set<string>();
    for (const run of this.byCall.values()) {
      if (run.stateType !== 'COMPLETED' || run.resultRef === null || this.runAgain.has(run.id) || parseStoredRef(run.resultRef)) continue;
      files.add(resultFileOf(run.resultRef));
    }
    for (const file of files) if (!existsSync(join(this.home, file))) throw this.elsewhere(file);
  }

  private elsewhere(file: string): ResultsElsewhereError {
    const where = this.recorded.hostname && this.recorded.hostname !== hostname() ? `on ${this.recorded.hostname}, ` : '';
    return new ResultsElsewhereError(
      `the recorded results of flow run ${this.recorded.flowRunId} are not on this machine (${resultFileOf(file)} under FLOWDECK_HOME): ` +
        `they were recorded ${where}where its process ran. Run it again there, or with --all to run every task again`,
    );
  }

  close(): void {
    this.reader.close();
  }
}

/**
 * What runs again from the chosen task runs: each of them, and every call made after the first of
 * them in its attempt, which covers every run downstream of them (a run is recorded after the runs
 * whose results it takes) and also a later call that used a result in ways no record shows (a
 * number passed on, a file it wrote); and any call whose latest run is of another attempt (that
 * attempt did not make it). `latest` holds the ids of the runs calls match.
 */
function runsFrom(runs: readonly RecordedTaskRun[], chosen: ReadonlySet<string>, latest: ReadonlySet<string>): Set<string> {
  const again = new Set(chosen);
  const first = runs.findIndex((run) => chosen.has(run.id));
  if (first < 0) return again;
  const attempt = runs[first].flowRunAttempt;
  runs.forEach((run, index) => {
    if (latest.has(run.id) && (run.flowRunAttempt !== attempt || index >= first)) again.add(run.id);
  });
  return again;
}

/** Reads what `options` reuses and makes its plan; refuses when the run is unknown or its results are not on this machine. */
export async function loadReusePlan(reporter: RunReporter, options: ReuseOptions, home: string): Promise<ReusePlan> {
  const recorded = await reporter.recordedRuns(options.fromFlowRunId);
  if (!recorded) throw new Error(`no flow run with id '${options.fromFlowRunId}' to reuse results from`);
  const plan = new ReusePlan(recorded, options, home);
  plan.checkResultsHere();
  await plan.fetchStored();
  return plan;
}
