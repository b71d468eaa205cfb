import { z } from 'zod';
import { STATE_NAMES, STATE_TYPES } from '../state-model.js';

/** Every state name there is (Failed, TimedOut, Late, ...), as a trigger may name them. */
const KNOWN_STATE_NAMES: readonly string[] = Object.values(STATE_NAMES).flat();

/** A state type in capitals (FAILED) or a state name (TimedOut); anything else is refused, naming the choices. */
const StateMatchSchema = z.string().refine((value) => (STATE_TYPES as readonly string[]).includes(value) || KNOWN_STATE_NAMES.includes(value), {
  error: (issue) =>
    `unknown state '${String(issue.input)}'; use a state type (${STATE_TYPES.join(', ')}) or a state name (${KNOWN_STATE_NAMES.join(', ')})`,
});

/**
 * When a flow run enters one of `states` (types or names), optionally only runs of some flows, of
 * some deployments (`FLOW/NAME` or id) or carrying any of some tags. Filters left out match every run.
 */
export const FlowRunStateTriggerSchema = z.strictObject({
  kind: z.literal('flow-run-state'),
  states: z.array(StateMatchSchema).min(1, 'needs at least one state type or name'),
  flows: z.array(z.string().min(1)).optional(),
  deployments: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string().min(1)).optional(),
});
export type FlowRunStateTrigger = z.infer<typeof FlowRunStateTriggerSchema>;

/** Every kind of trigger; adding one is adding a member here and a case in triggerMatches (trigger-match.ts). */
export const TriggerSchema = z.discriminatedUnion('kind', [FlowRunStateTriggerSchema]);
export type Trigger = z.infer<typeof TriggerSchema>;
