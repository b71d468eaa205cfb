import type { FlowRun, TaskRun } from '../../core/index.js';
import { isTerminal } from '../../core/state-model.js';

/** Why a run from a chosen task cannot be made as asked; `status` is the HTTP status that says so. */
export class RerunRefusal extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 422,
  ) {
    super(message);
    this.name = 'RerunRefusal';
  }
}

/** Refuses a run that has not finished: what its task runs did is not settled yet. */
export function checkRerunnable(run: FlowRun): void {
  if (!isTerminal(run.state.type)) {
    throw new RerunRefusal(
      `flow run '${run.name}' is ${run.state.name}; it can be run again from a task once it has finished (or been cancelled)`,
      409,
    );
  }
}

/** The shortest id prefix that may name a task run. */
const MIN_PREFIX = 4;

/**
 * The task run of `run` that `given` names: its id, a prefix of its id, or its name (of several
 * attempts, the latest attempt's). `elsewhere` is the flow run a task run with that exact id
 * belongs to, when it is not this one.
 */
export function findRerunTask(run: FlowRun, taskRuns: readonly TaskRun[], given: string, elsewhere: string | null): TaskRun {
  const exact = taskRuns.find((t) => t.id === given);
  if (exact) return exact;
  if (elsewhere !== null) {
    throw new RerunRefusal(`task run '${given}' belongs to flow run ${elsewhere}, not to flow run '${run.name}' (${run.id})`, 404);
  }
  const named = taskRuns.filter((t) => t.name === given);
  if (named.length > 0) return named.reduce((latest, t) => (t.flowRunAttempt >= latest.flowRunAttempt ? t : latest));
  const prefixed = given.length >= MIN_PREFIX ? taskRuns.filter((t) => t.id.startsWith(given)) : [];
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1)
    throw new RerunRefusal(`'${given}' starts the ids of ${prefixed.length} task runs of flow run '${run.name}'; give more of it`, 404);
  const names = [...new Set(taskRuns.map((t) => t.name))];
  const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? `, and ${names.length - 8} more` : '');
  throw new RerunRefusal(
    taskRuns.length === 0
      ? `flow run '${run.name}' has no task runs to run again from`
      : `flow run '${run.name}' has no task run '${given}'; its task runs are ${shown}`,
    404,
  );
}

/** How many arguments the task run was called with, when its recorded inputs say so whole. */
function argumentCount(taskRun: TaskRun): number | null {
  if (taskRun.inputs === null) return 0;
  try {
    const parsed = JSON.parse(taskRun.inputs) as unknown;
    return Array.isArray(parsed) ? parsed.length : null;
  } catch {
    // A recorded preview may be cut: the count is not known then.
    return null;
  }
}

/** Reads edited inputs given as JSON text (the CLI's --inputs). */
export function parseRerunInputs(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RerunRefusal(`--inputs is not JSON: ${(error as Error).message}`, 422);
  }
  if (!Array.isArray(parsed)) throw new RerunRefusal('--inputs must be a JSON array of the arguments, in their order, such as [1, "a"]', 422);
  return parsed;
}

/** What a check of a run from a task reads: the store, or the CLI's view of it. */
export interface TaskRunReader {
  listTaskRuns(flowRunId: string): Promise<TaskRun[]>;
  getTaskRun(id: string): Promise<TaskRun | null>;
}

/**
 * The task run of a finished `run` that `task` names, with `inputs` checked against its call;
 * a RerunRefusal says why there is none or the inputs do not fit.
 */
export async function checkRerunRequest(run: FlowRun, reader: TaskRunReader, task: string, inputs: readonly unknown[] | undefined): Promise<TaskRun> {
  checkRerunnable(run);
  const taskRuns = await reader.listTaskRuns(run.id);
  const other = taskRuns.some((t) => t.id === task) ? null : await reader.getTaskRun(task);
  const chosen = findRerunTask(run, taskRuns, task, other ? other.flowRunId : null);
  if (inputs) checkRerunInputs(chosen, inputs);
  return chosen;
}

/** Refuses inputs that do not fit the call the chosen task run made. */
export function checkRerunInputs(taskRun: TaskRun, inputs: readonly unknown[]): void {
  const count = argumentCount(taskRun);
  if (count !== null && count !== inputs.length) {
    throw new RerunRefusal(
      `task run '${taskRun.name}' was called with ${count} argument${count === 1 ? '' : 's'}, but the inputs give ${inputs.length}; ` +
        `give a JSON array of ${count}`,
      422,
    );
  }
}
