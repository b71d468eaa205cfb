import type { Action, Trigger } from './index.js';

/** A trigger in one line: `flow run enters FAILED or Crashed (tags nightly)`. */
export function describeTrigger(trigger: Trigger): string {
  const filters = [
    trigger.flows?.length ? `flows ${trigger.flows.join(', ')}` : '',
    trigger.deployments?.length ? `deployments ${trigger.deployments.join(', ')}` : '',
    trigger.tags?.length ? `tags ${trigger.tags.join(', ')}` : '',
  ].filter(Boolean);
  return `flow run enters ${trigger.states.join(' or ')}${filters.length > 0 ? ` (${filters.join('; ')})` : ''}`;
}

/** An action in one line. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'send-notification':
      return `send-notification via ${action.block}`;
    case 'run-deployment':
      return `run-deployment ${action.deployment}${Object.keys(action.parameters).length > 0 ? ` ${JSON.stringify(action.parameters)}` : ''}`;
    case 'cancel-flow-run':
      return 'cancel-flow-run (the run that fired)';
    case 'pause-deployment':
      return `pause-deployment ${action.deployment ?? "(the run's own)"}`;
  }
}
