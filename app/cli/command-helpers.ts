// Helpers the command files share.
import { RUN_ID_PREFIX_MIN, runIdProblemMessage } from '../core/api/run-id-rules.js';
import type { FlowRun, TaskRun } from '../core/index.js';
import type { ParsedArgs } from './command.js';
import { UsageError } from './errors.js';
import type { RunsSource } from './runs-source/runs-source.js';

/** A run's full id from its id or a unique prefix of it, or a usage error saying what was wrong. */
async function fullRunId(runs: RunsSource, kind: 'flow' | 'task', given: string): Promise<string> {
  const found = await runs.resolveRunId(kind, given.trim());
  if ('id' in found) return found.id;
  const hint = found.problem === 'unknown' && given.length >= RUN_ID_PREFIX_MIN ? `; 'flowdeck ${kind}-run ls' lists them` : '';
  throw new UsageError(`${runIdProblemMessage(kind, given, found.problem)}${hint}`);
}

/** A flow run by its full id or a unique prefix of it. */
export async function findFlowRun(runs: RunsSource, idOrPrefix: string): Promise<FlowRun> {
  const run = await runs.getFlowRun(await fullRunId(runs, 'flow', idOrPrefix));
  if (!run) throw new UsageError(runIdProblemMessage('flow', idOrPrefix, 'unknown'));
  return run;
}

/** A task run by its full id or a unique prefix of it. */
export async function findTaskRun(runs: RunsSource, idOrPrefix: string): Promise<TaskRun> {
  const taskRun = await runs.getTaskRun(await fullRunId(runs, 'task', idOrPrefix));
  if (!taskRun) throw new UsageError(runIdProblemMessage('task', idOrPrefix, 'unknown'));
  return taskRun;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringListOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A whole number written in digits only, so `2.5`, `1e3` and ` 3` are refused rather than bent. */
export function parseWholeNumber(raw: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${what} must be a whole number ${range}, got '${raw}'`);
  }
  return value;
}
