import type { CommandDefinition } from '../command.js';
import runCommand from './run.js';
import serverStart from './server-start.js';
import concurrencyLimitCreate from './concurrency-limit-create.js';
import concurrencyLimitDelete from './concurrency-limit-delete.js';
import concurrencyLimitInspect from './concurrency-limit-inspect.js';
import concurrencyLimitLs from './concurrency-limit-ls.js';
import configSet from './config-set.js';
import configUnset from './config-unset.js';
import configView from './config-view.js';
import flowDescribe from './flow-describe.js';
import flowRunCancel from './flow-run-cancel.js';
import flowRunInspect from './flow-run-inspect.js';
import flowRunLogs from './flow-run-logs.js';
import flowRunLs from './flow-run-ls.js';
import flowRunResume from './flow-run-resume.js';
import flowRunRetry from './flow-run-retry.js';
import profileCreate from './profile-create.js';
import profileDelete from './profile-delete.js';
import profileInspect from './profile-inspect.js';
import profileLs from './profile-ls.js';
import profileUse from './profile-use.js';
import taskRunInspect from './task-run-inspect.js';
import taskRunLs from './task-run-ls.js';

/** Every command the CLI knows; a new command is a new file and one line here. */
export const COMMANDS: readonly CommandDefinition[] = [
  runCommand,
  flowDescribe,
  flowRunLs,
  flowRunInspect,
  flowRunLogs,
  flowRunCancel,
  flowRunResume,
  flowRunRetry,
  taskRunLs,
  taskRunInspect,
  concurrencyLimitCreate,
  concurrencyLimitLs,
  concurrencyLimitInspect,
  concurrencyLimitDelete,
  profileLs,
  profileCreate,
  profileUse,
  profileDelete,
  profileInspect,
  configSet,
  configUnset,
  configView,
  serverStart,
];
