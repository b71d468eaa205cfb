// Loads without zod: the store matches triggers with it, and the CLI's local commands load the store.
import type { StateType } from '../state-model.js';
import type { Trigger } from './trigger.js';

/** What a trigger is matched against: a flow run as it entered a state. */
export interface FlowRunFacts {
  flowName: string;
  tags: readonly string[];
  deploymentId: string | null;
  /** `FLOW/NAME` of its deployment. */
  deploymentName: string | null;
  state: { type: StateType; name: string };
}

function anyOf(wanted: readonly string[] | undefined, has: (value: string) => boolean): boolean {
  return wanted === undefined || wanted.length === 0 || wanted.some(has);
}

export function triggerMatches(trigger: Trigger, run: FlowRunFacts): boolean {
  switch (trigger.kind) {
    case 'flow-run-state':
      return (
        trigger.states.some((state) => state === run.state.type || state === run.state.name) &&
        anyOf(trigger.flows, (flow) => flow === run.flowName) &&
        anyOf(trigger.deployments, (deployment) => deployment === run.deploymentId || deployment === run.deploymentName) &&
        anyOf(trigger.tags, (tag) => run.tags.includes(tag))
      );
  }
}
