// `flowdeck deploy FILE --name N ...`: one deployment of one flow file, without a flowdeck.yaml.
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { ResourceNameSchema } from '../../core/api/deployments.js';
import { parseSchedule, ScheduleError, type Schedule } from '../../core/schedules/index.js';
import type { ParsedArgs } from '../command.js';
import { stringListOption, stringOption } from '../command-helpers.js';
import { UsageError } from '../errors.js';
import { parseParamsJson } from '../flow-files/parse-params.js';
import { splitEntrypoint, type DeploymentSpec } from './deployment-spec.js';
import { projectRootOf } from './find-project.js';
import { keyPathText } from './yaml-places.js';

/** The options that describe a deployment on the command line instead of in flowdeck.yaml. */
export const ONE_FILE_OPTIONS = ['name', 'pool', 'queue', 'cron', 'timezone', 'interval', 'rrule', 'param', 'params-json', 'description', 'tag'];

function resourceName(raw: string, option: string): string {
  const parsed = ResourceNameSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--${option} '${raw}' ${parsed.error.issues[0].message}`);
  return parsed.data;
}

function scheduleOf(args: ParsedArgs): Schedule[] {
  const given = (['cron', 'interval', 'rrule'] as const).filter((kind) => stringOption(args, kind) !== undefined);
  const timezone = stringOption(args, 'timezone');
  if (given.length === 0) {
    if (timezone !== undefined) throw new UsageError('--timezone goes with a schedule: --cron, --interval or --rrule');
    return [];
  }
  if (given.length > 1) throw new UsageError(`give one schedule: --${given.join(' or --')}, not both`);
  const kind = given[0];
  const raw = stringOption(args, kind)!;
  const value = kind === 'interval' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  try {
    return [parseSchedule({ [kind]: value, ...(timezone !== undefined ? { timezone } : {}) })];
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    // The schedule's messages start with the field they are about, which is the option's name.
    const field = /^(\w+): /.exec(error.message)?.[1];
    throw new UsageError(field === kind || field === 'timezone' ? `--${error.message}` : `--${kind}: ${error.message}`);
  }
}

/** The deployment the options describe, and its project root; parameters are read against the schema later. */
export function specFromOptions(args: ParsedArgs, cwd: string): { spec: DeploymentSpec; root: string } {
  if (args.positionals.length !== 1) throw new UsageError('with --name, name one flow file to deploy: flowdeck deploy FILE[:EXPORT] --name NAME');
  const { file, exportName } = splitEntrypoint(args.positionals[0]);
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`${path} is not a file`);
  const root = projectRootOf(path);
  const queue = stringOption(args, 'queue');
  const pool = stringOption(args, 'pool');
  if (queue !== undefined && pool === undefined) throw new UsageError('--queue names a queue of a work pool: give the pool with --pool');
  const spec: DeploymentSpec = {
    name: resourceName(stringOption(args, 'name')!, 'name'),
    file: relative(root, path).split(sep).join('/'),
    exportName,
    description: stringOption(args, 'description') ?? null,
    version: null,
    tags: stringListOption(args, 'tag'),
    parameters: parseParamsJson(stringOption(args, 'params-json')),
    workPool: pool === undefined ? null : resourceName(pool, 'pool'),
    workQueue: queue === undefined ? null : resourceName(queue, 'queue'),
    schedules: scheduleOf(args),
    concurrencyLimit: null,
    paramPairs: stringListOption(args, 'param'),
    at: keyPathText,
  };
  return { spec, root };
}
