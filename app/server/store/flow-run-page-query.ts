import type Database from 'better-sqlite3';
import type { FlowRunSort } from '../../core/api/index.js';
import type { StateType } from '../../core/index.js';
import { stateTypeOfName } from '../../core/state-model.js';

/** A query fragment and the values its placeholders take, in order. */
interface Sql {
  text: string;
  params: unknown[];
}

/** Where a page of flow runs ends: the last run's (createdAt, id), which never change. */
export interface FlowRunCursor {
  createdAt: number;
  id: string;
}

/** Filters of a flow-run page; every one given must hold. */
export interface FlowRunPageFilter {
  flowName?: string;
  /** Runs in any of these state types. */
  stateTypes?: readonly StateType[];
  /** Runs whose state has any of these names (Late, Scheduled, ...); with `stateTypes`, a run matching either. */
  stateNames?: readonly string[];
  /** Runs of this deployment. */
  deploymentId?: string;
  /** Runs of deployments in this work pool. */
  workPool?: string;
  /** Runs of this queue (of `workPool`). */
  workQueue?: string;
  /** Runs carrying every one of these tags. */
  tags?: readonly string[];
  /** Created at or after (ms since the epoch). */
  createdAfter?: number;
  /** Created at or before (ms since the epoch). */
  createdBefore?: number;
  parentFlowRunId?: string;
  /** Runs whose name or flow name contains this text, ignoring the case of ASCII letters. */
  text?: string;
  /** Newest first unless told otherwise. */
  sort?: FlowRunSort;
  /** Continue after this run. */
  after?: FlowRunCursor;
  limit: number;
}

/**
 * Up to how many runs holding a searched text a page is picked from those runs rather than by
 * walking runs in order. Picking costs about 2 µs a run (each is looked up and ranked); walking
 * about 0.4 µs a run passed over, and past this many matches among a million runs a walk that
 * meets them evenly passes some 5,000 rows for a page of 50. So either way a page stays near
 * 20 ms at worst, unless the matches are many and all far back in the order: then the walk passes
 * every newer run.
 */
const FEW_MATCHES = 10_000;

/**
 * The runs a searched text can be in, when they are few: those whose names hold every trigram of
 * the text (the flow_run_search index), and every run of the flows whose names contain it.
 */
interface TextCandidates {
  match: string;
  flowNames: readonly string[];
}

/** A run row with its current state's columns, named st_*, from the states row it points at. */
export const STATE_COLUMNS = `s.type AS st_type, s.name AS st_name, s.timestamp AS st_timestamp, s.attempt AS st_attempt,
  s.message AS st_message, s.error AS st_error, s.scheduled_time AS st_scheduled_time,
  s.transition_id AS st_transition_id, s.cache_key AS st_cache_key, s.result_ref AS st_result_ref`;

/**
 * A run's columns as listings carry them: all but `parameters`, which can run to megabytes and
 * is read with the run itself.
 */
const SUMMARY_COLUMNS = `r.id, r.flow_id, r.flow_name, r.name, r.state_type, r.state_name, r.state_id, r.tags,
  r.parent_flow_run_id, r.parent_task_run_id, r.entrypoint, r.run_count, r.retry_policy, r.created_at, r.start_time,
  r.end_time, r.heartbeat_at, r.pid, r.hostname, r.result, r.last_transition_id, r.rerun_of, r.rerun_from, r.code_ref,
  r.deployment_id, r.deployment_name, r.work_pool, r.work_queue, r.worker_name, r.expected_start_time, r.auto_scheduled`;

/** A LIKE pattern for "contains", with LIKE's wildcards escaped (ESCAPE '\'). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * An FTS5 query that every name containing the text matches: all of the text's trigrams. Null
 * for text of fewer than three characters, which has none, or with a NUL in it. The trigram
 * index folds case as LIKE does for ASCII letters and beyond, so it finds a superset of what
 * LIKE then checks exactly.
 */
export function trigramMatch(text: string): string | null {
  const chars = Array.from(text);
  // FTS5 reads its query as a C string: a NUL would end it early.
  if (chars.length < 3 || text.includes('\u0000')) return null;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(''));
  return [...grams].map((gram) => `"${gram.replace(/"/g, '""')}"`).join(' AND ');
}

/**
 * The SQL of a flow-run page of at most `take` rows (exported so tests can check its plan).
 *
 * Without `candidates`, one walk down an index in creation order from the cursor on, stopping
 * after `take` matches; for several state types, or names of states of several types, without
 * tags, one walk per type, merged. With tags, the first tag's rows drive it (CROSS JOIN keeps
 * SQLite from reordering) and the others are checked per run; without, SQLite picks the flow_runs index that matches the equality filters.
 * A searched text is checked on each run the walk passes, which is quick when many runs hold it.
 *
 * With `candidates` (a text few runs hold), the page is the first `take` of those runs that pass
 * every filter: ranked by their keys alone, and only the page's rows read whole.
 */
export function flowRunPageQuery(filter: FlowRunPageFilter, take: number, candidates: TextCandidates | null = null): Sql {
  const sort = filter.sort ?? 'newest';
  const tags = [...new Set(filter.tags ?? [])];
  const stateTypes = [...new Set(filter.stateTypes ?? [])];
  if (candidates) return candidateQuery(filter, sort, stateTypes, take, candidates);
  if (tags.length > 0) return walk(filter, sort, tags, stateTypes, take);
  const stateNames = filter.stateNames ?? [];
  // Names of states of several types (a pool's waiting runs: Scheduled, Late, Pending): one walk per type, each with its names.
  const nameGroups = stateTypes.length === 0 ? namesByType(stateNames) : null;
  if (nameGroups && nameGroups.length > 1) {
    const branches = nameGroups.map((names) => walk({ ...filter, stateNames: names }, sort, [], [], take));
    return merged(branches, sort, take);
  }
  // A state name matches across types: one walk checks both.
  if (stateTypes.length <= 1 || stateNames.length > 0) return walk(filter, sort, tags, stateTypes, take);
  const branches = stateTypes.map((type) => walk(filter, sort, [], [type], take));
  return merged(branches, sort, take);
}

/** State names grouped by their type; null when one is not a known state's name. */
function namesByType(stateNames: readonly string[]): string[][] | null {
  const groups = new Map<StateType, string[]>();
  for (const name of new Set(stateNames)) {
    const type = stateTypeOfName(name);
    if (type === undefined) return null;
    groups.set(type, [...(groups.get(type) ?? []), name]);
  }
  return [...groups.values()];
}

/** The first `take` runs of several walks, in the walks' order. */
function merged(branches: readonly Sql[], sort: FlowRunSort, take: number): Sql {
  return {
    text: `SELECT * FROM (${branches.map((b) => `SELECT * FROM (${b.text})`).join(' UNION ALL ')})
           ORDER BY ${orderBy(sort, { createdAt: 'created_at', id: 'id' })} LIMIT ?`,
    params: [...branches.flatMap((b) => b.params), take],
  };
}

interface Key {
  createdAt: string;
  id: string;
}

const RUN_KEY: Key = { createdAt: 'r.created_at', id: 'r.id' };
const TAG_KEY: Key = { createdAt: 'k.created_at', id: 'k.flow_run_id' };

function orderBy(sort: FlowRunSort, key: Key): string {
  const direction = sort === 'oldest' ? 'ASC' : 'DESC';
  return `${key.createdAt} ${direction}, ${key.id} ${direction}`;
}

function walk(filter: FlowRunPageFilter, sort: FlowRunSort, tags: readonly string[], stateTypes: readonly StateType[], take: number): Sql {
  const key = tags.length > 0 ? TAG_KEY : RUN_KEY;
  let from = `flow_runs r JOIN states s ON s.id = r.state_id`;
  const where = conditions(filter, sort, stateTypes, key, tags.length > 0 ? 1 : 0);
  if (tags.length > 0) {
    from = `flow_run_tags k CROSS JOIN flow_runs r ON r.id = k.flow_run_id JOIN states s ON s.id = r.state_id`;
    where.text.unshift('k.tag = ?');
    where.params.unshift(tags[0]);
  }
  return {
    text: `SELECT ${SUMMARY_COLUMNS}, ${STATE_COLUMNS} FROM ${from} ${whereClause(where)} ORDER BY ${orderBy(sort, key)} LIMIT ?`,
    params: [...where.params, take],
  };
}

function candidateQuery(
  filter: FlowRunPageFilter,
  sort: FlowRunSort,
  stateTypes: readonly StateType[],
  take: number,
  candidates: TextCandidates,
): Sql {
  const gather = ['SELECT rowid FROM flow_run_search WHERE flow_run_search MATCH ?'];
  const params: unknown[] = [candidates.match];
  if (candidates.flowNames.length > 0) {
    gather.push(`SELECT rowid FROM flow_runs WHERE flow_name IN (${candidates.flowNames.map(() => '?').join(', ')})`);
    params.push(...candidates.flowNames);
  }
  const where = conditions(filter, sort, stateTypes, RUN_KEY, 0);
  return {
    text: `WITH candidates(rid) AS (${gather.join(' UNION ')}),
           page(rid) AS (SELECT r.rowid FROM candidates c CROSS JOIN flow_runs r ON r.rowid = c.rid
                         ${whereClause(where)} ORDER BY ${orderBy(sort, RUN_KEY)} LIMIT ?)
           SELECT ${SUMMARY_COLUMNS}, ${STATE_COLUMNS} FROM page p CROSS JOIN flow_runs r ON r.rowid = p.rid JOIN states s ON s.id = r.state_id
           ORDER BY ${orderBy(sort, RUN_KEY)}`,
    params: [...params, ...where.params, take],
  };
}

interface Conditions {
  text: string[];
  params: unknown[];
}

/**
 * Every filter as a condition on the run `r`: tags from the `tagsDriving`-th on as EXISTS checks
 * (the ones before drive the walk), and times and the cursor against `key`, the driving index's
 * copy of them.
 */
function conditions(filter: FlowRunPageFilter, sort: FlowRunSort, stateTypes: readonly StateType[], key: Key, tagsDriving: number): Conditions {
  const where: Conditions = { text: [], params: [] };
  const add = (text: string, ...params: unknown[]) => {
    where.text.push(text);
    where.params.push(...params);
  };
  for (const tag of [...new Set(filter.tags ?? [])].slice(tagsDriving)) {
    add('EXISTS (SELECT 1 FROM flow_run_tags t WHERE t.flow_run_id = r.id AND t.tag = ?)', tag);
  }
  if (filter.flowName !== undefined) add('r.flow_name = ?', filter.flowName);
  if (filter.deploymentId !== undefined) add('r.deployment_id = ?', filter.deploymentId);
  if (filter.workPool !== undefined) add('r.work_pool = ?', filter.workPool);
  if (filter.workQueue !== undefined) add('r.work_queue = ?', filter.workQueue);
  const stateNames = [...new Set(filter.stateNames ?? [])];
  const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');
  if (stateNames.length > 0 && stateTypes.length > 0) {
    add(`(r.state_type IN (${placeholders(stateTypes)}) OR r.state_name IN (${placeholders(stateNames)}))`, ...stateTypes, ...stateNames);
  } else if (stateNames.length > 0) {
    // Names of known states narrow the walk to their types' index too (Late: Scheduled runs only).
    const types = [...new Set(stateNames.map(stateTypeOfName))];
    if (types.length === 1 && types[0] !== undefined) add('r.state_type = ?', types[0]);
    add(`r.state_name IN (${placeholders(stateNames)})`, ...stateNames);
  } else if (stateTypes.length === 1) add('r.state_type = ?', stateTypes[0]);
  else if (stateTypes.length > 1) add(`r.state_type IN (${placeholders(stateTypes)})`, ...stateTypes);
  if (filter.parentFlowRunId !== undefined) add('r.parent_flow_run_id = ?', filter.parentFlowRunId);
  if (filter.createdAfter !== undefined) add(`${key.createdAt} >= ?`, filter.createdAfter);
  if (filter.createdBefore !== undefined) add(`${key.createdAt} <= ?`, filter.createdBefore);
  if (filter.text !== undefined) {
    const pattern = containsPattern(filter.text);
    add(`(r.name LIKE ? ESCAPE '\\' OR r.flow_name LIKE ? ESCAPE '\\')`, pattern, pattern);
  }
  if (filter.after) add(`(${key.createdAt}, ${key.id}) ${sort === 'oldest' ? '>' : '<'} (?, ?)`, filter.after.createdAt, filter.after.id);
  return where;
}

function whereClause(where: Conditions): string {
  return where.text.length > 0 ? `WHERE ${where.text.join(' AND ')}` : '';
}

/**
 * Whether a searched text is held by few enough runs to pick the page from them (see
 * FEW_MATCHES), counted up to that many: by the trigram index for run names, and by the flows
 * whose names contain the text for flow names. Null when the runs are many, or the text too short
 * for trigrams: then the page walks runs in order, checking the text on each.
 */
export function textCandidates(db: Database.Database, text: string): TextCandidates | null {
  const match = trigramMatch(text);
  if (match === null) return null;
  let count = countUpTo(db, 'SELECT 1 FROM flow_run_search WHERE flow_run_search MATCH ?', [match]);
  if (count > FEW_MATCHES) return null;
  const flowNames = db
    .prepare<[string], { name: string }>(`SELECT name FROM flows WHERE name LIKE ? ESCAPE '\\'`)
    .all(containsPattern(text))
    .map((row) => row.name);
  if (flowNames.length > 0) {
    count += countUpTo(db, `SELECT 1 FROM flow_runs WHERE flow_name IN (${flowNames.map(() => '?').join(', ')})`, flowNames);
  }
  return count <= FEW_MATCHES ? { match, flowNames } : null;
}

function countUpTo(db: Database.Database, rows: string, params: unknown[]): number {
  return db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM (${rows} LIMIT ?)`).get(...params, FEW_MATCHES + 1)!.n;
}
