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

/**
 * Runs the hooks for a state the store accepted; a failing hook is logged, never fatal. Returns
 * nothing when there is no hook to run, so the common case costs no promise.
 */
export function runStateHooks<S>(
  options: CommonOptions<S>,
  subject: S,
  run: RunInfo | (() => RunInfo),
  state: State,
  logger: Logger,
): Promise<void> | undefined {
  const key = HOOK_FOR_STATE[state.type];
  if (!key) return undefined;
  const hooks = hookList(options[key] as CommonOptions<S>['onCompletion']);
  if (hooks.length === 0) return undefined;
  return callHooks(hooks, key, subject, typeof run === 'function' ? run() : run, state, logger);
}

async function callHooks<S>(hooks: readonly Hook<S>[], key: string, subject: S, run: RunInfo, state: State, logger: Logger): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(subject, run, state);
    } catch (error) {
      logger.error(`the ${key} hook '${hook.name || 'anonymous'}' failed: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}
