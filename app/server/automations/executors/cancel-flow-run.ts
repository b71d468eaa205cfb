import type { ActionOf } from '../../../core/automations/index.js';
import { isTerminal } from '../../../core/state-model.js';
import type { ActionExecutor } from './action-executor.js';

/** Cancels the run that fired; one that has ended already is left as it is. */
export const cancelFlowRunAction: ActionExecutor<ActionOf<'cancel-flow-run'>> = async (_action, { store, firing }) => {
  const run = await store.getFlowRun(firing.flowRunId);
  if (!run || isTerminal(run.state.type)) return;
  await store.cancelFlowRun(run.id);
};
