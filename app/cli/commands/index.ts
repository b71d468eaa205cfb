import type { CommandDefinition } from '../command.js';
import runCommand from './run.js';
import concurrencyLimitCreate from './concurrency-limit-create.js';
import concurrencyLimitDelete from './concurrency-limit-delete.js';
import concurrencyLimitInspect from './concurrency-limit-inspect.js';
import concurrencyLimitLs from './concurrency-limit-ls.js';
import flowRunCancel from './flow-run-cancel.js';
import flowRunInspect from './flow-run-inspect.js';
import flowRunLogs from './flow-run-logs.js';
import flowRunLs from './flow-run-ls.js';
import flowRunRetry from './flow-run-retry.js';
import taskRunInspect from './task-run-inspect.js';
import taskRunLs from './task-run-ls.js';

/** Every command the CLI knows; a new command is a new file and one line here. */
export const COMMANDS: readonly CommandDefinition[] = [
  runCommand,
  flowRunLs,
  flowRunInspect,
  flowRunLogs,
  flowRunCancel,
  flowRunRetry,
  taskRunLs,
  taskRunInspect,
  concurrencyLimitCreate,
  concurrencyLimitLs,
  concurrencyLimitInspect,
  concurrencyLimitDelete,
];
