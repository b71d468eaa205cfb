// The state model as plain data, without the schemas in states.ts: what code that only reads or
// shows states needs, and loads without zod.

/** The state type drives logic; the state name is for people. */
export const STATE_TYPES = ['SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED', 'CANCELLING', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'] as const;
export type StateType = (typeof STATE_TYPES)[number];

export const STATE_NAMES = {
  SCHEDULED: ['Scheduled', 'Late', 'AwaitingRetry', 'AwaitingConcurrencySlot'],
  PENDING: ['Pending', 'NotReady', 'Continued'],
  RUNNING: ['Running', 'Retrying'],
  PAUSED: ['Paused', 'Suspended', 'Breakpoint'],
  CANCELLING: ['Cancelling'],
  COMPLETED: ['Completed', 'Cached', 'Skipped', 'Pinned'],
  FAILED: ['Failed', 'TimedOut'],
  CRASHED: ['Crashed'],
  CANCELLED: ['Cancelled'],
} as const satisfies Record<StateType, readonly string[]>;

/** A count of zero for every state type. */
export function emptyStateCounts(): Record<StateType, number> {
  return Object.fromEntries(STATE_TYPES.map((type) => [type, 0])) as Record<StateType, number>;
}

const TYPE_BY_NAME = new Map<string, StateType>(STATE_TYPES.flatMap((type) => STATE_NAMES[type].map((name) => [name, type] as const)));

export function stateTypeOfName(name: string): StateType | undefined {
  return TYPE_BY_NAME.get(name);
}

export const TERMINAL_STATE_TYPES: readonly StateType[] = ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'];
const TERMINAL = new Set<StateType>(TERMINAL_STATE_TYPES);

export function isTerminal(type: StateType): boolean {
  return TERMINAL.has(type);
}

/**
 * The name of the PENDING state a task run rests in when it never ran because a run it depends on
 * did not complete, as in Prefect. Nothing moves it on, yet it is no failure of its own.
 */
export const NOT_READY = 'NotReady';

export function isNotReady(state: { type: StateType; name: string }): boolean {
  return state.type === 'PENDING' && state.name === NOT_READY;
}
