import {
  CATCH_UP_RULES,
  COLLISION_STRATEGIES,
  RESOURCE_NAME_MAX,
  ResourceNameSchema,
  type CatchUpRule,
  type CollisionStrategy,
} from '../../core/api/deployments.js';
import { isKnownTimeZone, parseSchedule, ScheduleError, type Schedule } from '../../core/schedules/index.js';
import { SERVE_DEFAULT_LIMIT } from './options.js';

/** A deployment's options that do not fit, with a message naming the option. */
export class DeploymentOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentOptionsError';
  }
}

/** What the options ask for, checked: the deployment's own fields, before the flow's file and schema are added. */
export interface DeploymentSpec {
  name: string;
  parameters: Record<string, unknown>;
  schedules: Schedule[];
  description: string | null;
  tags: string[];
  version: string | null;
  /** Null for a deployment its serve process runs. */
  workPool: string | null;
  workQueue: string | null;
  concurrencyLimit: number | null;
  collisionStrategy?: CollisionStrategy;
  catchUp?: CatchUpRule;
  /** Left out: a new deployment is active, and one deployed again keeps its paused flag. */
  paused?: boolean;
}

const COMMON_KEYS = [
  'name',
  'parameters',
  'cron',
  'interval',
  'rrule',
  'schedules',
  'timezone',
  'description',
  'tags',
  'version',
  'concurrencyLimit',
  'collisionStrategy',
  'catchUp',
  'paused',
] as const;
const DEPLOY_KEYS: readonly string[] = [...COMMON_KEYS, 'workPool'];
const SERVE_KEYS: readonly string[] = [...COMMON_KEYS, 'limit'];

/** Reads options for one method, each refusal naming the method and the option. */
class OptionReader {
  constructor(
    private readonly method: string,
    private readonly options: Record<string, unknown>,
  ) {}

  fail(option: string, message: string): never {
    throw new DeploymentOptionsError(`${this.method}: option '${option}' ${message}`);
  }

  has(option: string): boolean {
    return this.options[option] !== undefined;
  }

  value(option: string): unknown {
    return this.options[option];
  }

  resourceName(option: string, value: unknown): string {
    if (typeof value !== 'string') this.fail(option, `must be a name (a string), got ${describe(value)}`);
    const checked = ResourceNameSchema.safeParse(value);
    if (!checked.success) {
      if (value.length > RESOURCE_NAME_MAX) this.fail(option, `must be at most ${RESOURCE_NAME_MAX} characters long`);
      this.fail(option, `'${value}' ${checked.error.issues[0]?.message ?? 'is not a valid name'}`);
    }
    return value;
  }

  optionalText(option: string): string | null {
    const value = this.value(option);
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') this.fail(option, `must be a string, got ${describe(value)}`);
    return value;
  }

  optionalBoolean(option: string): boolean | undefined {
    const value = this.value(option);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') this.fail(option, `must be true or false, got ${describe(value)}`);
    return value;
  }

  positiveInteger(option: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      this.fail(option, `must be a whole number of 1 or more, got ${describe(value)}`);
    return value;
  }

  oneOf<T extends string>(option: string, allowed: readonly T[]): T | undefined {
    const value = this.value(option);
    if (value === undefined) return undefined;
    if (!(allowed as readonly unknown[]).includes(value)) this.fail(option, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
    return value as T;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 80)}...` : value}'`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value === 'function' ? 'a function' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function checkKeys(method: string, options: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new DeploymentOptionsError(`${method}: unknown option '${key}'; the options are ${known.join(', ')}`);
  }
}

/** Parameters must travel as JSON: a plain object whose values survive JSON unchanged in kind. */
function checkParameters(reader: OptionReader): Record<string, unknown> {
  const value = reader.value('parameters');
  if (value === undefined) return {};
  if (!isPlainObject(value)) reader.fail('parameters', `must be an object of parameters by name, got ${describe(value)}`);
  for (const [key, item] of Object.entries(value)) {
    let text: string | undefined;
    try {
      text = JSON.stringify(item);
    } catch (error) {
      reader.fail('parameters', `'${key}' cannot be stored as JSON: ${(error as Error).message}`);
    }
    if (text === undefined) reader.fail('parameters', `'${key}' cannot be stored as JSON (got ${describe(item)})`);
  }
  return value;
}

function checkSchedule(reader: OptionReader, option: string, input: unknown, timezone: string | undefined): Schedule {
  const withZone = timezone !== undefined && isPlainObject(input) && input.timezone === undefined ? { ...input, timezone } : input;
  try {
    return parseSchedule(withZone);
  } catch (error) {
    if (error instanceof ScheduleError) reader.fail(option, `is not a valid schedule: ${error.message}`);
    throw error;
  }
}

/** cron, interval or rrule as one schedule, or `schedules` as several, each in `timezone` unless it names its own. */
function checkSchedules(reader: OptionReader): Schedule[] {
  const timezone = reader.optionalText('timezone') ?? undefined;
  if (timezone !== undefined && !isKnownTimeZone(timezone)) {
    reader.fail('timezone', `'${timezone}' is not a known time zone; use an IANA name such as Europe/Berlin or UTC`);
  }
  const single = (['cron', 'interval', 'rrule'] as const).filter((key) => reader.has(key));
  if (single.length > 1) reader.fail(single[1], `cannot be given with '${single[0]}': a deployment with several schedules takes them as 'schedules'`);
  if (single.length === 1 && reader.has('schedules'))
    reader.fail('schedules', `cannot be given with '${single[0]}': put every schedule in 'schedules'`);
  if (single.length === 1) {
    const key = single[0];
    const value = reader.value(key);
    if (key === 'interval' ? typeof value !== 'number' && typeof value !== 'string' : typeof value !== 'string') {
      reader.fail(key, `must be ${key === 'interval' ? 'a number of seconds or an ISO 8601 duration' : 'a string'}, got ${describe(value)}`);
    }
    return [checkSchedule(reader, key, { [key]: value }, timezone)];
  }
  if (!reader.has('schedules')) {
    if (timezone !== undefined)
      reader.fail('timezone', 'is the time zone of a schedule, and no schedule was given (cron, interval, rrule or schedules)');
    return [];
  }
  const list = reader.value('schedules');
  if (!Array.isArray(list)) reader.fail('schedules', `must be a list of schedules, got ${describe(list)}`);
  return list.map((item, index) => checkSchedule(reader, `schedules[${index}]`, item, timezone));
}

function checkTags(reader: OptionReader): string[] {
  const value = reader.value('tags');
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((tag) => typeof tag !== 'string' || tag.length === 0)) {
    reader.fail('tags', `must be a list of non-empty strings, got ${describe(value)}`);
  }
  return [...(value as string[])];
}

function checkWorkPool(reader: OptionReader): { workPool: string; workQueue: string | null } {
  const value = reader.value('workPool');
  if (value === undefined)
    reader.fail('workPool', "is needed: the name of the work pool whose workers run it, or { name, queue } (serve() runs a flow's runs without one)");
  if (typeof value === 'string') return { workPool: reader.resourceName('workPool', value), workQueue: null };
  if (!isPlainObject(value)) reader.fail('workPool', `must be a pool's name or { name, queue }, got ${describe(value)}`);
  const extra = Object.keys(value).find((key) => key !== 'name' && key !== 'queue');
  if (extra) reader.fail('workPool', `has an unknown field '${extra}'; it takes name and queue`);
  const workPool = reader.resourceName('workPool.name', value.name);
  const workQueue = value.queue === undefined ? null : reader.resourceName('workPool.queue', value.queue);
  return { workPool, workQueue };
}

/** What deploy() and serve() share. */
function checkCommon(reader: OptionReader): Omit<DeploymentSpec, 'workPool' | 'workQueue'> {
  const name = reader.resourceName('name', reader.value('name'));
  const concurrencyLimit = reader.value('concurrencyLimit');
  return {
    name,
    parameters: checkParameters(reader),
    schedules: checkSchedules(reader),
    description: reader.optionalText('description'),
    tags: checkTags(reader),
    version: reader.optionalText('version'),
    concurrencyLimit:
      concurrencyLimit === undefined || concurrencyLimit === null ? null : reader.positiveInteger('concurrencyLimit', concurrencyLimit),
    ...optional('collisionStrategy', reader.oneOf('collisionStrategy', COLLISION_STRATEGIES)),
    ...optional('catchUp', reader.oneOf('catchUp', CATCH_UP_RULES)),
    ...optional('paused', reader.optionalBoolean('paused')),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

function readerFor(method: string, options: unknown, known: readonly string[]): OptionReader {
  if (!isPlainObject(options))
    throw new DeploymentOptionsError(`${method} takes an object of options such as { name: 'nightly' }, got ${describe(options)}`);
  checkKeys(method, options, known);
  return new OptionReader(method, options);
}

/** The options of `flowName.deploy()` (DeployOptions, as the caller gave them), checked. */
export function checkDeployOptions(flowName: string, options: unknown): DeploymentSpec {
  const reader = readerFor(`deploy() of flow '${flowName}'`, options, DEPLOY_KEYS);
  return { ...checkCommon(reader), ...checkWorkPool(reader) };
}

/** The options of `flowName.serve()` (ServeOptions, as the caller gave them), checked, and how many runs it runs at once. */
export function checkServeOptions(flowName: string, options: unknown): { spec: DeploymentSpec; limit: number } {
  const reader = readerFor(`serve() of flow '${flowName}'`, options, SERVE_KEYS);
  const limit = reader.has('limit') ? reader.positiveInteger('limit', reader.value('limit')) : SERVE_DEFAULT_LIMIT;
  return { spec: { ...checkCommon(reader), workPool: null, workQueue: null }, limit };
}
