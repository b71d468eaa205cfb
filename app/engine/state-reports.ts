import { hostname } from 'node:os';
import type { OrchestrationResult, ProposedState, RunKind, RunReporter, SetState, State } from '../core/index.js';
import { newId } from '../core/ids.js';
import { engineSettings } from './runtime.js';

/**
 * Proposes a state for a run; `owner` claims the run for this process, as a flow run continued
 * here does. Every run of the engine, a subflow call's task run included, proposes through here.
 */
export function proposeState(
  reporter: RunReporter,
  kind: RunKind,
  runId: string,
  state: ProposedState,
  owner = false,
  transitionId = newId(),
): Promise<OrchestrationResult> {
  return reporter.setState(stateChange(kind, runId, state, owner, transitionId));
}

/** The report of a proposed state; `owner` claims the run for this process. */
export function stateChange(kind: RunKind, runId: string, state: ProposedState, owner: boolean, transitionId: string): SetState {
  const change: SetState = { kind, runId, state, transitionId };
  return owner ? { ...change, owner: { pid: process.pid, hostname: hostname() } } : change;
}

/** Tells whoever hosts the engine (the CLI's progress display, the app) of a state a run took. */
export function announceState(kind: RunKind, runId: string, runName: string, flowRunId: string, state: State): void {
  const onEvent = engineSettings().onEvent;
  if (onEvent) onEvent({ kind, runId, runName, flowRunId, state });
}
