// Helpers the command files share.
import { RUN_ID_PREFIX_MIN as MIN_PREFIX } from '../core/api/index.js';
import type { FlowRun, TaskRun } from '../core/index.js';
import type { ParsedArgs } from './command.js';
import { UsageError } from './errors.js';
import type { RunsSource } from './runs-source/runs-source.js';

function notFound(kind: 'flow' | 'task', given: string): UsageError {
  const hint = given.length < MIN_PREFIX ? `; give at least ${MIN_PREFIX} characters of the id` : `; 'flowdeck ${kind}-run ls' lists them`;
  return new UsageError(`no ${kind} run with id '${given}'${hint}`);
}

/** A flow run by its full id or a unique prefix of it. */
export async function findFlowRun(runs: RunsSource, idOrPrefix: string): Promise<FlowRun> {
  const id = await runs.resolveRunId('flow', idOrPrefix.trim());
  const run = id === null ? null : await runs.getFlowRun(id);
  if (!run) throw notFound('flow', idOrPrefix);
  return run;
}

/** A task run by its full id or a unique prefix of it. */
export async function findTaskRun(runs: RunsSource, idOrPrefix: string): Promise<TaskRun> {
  const id = await runs.resolveRunId('task', idOrPrefix.trim());
  const taskRun = id === null ? null : await runs.getTaskRun(id);
  if (!taskRun) throw notFound('task', idOrPrefix);
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
