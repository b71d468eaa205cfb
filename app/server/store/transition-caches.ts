import type { RunFacts, RunKind, State, StateType } from '../../core/index.js';
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
 * What the writer remembers of one unfinished run it wrote, in one entry so that a transition
 * finds all of it with one lookup.
 */
export interface RunMemory {
  /**
   * The run's facts as the rules see them, when this store created it; otherwise they are read
   * from its row. One object for all its transitions: each sets the run count and last
   * transition in it from the row it starts from.
   */
  run: RunFacts | null;
  /** The id of the run's current state row, and that state, when this store wrote it. */
  stateId: number;
  state: State | null;
  /**
   * For a task run: the last row this store wrote for it. A transition starts from it without a
   * read and writes only if the row is still the same (state_id), else reads and starts over:
   * another process rarely touches a task run this one is running.
   */
  taskRow: RunCurrentRow | null;
}

/**
 * What the transition writer keeps in memory so the next transition of a run needs no read.
 * All of it names rows of committed transactions: after a rollback it is forgotten.
 */
export class TransitionCaches {
  /** Flow ids by flow name. */
  readonly flowIds = new Map<string, string>();
  /** Unfinished runs, by id. */
  private readonly runs = new Map<string, RunMemory>();
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
    this.runs.clear();
  }

  memoryOf(runId: string): RunMemory | undefined {
    return this.runs.get(runId);
  }

  /** The last row this store wrote for an unfinished task run. */
  knownTaskRow(runId: string): RunCurrentRow | null {
    return this.runs.get(runId)?.taskRow ?? null;
  }

  /** The task run's row was changed by another process: it is read again next time. */
  forgetTaskRow(runId: string): void {
    const memory = this.runs.get(runId);
    if (memory) memory.taskRow = null;
  }

  /** The facts of a run this store creates. */
  created(runId: string, run: RunFacts): void {
    const memory = this.runs.get(runId);
    if (memory) memory.run = run;
    else this.runs.set(runId, { run, stateId: 0, state: null, taskRow: null });
  }

  /** The state whose row is `stateId`, when it is the one remembered for the run. */
  stateOf(runId: string, stateId: number, memory = this.runs.get(runId)): State | undefined {
    return memory?.state && memory.stateId === stateId ? memory.state : undefined;
  }

  /** Within a write transaction no other process can write: what was just written is the truth. */
  accepted(kind: RunKind, runId: string, row: RunCurrentRow, state: State): void {
    this.batch?.touched.set(runId, row);
    if (isTerminal(state.type)) {
      this.runs.delete(runId);
      return;
    }
    const taskRow = kind === 'task' ? row : null;
    const memory = this.runs.get(runId);
    if (!memory) {
      this.runs.set(runId, { run: null, stateId: row.state_id, state, taskRow });
      return;
    }
    memory.stateId = row.state_id;
    memory.state = state;
    memory.taskRow = taskRow;
  }
}
