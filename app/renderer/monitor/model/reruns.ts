import type { RERUN_CODE } from '../../../core/api/reruns.js';
import { isTerminal, type StateType } from '../../../core/states.js';

/** What the page says of a task run whose result another task run computed. */
export interface ReusedFromText {
  /** "Result reused from task run extract-0 (attempt 1)". */
  text: string;
  /** "of flow run brave-otter" when that task run is of another flow run; null otherwise. */
  ofFlowRun: string | null;
}

/** Where a reused result came from, from the task run that computed it and, when it is of another flow run, that run's name. */
export function reusedFromText(
  origin: { name: string; flowRunId: string; flowRunAttempt: number },
  flowRunId: string,
  originFlowRunName: string | null,
): ReusedFromText {
  const text = `Result reused from task run ${origin.name} (attempt ${origin.flowRunAttempt})`;
  if (origin.flowRunId === flowRunId) return { text, ofFlowRun: null };
  return { text, ofFlowRun: `of flow run ${originFlowRunName ?? origin.flowRunId.slice(0, 8)}` };
}

/** The line on a run made from a task of another: "Run again from task load-0 of run brave-otter". */
export function rerunOfText(taskRunName: string | null, flowRunName: string | null, link: { flowRunId: string; taskRunId: string }): string {
  return `Run again from task ${taskRunName ?? link.taskRunId.slice(0, 8)} of run ${flowRunName ?? link.flowRunId.slice(0, 8)}`;
}

/** Why a run cannot be run again from one of its task runs yet; null when it can. */
export function runFromRefusal(flowRunState: StateType): string | null {
  if (isTerminal(flowRunState)) return null;
  return 'The run is not finished: a run can go again from a task once it has completed, failed, crashed or been cancelled.';
}

/** The editor's first text: the task run's inputs as a JSON array, laid out; empty when they are not one. */
export function prefilledInputs(inputs: string | null): string {
  if (inputs === null) return '';
  try {
    const parsed: unknown = JSON.parse(inputs);
    return Array.isArray(parsed) ? JSON.stringify(parsed, null, 2) : '';
  } catch {
    return '';
  }
}

export type RerunCode = (typeof RERUN_CODE)[number];

/** The body of a run from a task, or why the form cannot send it. */
export type RunFromRequest = { body: { task: string; inputs?: unknown[]; code: RerunCode } } | { error: string };

/**
 * What "Run from here" sends. Inputs are sent only when they were changed from those shown first,
 * so an unchanged call runs with its own arguments rather than with their JSON rendering.
 */
export function runFromRequest(taskRunId: string, text: string, prefilled: string, code: RerunCode): RunFromRequest {
  const trimmed = text.trim();
  if (trimmed === prefilled.trim() || trimmed === '') return { body: { task: taskRunId, code } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    return { error: `The inputs are not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { error: 'The inputs must be a JSON array of the arguments, in their order, e.g. [1, "two"]' };
  return { body: { task: taskRunId, inputs: parsed, code } };
}
