import { logLevelName, type LogLevelName, type LogLine } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { formatClock } from './format.js';

type Colors = CliContext['colors'];

const LEVEL_COLORS: Record<LogLevelName, (colors: Colors) => (text: string) => string> = {
  DEBUG: (c) => c.gray,
  INFO: (c) => c.cyan,
  WARNING: (c) => c.yellow,
  ERROR: (c) => c.red,
  CRITICAL: (c) => (text) => c.bold(c.red(text)),
};

/** The width of the longest level name, so messages line up. */
const LEVEL_WIDTH = 'CRITICAL'.length;

/**
 * `HH:MM:SS.mmm LEVEL     [task-name] message`. Lines from a task's later attempts carry the
 * attempt (`[fetch #2]`) so a retried task's logs can be told apart.
 */
export function formatLogLine(log: LogLine, taskName: string | null, colors: Colors): string {
  const level = logLevelName(log.level);
  const paint = LEVEL_COLORS[level](colors);
  const source = taskName === null ? '' : `${colors.dim(`[${taskName}${log.attempt > 1 ? ` #${log.attempt}` : ''}]`)} `;
  return `${colors.gray(formatClock(log.timestamp))} ${paint(level.padEnd(LEVEL_WIDTH))} ${source}${log.message}`;
}
