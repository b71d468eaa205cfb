import { resourceNameProblem } from '../../core/api/work-pool-rules.js';
import type { StateType } from '../../core/index.js';
import { STATE_NAMES, STATE_TYPES } from '../../core/state-model.js';
import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { renderFlowRunTable } from '../output/run-tables.js';
import { flag, parseWholeNumber, stringListOption, stringOption } from '../command-helpers.js';
import { FLOW_RUN_LS_LIMIT } from './defaults.js';

/** Spelling and case vary (`failed`, `AWAITING_RETRY`), so compare letters only. */
function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z]/g, '');
}

const TYPE_BY_KEY = new Map<string, StateType>(STATE_TYPES.map((type) => [normalize(type), type]));
const NAME_BY_KEY = new Map<string, string>(STATE_TYPES.flatMap((type) => STATE_NAMES[type].map((name) => [normalize(name), name] as const)));

/**
 * A value that spells a state type (FAILED, or the name Failed) matches the whole type, TimedOut
 * included; a name of its own (Late, TimedOut, AwaitingRetry) matches only runs of that name.
 */
function parseStateFilter(values: readonly string[]): { stateTypes: StateType[]; stateNames: string[] } {
  const stateTypes = new Set<StateType>();
  const stateNames = new Set<string>();
  for (const value of values) {
    const key = normalize(value);
    const type = TYPE_BY_KEY.get(key);
    const name = NAME_BY_KEY.get(key);
    if (type) stateTypes.add(type);
    else if (name) stateNames.add(name);
    else {
      throw new UsageError(
        `unknown state '${value}'; use a state type (${STATE_TYPES.join(', ')}) or a state name such as Late, AwaitingRetry or TimedOut`,
      );
    }
  }
  return { stateTypes: [...stateTypes], stateNames: [...stateNames] };
}

/** A pool or queue name as the API takes it, or the option's value and what is wrong with it. */
function nameOption(args: Parameters<CommandRun>[0], option: string): string | undefined {
  const raw = stringOption(args, option);
  if (raw === undefined) return undefined;
  const problem = resourceNameProblem(raw);
  if (problem !== null) throw new UsageError(`--${option} '${raw}' ${problem}`);
  return raw;
}

/** `flowdeck flow-run ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const flowName = stringOption(args, 'flow');
  const workPool = nameOption(args, 'pool');
  const workQueue = nameOption(args, 'queue');
  if (workQueue !== undefined && workPool === undefined) throw new UsageError('--queue needs --pool: a queue is named within its work pool');
  const states = parseStateFilter(stringListOption(args, 'state'));
  const rawLimit = stringOption(args, 'limit');
  const limit = rawLimit === undefined ? FLOW_RUN_LS_LIMIT.default : parseWholeNumber(rawLimit, '--limit', 1, FLOW_RUN_LS_LIMIT.max);
  const source = await ctx.runs();
  const runs = await source.listFlowRuns({ flowName, ...states, workPool, workQueue, limit });
  if (flag(args, 'json')) {
    ctx.printJson(runs);
    return EXIT_OK;
  }
  if (runs.length === 0) {
    const filtered = flowName !== undefined || workPool !== undefined || states.stateTypes.length > 0 || states.stateNames.length > 0;
    ctx.print(filtered ? 'No flow runs match these filters.' : 'No flow runs yet. Run one with: flowdeck run FILE');
    return EXIT_OK;
  }
  const ids = await source.uniqueIdPrefixes(
    'flow',
    runs.map((run) => run.id),
  );
  ctx.print(renderFlowRunTable(runs, ids, ctx.colors));
  return EXIT_OK;
};
