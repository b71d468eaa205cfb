import { isAtBreakpoint } from '../../../core/debugging.js';
import type { DebugRunInfo, TaskRunBreakpoint } from '../../../core/runs.js';
import { taskNameOfRun } from '../../shared/node-states.js';

/** What the debugging controls need of a task run. */
interface StoppableRun {
  id: string;
  taskKey: string;
  name: string;
  dynamicKey: number;
  state: { type: string; name: string };
}

/** The task runs of a flow run held at a breakpoint, in the order given. */
export function stoppedTaskRuns<R extends StoppableRun>(taskRuns: readonly R[]): R[] {
  return taskRuns.filter((run) => isAtBreakpoint(run.state));
}

/** The run header's line for the stopped task runs: "2 task runs at breakpoints"; null for none. */
export function stoppedSummary(count: number): string | null {
  if (count === 0) return null;
  return count === 1 ? '1 task run at a breakpoint' : `${count.toLocaleString('en')} task runs at breakpoints`;
}

/** The stopped task runs of one task, shown and answered as one: a map's runs stop together. */
export interface StoppedGroup {
  taskKey: string;
  /** The task's name, without the `#2` of a second task of one name. */
  label: string;
  /** The stopped runs' ids, by map index. */
  taskRunIds: string[];
}

/** What a group of stopped runs says of itself: "10,000 stopped here". */
export function stoppedHereLabel(count: number): string {
  return `${count.toLocaleString('en')} stopped here`;
}

/**
 * The stopped task runs of each task with more than one stopped: those are answered as a group
 * (all at once, or one stepped), never one prompt per run. In the order their first run comes.
 */
export function groupStoppedRuns(taskRuns: readonly StoppableRun[]): StoppedGroup[] {
  const byKey = new Map<string, StoppableRun[]>();
  for (const run of stoppedTaskRuns(taskRuns)) {
    const list = byKey.get(run.taskKey);
    if (list) list.push(run);
    else byKey.set(run.taskKey, [run]);
  }
  const groups: StoppedGroup[] = [];
  for (const [taskKey, runs] of byKey) {
    if (runs.length < 2) continue;
    runs.sort((a, b) => a.dynamicKey - b.dynamicKey);
    groups.push({ taskKey, label: taskNameOfRun(runs[0]), taskRunIds: runs.map((run) => run.id) });
  }
  return groups;
}

/** What a person can do with a task run at a breakpoint. */
export type BreakpointControl = 'continue' | 'step' | 'skip' | 'editInputs' | 'stop' | 'runAgain' | 'letItFail';

/** What a stopped task run offers: why it stopped, its inputs, and the controls that fit the stop. */
export interface BreakpointOffer {
  reason: string | null;
  /** The stop is on the failure of its last attempt (not before it started). */
  onFailure: boolean;
  error: TaskRunBreakpoint['error'];
  /** The arguments pretty-printed, as the editor starts; null when they are not JSON. */
  inputsText: string | null;
  /** How many arguments the call had; null when its inputs are not JSON (then they cannot be edited). */
  argumentCount: number | null;
  controls: BreakpointControl[];
}

/**
 * The offer of a stop: before a start it runs on (Continue, Step), is skipped with a result, or
 * runs with edited inputs; on a failure it runs again (with edited inputs or not) or fails as it
 * would have. Inputs that are not JSON cannot be edited.
 */
export function breakpointOffer(breakpoint: TaskRunBreakpoint): BreakpointOffer {
  const args = parseArguments(breakpoint.inputs);
  const editable = args !== null;
  const onFailure = breakpoint.error !== null;
  const controls: BreakpointControl[] = onFailure
    ? ['runAgain', ...(editable ? (['editInputs'] as const) : []), 'letItFail', 'stop']
    : ['continue', 'step', 'skip', ...(editable ? (['editInputs'] as const) : []), 'stop'];
  return {
    reason: breakpoint.reason,
    onFailure,
    error: breakpoint.error,
    inputsText: args === null ? null : JSON.stringify(args, null, 2),
    argumentCount: args === null ? null : args.length,
    controls,
  };
}

function parseArguments(text: string | null): unknown[] | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Why a text is not JSON, in the words of the parser. */
function parseJson(text: string, what: string): Parsed<unknown> {
  if (text.trim() === '') return { ok: false, message: `${what}: nothing written; write it as JSON` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `${what}: not JSON: ${(error as Error).message}` };
  }
}

/**
 * Edited inputs as they may be sent: JSON, an array, of as many arguments as the call had. Checked
 * before anything is sent, so a slip changes nothing on the server.
 */
export function parseEditedInputs(text: string, argumentCount: number): Parsed<unknown[]> {
  const parsed = parseJson(text, 'The inputs');
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value))
    return { ok: false, message: `The inputs must be a JSON array of the task's arguments in order, like [${argumentCount === 1 ? '3' : '1, 2'}]` };
  if (parsed.value.length !== argumentCount)
    return {
      ok: false,
      message: `The task was called with ${plural(argumentCount, 'argument')}; the inputs give ${plural(parsed.value.length, 'argument')}`,
    };
  return { ok: true, value: parsed.value };
}

/** The result a skipped task run completes with, as JSON. */
export function parseSkipResult(text: string): Parsed<unknown> {
  return parseJson(text, 'The result');
}

/** The body of a continue (or step) of one task run, with the edited inputs when there are any. */
export function continueBody(options: { step?: boolean; inputs?: unknown[] }): { step?: boolean; inputs?: unknown[] } {
  return { ...(options.step ? { step: true } : {}), ...(options.inputs ? { inputs: options.inputs } : {}) };
}

/** The body of a skip: the result the task run completes with (null is a result too). */
export function skipBody(result: unknown): { result: unknown } {
  return { result };
}

/** The body of a continue of every stopped task run of a flow run. */
export function continueAllBody(options: { step?: boolean } = {}): { step?: boolean } {
  return options.step ? { step: true } : {};
}

/** What a debug run stops at, in a line for people. */
export function describeDebugRun(debug: DebugRunInfo): string {
  const parts: string[] = [];
  if (debug.breakpoints.length > 0) parts.push(`breakpoints on ${debug.breakpoints.join(', ')}`);
  if (debug.step) parts.push('stops before every task run');
  if (debug.breakOnFailure) parts.push('stops on failures');
  if (debug.pinned.length > 0) parts.push(`pinned: ${debug.pinned.join(', ')}`);
  if (debug.broken) parts.push('paused as a whole: each task run stops before it starts');
  return parts.length > 0 ? `A debug run: ${parts.join('; ')}` : 'A debug run';
}
