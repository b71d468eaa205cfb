import type { RetryPolicy, RunKind, State, StateType } from '../../core/index.js';
import { isTerminal } from '../../core/state-model.js';
import type { RunCurrentRow, TaskRunInsert } from './transition-statements.js';

const jsonOf = new WeakMap<object, string>();
/** JSON of values shared by many runs (a task's tags and retry policy), made once. */
export function sharedJson(value: object): string {
  let json = jsonOf.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    jsonOf.set(value, json);
  }
  return json;
}

/** What never changes on a run once it is created. */
export interface ImmutableFacts {
  flowRunId: string;
  tags: readonly string[];
  retryPolicy: RetryPolicy;
}

/** What one write transaction remembers of its own writes; dropped when it closes. */
export interface BatchCaches {
  /** Rows of runs written in this transaction, by run id. */
  readonly touched: Map<string, RunCurrentRow>;
  /** Task runs created in this transaction, inserted as it closes. */
  readonly pendingTaskRows: Map<string, TaskRunInsert>;
  /** Flow run state types read or written in this transaction. */
  readonly flowStates: Map<string, StateType | null>;
}

/**
 * What the transition writer keeps in memory so the next transition of a run needs no read.
 * All of it names rows of committed transactions: after a rollback it is forgotten.
 */
export class TransitionCaches {
  /** Flow ids by flow name. */
  readonly flowIds = new Map<string, string>();
  /** The immutable facts of unfinished runs. */
  readonly facts = new Map<string, ImmutableFacts>();
  /** The current state of unfinished runs, with the id of its row. */
  private readonly states = new Map<string, { stateId: number; state: State }>();
  /**
   * The last row this store wrote for each unfinished task run. A transition starts from it
   * without a read and writes only if the row is still the same (state_id), else reads and
   * starts over: another process rarely touches a task run this one is running.
   */
  readonly knownTaskRows = new Map<string, RunCurrentRow>();
  /** Set while a write transaction is open. */
  batch: BatchCaches | null = null;

  openBatch(): BatchCaches {
    this.batch = { touched: new Map(), pendingTaskRows: new Map(), flowStates: new Map() };
    return this.batch;
  }

  closeBatch(): void {
    this.batch = null;
  }

  /** After a rolled-back transaction, what was remembered from it may name rows that do not exist. */
  forget(): void {
    this.flowIds.clear();
    this.facts.clear();
    this.states.clear();
    this.knownTaskRows.clear();
  }

  /** The state whose row is `stateId`, when it is the one remembered for the run. */
  stateOf(runId: string, stateId: number): State | undefined {
    const cached = this.states.get(runId);
    return cached && cached.stateId === stateId ? cached.state : undefined;
  }

  /** Within a write transaction no other process can write: what was just written is the truth. */
  accepted(kind: RunKind, runId: string, row: RunCurrentRow, state: State): void {
    this.batch?.touched.set(runId, row);
    const finished = isTerminal(state.type);
    if (kind === 'task') {
      if (finished) this.knownTaskRows.delete(runId);
      else this.knownTaskRows.set(runId, row);
    }
    if (finished) this.states.delete(runId);
    else this.states.set(runId, { stateId: row.state_id, state });
  }
}
