// Reads flowdeck.yaml into deployment specs. Every problem is collected, each with the file, its
// line and the key path, so one run of `deploy` shows all there is to fix; with any, none is used.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { CATCH_UP_RULES, COLLISION_STRATEGIES, EntrypointSchema, ResourceNameSchema, type CollisionStrategy } from '../../core/api/deployments.js';
import { CronScheduleSchema, IntervalScheduleSchema, RRuleScheduleSchema, type Schedule } from '../../core/schedules/index.js';
import { UsageError } from '../errors.js';
import { closest, didYouMean } from '../suggest.js';
import { splitEntrypoint, type DeploymentSpec } from './deployment-spec.js';
import { keyPathText, YamlPlaces, type KeyPath, type YamlProblem } from './yaml-places.js';

export interface ProjectFile {
  path: string;
  /** The file as messages name it: relative to the current folder when inside it. */
  label: string;
  /** The folder of flowdeck.yaml: entrypoints are relative to it, and bundles hold paths relative to it. */
  root: string;
  deployments: DeploymentSpec[];
}

const DEPLOYMENT_KEYS = [
  'name',
  'entrypoint',
  'description',
  'version',
  'tags',
  'parameters',
  'workPool',
  'schedules',
  'concurrencyLimit',
  'catchUp',
  'paused',
];
const COMMON_SCHEDULE_KEYS = ['timezone', 'active', 'parameters'];
const SCHEDULE_KINDS = [
  { key: 'cron', schema: CronScheduleSchema, keys: ['cron', 'dayOr', ...COMMON_SCHEDULE_KEYS] },
  { key: 'interval', schema: IntervalScheduleSchema, keys: ['interval', 'anchorDate', ...COMMON_SCHEDULE_KEYS] },
  { key: 'rrule', schema: RRuleScheduleSchema, keys: ['rrule', ...COMMON_SCHEDULE_KEYS] },
] as const;
const EXPORT_NAME = /^[A-Za-z_$][\w$]*$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value;

/** A name for the file in messages: relative to the current folder when inside it. */
function fileLabel(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Reads and checks flowdeck.yaml; throws a UsageError listing every problem when there is any. */
export function readProjectFile(path: string, cwd: string): ProjectFile {
  const label = fileLabel(path, cwd);
  const places = new YamlPlaces(readFileSync(path, 'utf8'));
  const root = dirname(path);
  let problems = places.syntaxProblems();
  let deployments: DeploymentSpec[] = [];
  if (problems.length === 0) {
    const reader = new ProjectReader(places, root, label);
    deployments = reader.read(places.doc.toJS() as unknown);
    problems = reader.problems;
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    const lines = problems.map((p) => `${label}:${p.line}: ${p.path.length ? `${keyPathText(p.path)}: ` : ''}${p.message}`);
    throw new UsageError(
      `${label} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}; nothing was deployed:\n  ${lines.join('\n  ')}`,
    );
  }
  return { path, label, root, deployments };
}

class ProjectReader {
  readonly problems: YamlProblem[] = [];

  constructor(
    private readonly places: YamlPlaces,
    private readonly root: string,
    private readonly label: string,
  ) {}

  private problem(path: KeyPath, message: string): void {
    this.problems.push({ line: this.places.lineOf(path), path, message });
  }

  private unknownKeys(value: Json, path: KeyPath, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const guess = didYouMean(closest(key, known));
      this.problem([...path, key], `unknown key${guess ? `; ${guess}` : `; known keys are ${known.join(', ')}`}`);
    }
  }

  read(document: unknown): DeploymentSpec[] {
    if (!isObject(document)) {
      this.problem([], `must be a mapping with a 'deployments:' list, not ${kindOf(document)}`);
      return [];
    }
    this.unknownKeys(document, [], ['deployments']);
    const list = document.deployments;
    if (!Array.isArray(list) || list.length === 0) {
      this.problem(
        ['deployments'],
        list === undefined ? "missing: the file needs a 'deployments:' list" : 'must be a list of at least one deployment',
      );
      return [];
    }
    const specs = list.flatMap((item, i) => this.deployment(item, ['deployments', i]) ?? []);
    const seen = new Map<string, number>();
    specs.forEach((spec, i) => {
      const key = `${spec.file}:${spec.exportName}/${spec.name}`;
      const first = seen.get(key);
      if (first !== undefined)
        this.problem(['deployments', i, 'name'], `'${spec.name}' is already the name of deployments[${first}] of the same flow`);
      else seen.set(key, i);
    });
    return specs;
  }

  private deployment(value: unknown, path: KeyPath): DeploymentSpec | null {
    if (!isObject(value)) {
      this.problem(path, `must be a mapping with at least name and entrypoint, not ${kindOf(value)}`);
      return null;
    }
    const before = this.problems.length;
    this.unknownKeys(value, path, DEPLOYMENT_KEYS);
    const name = this.resourceName(value.name, [...path, 'name']);
    const entry = this.entrypoint(value.entrypoint, [...path, 'entrypoint']);
    const pool = this.workPool(value.workPool, [...path, 'workPool']);
    const limit = this.concurrencyLimit(value.concurrencyLimit, [...path, 'concurrencyLimit']);
    const spec: DeploymentSpec = {
      name: name ?? '',
      file: entry?.file ?? '',
      exportName: entry?.exportName ?? 'default',
      description: this.optionalText(value.description, [...path, 'description']),
      version: this.optionalText(value.version, [...path, 'version'], true),
      tags: this.tags(value.tags, [...path, 'tags']),
      parameters: this.mapping(value.parameters, [...path, 'parameters']),
      workPool: pool.name,
      workQueue: pool.queue,
      schedules: this.schedules(value.schedules, [...path, 'schedules']),
      concurrencyLimit: limit.limit,
      ...(limit.collisionStrategy ? { collisionStrategy: limit.collisionStrategy } : {}),
      ...(value.catchUp !== undefined ? { catchUp: this.oneOf(value.catchUp, [...path, 'catchUp'], CATCH_UP_RULES) } : {}),
      ...(value.paused !== undefined ? { paused: this.boolean(value.paused, [...path, 'paused']) } : {}),
      at: (key) => `${this.label}:${this.places.lineOf([...path, ...key])}: ${keyPathText([...path, ...key])}`,
    };
    return this.problems.length === before ? spec : null;
  }

  private resourceName(value: unknown, path: KeyPath): string | null {
    if (value === undefined) return (this.problem(path, 'missing: every deployment needs a name'), null);
    if (typeof value !== 'string' && typeof value !== 'number') return (this.problem(path, `must be text, not ${kindOf(value)}`), null);
    const parsed = ResourceNameSchema.safeParse(String(value));
    if (parsed.success) return parsed.data;
    this.problem(path, `'${String(value)}' ${parsed.error.issues[0].message.replace(/^Too (big|small): expected string to have /, 'must have ')}`);
    return null;
  }

  private entrypoint(value: unknown, path: KeyPath): { file: string; exportName: string } | null {
    if (typeof value !== 'string') {
      this.problem(
        path,
        value === undefined ? 'missing: every deployment needs an entrypoint, such as flows/etl.ts:default' : `must be text, not ${kindOf(value)}`,
      );
      return null;
    }
    const { file, exportName } = splitEntrypoint(value.trim());
    const checked = EntrypointSchema.safeParse(file.replaceAll('\\', '/'));
    if (!checked.success) return (this.problem(path, `'${value}' ${checked.error.issues[0].message}`), null);
    if (!EXPORT_NAME.test(exportName)) return (this.problem(path, `'${exportName}' is not an export name; write path/file.ts:exportName`), null);
    const onDisk = join(this.root, file);
    if (!existsSync(onDisk) || !statSync(onDisk).isFile()) {
      this.problem(path, `no such file: ${file} (looked for ${onDisk}; entrypoints are relative to the folder of ${this.label})`);
      return null;
    }
    return { file: checked.data, exportName };
  }

  private optionalText(value: unknown, path: KeyPath, numbersToo = false): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    if (numbersToo && typeof value === 'number') return String(value);
    this.problem(path, `must be text, not ${kindOf(value)}`);
    return null;
  }

  private tags(value: unknown, path: KeyPath): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return (this.problem(path, `must be a list of tags, not ${kindOf(value)}`), []);
    return value.flatMap((tag, i) => {
      if (typeof tag === 'string' && tag.length > 0) return [tag];
      this.problem([...path, i], `a tag must be non-empty text, not ${kindOf(tag)}`);
      return [];
    });
  }

  private mapping(value: unknown, path: KeyPath): Json {
    if (value === undefined || value === null) return {};
    if (isObject(value)) return value;
    this.problem(path, `must be a mapping of names to values, not ${kindOf(value)}`);
    return {};
  }

  private boolean(value: unknown, path: KeyPath): boolean {
    if (typeof value === 'boolean') return value;
    this.problem(path, `must be true or false, not ${JSON.stringify(value)}`);
    return false;
  }

  private oneOf<T extends string>(value: unknown, path: KeyPath, choices: readonly T[]): T {
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    const guess = typeof value === 'string' ? didYouMean(closest(value, choices)) : '';
    this.problem(path, `must be one of ${choices.join(', ')}, not ${JSON.stringify(value)}${guess ? `; ${guess}` : ''}`);
    return choices[0];
  }

  private workPool(value: unknown, path: KeyPath): { name: string | null; queue: string | null } {
    if (value === undefined || value === null) return { name: null, queue: null };
    if (typeof value === 'string') return { name: this.resourceName(value, path), queue: null };
    if (!isObject(value))
      return (this.problem(path, `must be a mapping such as { name: local, queue: default }, not ${kindOf(value)}`), { name: null, queue: null });
    this.unknownKeys(value, path, ['name', 'queue']);
    const name =
      value.name === undefined
        ? (this.problem([...path, 'name'], 'missing: the work pool needs a name'), null)
        : this.resourceName(value.name, [...path, 'name']);
    const queue = value.queue === undefined || value.queue === null ? null : this.resourceName(value.queue, [...path, 'queue']);
    return { name, queue };
  }

  private concurrencyLimit(value: unknown, path: KeyPath): { limit: number | null; collisionStrategy?: CollisionStrategy } {
    if (value === undefined || value === null) return { limit: null };
    if (!isObject(value)) return { limit: this.limitNumber(value, path) };
    this.unknownKeys(value, path, ['limit', 'collisionStrategy']);
    const limit =
      value.limit === undefined
        ? (this.problem([...path, 'limit'], 'missing: a number of runs at once'), null)
        : this.limitNumber(value.limit, [...path, 'limit']);
    if (value.collisionStrategy === undefined) return { limit };
    return { limit, collisionStrategy: this.oneOf(value.collisionStrategy, [...path, 'collisionStrategy'], COLLISION_STRATEGIES) };
  }

  private limitNumber(value: unknown, path: KeyPath): number | null {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1_000_000) return value;
    this.problem(path, `must be a whole number of runs from 1 to 1000000, not ${JSON.stringify(value)}`);
    return null;
  }

  private schedules(value: unknown, path: KeyPath): Schedule[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return (this.problem(path, `must be a list of schedules, not ${kindOf(value)}`), []);
    return value.flatMap((item, i) => this.schedule(item, [...path, i]) ?? []);
  }

  private schedule(value: unknown, path: KeyPath): Schedule | null {
    if (!isObject(value)) return (this.problem(path, `must be a mapping with one of cron, interval or rrule, not ${kindOf(value)}`), null);
    const kinds = SCHEDULE_KINDS.filter(({ key }) => key in value);
    if (kinds.length !== 1) {
      const found = kinds.map(({ key }) => key).join(' and ');
      const guess = didYouMean(Object.keys(value).flatMap((key) => closest(key, ['cron', 'interval', 'rrule'])));
      this.problem(path, `a schedule needs exactly one of cron, interval or rrule${found ? `, not ${found}` : guess ? `; ${guess}` : ''}`);
      return null;
    }
    const kind = kinds[0];
    const before = this.problems.length;
    this.unknownKeys(value, path, kind.keys);
    if (this.problems.length > before) return null;
    const parsed = kind.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const key = issue.path.find((part): part is string => typeof part === 'string');
      // The schedule's own messages start with the field they are about.
      const message = key && issue.message.startsWith(`${key}: `) ? issue.message.slice(key.length + 2) : issue.message;
      this.problem(key ? [...path, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')] : path, message);
    }
    return null;
  }
}
