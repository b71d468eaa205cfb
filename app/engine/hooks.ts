import type { State } from '../core/index.js';
import type { Logger } from './logger.js';
import { hookList, type CommonOptions, type RunInfo } from './options.js';

const HOOK_FOR_STATE: Partial<Record<State['type'], keyof CommonOptions<unknown>>> = {
  RUNNING: 'onRunning',
  COMPLETED: 'onCompletion',
  FAILED: 'onFailure',
  CRASHED: 'onCrashed',
  CANCELLED: 'onCancellation',
};

/** Runs the hooks for a state the store accepted; a failing hook is logged, never fatal. */
export async function runStateHooks<S>(
  options: CommonOptions<S>,
  subject: S,
  run: RunInfo,
  state: State,
  logger: Logger,
): Promise<void> {
  const key = HOOK_FOR_STATE[state.type];
  if (!key) return;
  const hooks = hookList(options[key] as CommonOptions<S>['onCompletion']);
  for (const hook of hooks) {
    try {
      await hook(subject, run, state);
    } catch (error) {
      logger.error(`the ${key} hook '${hook.name || 'anonymous'}' failed: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}
