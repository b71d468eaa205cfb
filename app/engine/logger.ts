import { format } from 'node:util';
import type { LogLine } from '../core/index.js';
import { LOG_LEVELS } from '../core/log-levels.js';
import { runStorage } from './context.js';
import { engineSettings } from './runtime.js';

/** Where a logger's lines belong. */
interface LogTarget {
  flowRunId: string;
  taskRunId: string | null;
  runName: string;
  attempt: () => number;
}

/** The logger of one flow or task run: lines go to the run's logs and, if set, the console. */
export class RunLogger {
  constructor(
    private readonly target: LogTarget,
    private readonly name: string,
  ) {}

  log(level: number, ...args: unknown[]): void {
    const settings = engineSettings();
    if (level < settings.logLevel) return;
    const message = args.length === 1 && typeof args[0] === 'string' ? args[0] : format(...args);
    const line: LogLine = {
      flowRunId: this.target.flowRunId,
      taskRunId: this.target.taskRunId,
      level,
      message,
      timestamp: Date.now(),
      attempt: this.target.attempt(),
      logger: this.name,
    };
    settings.reporter?.writeLogs([line]);
    settings.consoleSink?.(line, this.target.runName);
  }

  debug(...args: unknown[]): void {
    this.log(LOG_LEVELS.DEBUG, ...args);
  }
  info(...args: unknown[]): void {
    this.log(LOG_LEVELS.INFO, ...args);
  }
  warning(...args: unknown[]): void {
    this.log(LOG_LEVELS.WARNING, ...args);
  }
  warn(...args: unknown[]): void {
    this.log(LOG_LEVELS.WARNING, ...args);
  }
  error(...args: unknown[]): void {
    this.log(LOG_LEVELS.ERROR, ...args);
  }
  critical(...args: unknown[]): void {
    this.log(LOG_LEVELS.CRITICAL, ...args);
  }
}

/** Outside any run, lines still reach the console so nothing is silently lost. */
const outsideRunLogger = {
  log: (level: number, ...args: unknown[]) => {
    if (level >= engineSettings().logLevel) process.stderr.write(`${format(...args)}\n`);
  },
};

export type Logger = Pick<RunLogger, 'log' | 'debug' | 'info' | 'warning' | 'warn' | 'error' | 'critical'>;

/** The logger of the current flow or task run. */
export function getRunLogger(): Logger {
  const frame = runStorage.getStore();
  if (frame) return frame.logger;
  const log = outsideRunLogger.log;
  return {
    log,
    debug: (...a) => log(LOG_LEVELS.DEBUG, ...a),
    info: (...a) => log(LOG_LEVELS.INFO, ...a),
    warning: (...a) => log(LOG_LEVELS.WARNING, ...a),
    warn: (...a) => log(LOG_LEVELS.WARNING, ...a),
    error: (...a) => log(LOG_LEVELS.ERROR, ...a),
    critical: (...a) => log(LOG_LEVELS.CRITICAL, ...a),
  };
}
