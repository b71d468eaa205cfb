import { LOG_LEVELS } from '../core/log-levels.js';
import { runStorage } from './context.js';

type ConsoleMethod = 'log' | 'info' | 'debug' | 'warn' | 'error';

const LEVEL_OF: Record<ConsoleMethod, number> = {
  log: LOG_LEVELS.INFO,
  info: LOG_LEVELS.INFO,
  debug: LOG_LEVELS.DEBUG,
  warn: LOG_LEVELS.WARNING,
  error: LOG_LEVELS.ERROR,
};

let installed = false;

/**
 * Routes console output made inside a run with `logPrints` into that run's logs. Installed once;
 * outside such runs the console behaves as it always does.
 */
export function installLogPrints(): void {
  if (installed) return;
  installed = true;
  for (const method of Object.keys(LEVEL_OF) as ConsoleMethod[]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const frame = runStorage.getStore();
      if (frame?.logPrints) frame.logger.log(LEVEL_OF[method], ...args);
      else original(...args);
    };
  }
}
