import type { State } from '../core/index.js';
import type { Logger } from './logger.js';
import { hookList, type CommonOptions, type Hook, type RunInfo } from './options.js';

const HOOK_FOR_STATE: Partial<Record<State['type'], keyof CommonOptions<unknown>>> = {
  RUNNING: 'onRunning',
  COMPLETED: 'onCompletion',
  FAILED: 'onFailure',
  CRASHED: 'onCrashed',
  CANCELLED: 'onCancellation',
};

/** The hooks an accepted state calls, with the option they are set in. */
export interface StateHooks<S> {
  key: string;
  hooks: readonly Hook<S>[];
}

/**
 * The hooks to run for a state the store accepted; null when there are none, so the common case
 * makes nothing: no promise, and neither the run's info nor its logger.
 */
export function stateHooks<S>(options: CommonOptions<S>, state: State): StateHooks<S> | null {
  const key = HOOK_FOR_STATE[state.type];
  if (!key) return null;
  const set = options[key] as CommonOptions<S>['onCompletion'];
  // Most runs set no hooks: finding that out makes nothing, not even an empty list.
  if (!set) return null;
  const hooks = hookList(set);
  return hooks.length === 0 ? null : { key, hooks };
}

/** Runs hooks one after the other; a failing hook is logged, never fatal. */
export async function runStateHooks<S>({ key, hooks }: StateHooks<S>, subject: S, run: RunInfo, state: State, logger: Logger): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(subject, run, state);
    } catch (error) {
      logger.error(`the ${key} hook '${hook.name || 'anonymous'}' failed: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}
