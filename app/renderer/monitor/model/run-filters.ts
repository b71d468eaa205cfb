import { FLOW_RUN_SORTS, FLOW_RUN_TEXT_MAX, type FlowRunListQuery, type FlowRunSort } from '../../../core/api/flow-runs.js';
import { resourceNameProblem } from '../../../core/api/work-pool-rules.js';
import type { FlowRunSummary } from '../../../core/runs.js';
import { STATE_TYPES, type StateType } from '../../../core/states.js';

/** Time ranges relative to now: kept as a name, so a reload tomorrow still means "the last hour". */
export const TIME_RANGES = [
  { id: 'hour', label: 'Last hour', ms: 3_600_000 },
  { id: 'day', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: 'week', label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
  { id: 'all', label: 'All time', ms: null },
] as const;
export type TimeRange = (typeof TIME_RANGES)[number]['id'];

export const SORT_LABELS: Record<FlowRunSort, string> = { newest: 'Newest first', oldest: 'Oldest first' };

/**
 * Quick filters for deployment runs that have not started: those still ahead (state Scheduled)
 * and those past their time (state Late), by the name of their state.
 */
export const DUE_FILTERS = [
  { id: 'upcoming', label: 'Upcoming', stateName: 'Scheduled' },
  { id: 'late', label: 'Late', stateName: 'Late' },
] as const;
export type DueFilter = (typeof DUE_FILTERS)[number]['id'];

/** What the runs page shows: the runs matching every filter set, in the chosen order. */
export interface RunFilters {
  /** Runs in any of these state types; none means every state. Kept in STATE_TYPES order. */
  stateTypes: StateType[];
  /** Runs of this flow; null means every flow. */
  flowName: string | null;
  /** Runs of deployments in this work pool; null means every run. */
  pool: string | null;
  /** Runs carrying every one of these tags. */
  tags: string[];
  timeRange: TimeRange;
  /** Runs whose name or flow name contains this, as typed (spaces around it are ignored). */
  text: string;
  sort: FlowRunSort;
  /** Only runs waiting to start: upcoming or late; null for every run. */
  due: DueFilter | null;
}

export const DEFAULT_RUN_FILTERS: Readonly<RunFilters> = Object.freeze({
  stateTypes: [],
  flowName: null,
  pool: null,
  tags: [],
  timeRange: 'all',
  text: '',
  sort: 'newest',
  due: null,
});

/** The most tags the API takes in one listing. */
export const MAX_TAGS = 20;

/** Where the page keeps its filters between visits. */
export const RUN_FILTERS_KEY = 'flowdeck.runs.filters';

/** The part of the browser's Storage (localStorage) the filters use. */
export interface FiltersStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function defaults(): RunFilters {
  return { ...DEFAULT_RUN_FILTERS, stateTypes: [], tags: [] };
}

/** Keeps state types known and unique, in the order the state table lists them. */
function orderedStates(types: readonly unknown[]): StateType[] {
  return STATE_TYPES.filter((type) => types.includes(type));
}

/** Tags without surrounding spaces, empty ones dropped, each once, at most MAX_TAGS. */
function cleanTags(tags: readonly unknown[]): string[] {
  const kept: string[] = [];
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    const clean = tag.trim();
    if (clean !== '' && !kept.includes(clean)) kept.push(clean);
  }
  return kept.slice(0, MAX_TAGS);
}

function isTimeRange(value: unknown): value is TimeRange {
  return TIME_RANGES.some((range) => range.id === value);
}

function isDue(value: unknown): value is DueFilter {
  return DUE_FILTERS.some((due) => due.id === value);
}

/** The state name a quick filter lists, or undefined for none. */
export function dueStateName(filters: Pick<RunFilters, 'due'>): string | undefined {
  return DUE_FILTERS.find((due) => due.id === filters.due)?.stateName;
}

/** Whether a value is a work pool's name as the API takes it. */
export function isPoolName(value: unknown): value is string {
  return typeof value === 'string' && resourceNameProblem(value) === null;
}

function isSort(value: unknown): value is FlowRunSort {
  return (FLOW_RUN_SORTS as readonly unknown[]).includes(value);
}

/**
 * Filters from anything: each field that is what it should be is kept, any other falls back to
 * its default. Never throws, so a saved value from an older version or a hand edit cannot break
 * the page.
 */
export function runFiltersFrom(value: unknown): RunFilters {
  const filters = defaults();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return filters;
  const saved = value as Record<string, unknown>;
  if (Array.isArray(saved.stateTypes)) filters.stateTypes = orderedStates(saved.stateTypes);
  if (typeof saved.flowName === 'string' && saved.flowName !== '') filters.flowName = saved.flowName;
  if (isPoolName(saved.pool)) filters.pool = saved.pool;
  if (Array.isArray(saved.tags)) filters.tags = cleanTags(saved.tags);
  if (isTimeRange(saved.timeRange)) filters.timeRange = saved.timeRange;
  if (typeof saved.text === 'string') filters.text = saved.text.slice(0, FLOW_RUN_TEXT_MAX);
  if (isSort(saved.sort)) filters.sort = saved.sort;
  if (isDue(saved.due)) filters.due = saved.due;
  return filters;
}

/** The saved filters, or the defaults when there are none or they cannot be read. */
export function loadRunFilters(storage: Pick<FiltersStorage, 'getItem'> | undefined): RunFilters {
  try {
    const text = storage?.getItem(RUN_FILTERS_KEY);
    return text ? runFiltersFrom(JSON.parse(text)) : defaults();
  } catch {
    return defaults();
  }
}

/** Saves the filters; a full or forbidden storage only means they are not kept. */
export function saveRunFilters(storage: Pick<FiltersStorage, 'setItem'> | undefined, filters: RunFilters): void {
  try {
    storage?.setItem(RUN_FILTERS_KEY, JSON.stringify(filters));
  } catch {
    // Nothing to do: the page works the same, it just forgets on reload.
  }
}

/** The text as the API takes it: without surrounding spaces, or none at all. */
export function searchText(filters: RunFilters): string | undefined {
  const text = filters.text.trim().slice(0, FLOW_RUN_TEXT_MAX).trim();
  return text === '' || text.includes('\u0000') ? undefined : text;
}

/** When the time range starts, for a page read at `now`; undefined for all time. */
export function createdAfter(filters: RunFilters, now: number): number | undefined {
  const range = TIME_RANGES.find((r) => r.id === filters.timeRange);
  return range?.ms == null ? undefined : Math.max(0, now - range.ms);
}

/**
 * The listing query for the filters, read at `now`. Every page of one listing must use the same
 * query (the cursor says where to go on, not what to list), so take it once and reuse it.
 */
export function toListQuery(filters: RunFilters, now: number, limit?: number): FlowRunListQuery {
  const query: FlowRunListQuery = { sort: filters.sort };
  if (filters.stateTypes.length > 0) query.stateTypes = orderedStates(filters.stateTypes);
  if (filters.flowName) query.flowName = filters.flowName;
  if (filters.pool !== null) query.workPool = filters.pool;
  const tags = cleanTags(filters.tags);
  if (tags.length > 0) query.tags = tags;
  const after = createdAfter(filters, now);
  if (after !== undefined) query.createdAfter = after;
  const text = searchText(filters);
  if (text !== undefined) query.q = text;
  const stateName = dueStateName(filters);
  if (stateName !== undefined) query.stateNames = [stateName];
  if (limit !== undefined) query.limit = limit;
  return query;
}

/** Whether anything narrows the list (the order does not). */
export function hasActiveFilters(filters: RunFilters): boolean {
  return (
    filters.stateTypes.length > 0 ||
    filters.flowName !== null ||
    filters.pool !== null ||
    cleanTags(filters.tags).length > 0 ||
    filters.timeRange !== 'all' ||
    searchText(filters) !== undefined ||
    filters.due !== null
  );
}

/**
 * The filters a link to the runs of one pool opens: those saved when they already list that
 * pool's runs (a reload), else that pool's runs alone, in the chosen order.
 */
export function withLinkedPool(filters: RunFilters, pool: string): RunFilters {
  return filters.pool === pool ? filters : { ...clearRunFilters(filters), pool };
}

/** Every filter cleared; the order stays as chosen. */
export function clearRunFilters(filters: RunFilters): RunFilters {
  return { ...defaults(), sort: filters.sort };
}

/** Turns a quick filter on, or off when it is the one on. */
export function toggleDue(filters: RunFilters, due: DueFilter): RunFilters {
  return { ...filters, due: filters.due === due ? null : due };
}

export function toggleStateType(filters: RunFilters, type: StateType): RunFilters {
  const on = filters.stateTypes.includes(type);
  return { ...filters, stateTypes: orderedStates(on ? filters.stateTypes.filter((t) => t !== type) : [...filters.stateTypes, type]) };
}

/** Adds a tag (spaces around it dropped); the same filters when it is empty, already there, or one too many. */
export function addTag(filters: RunFilters, tag: string): RunFilters {
  const tags = cleanTags([...filters.tags, tag]);
  return tags.length === filters.tags.length ? filters : { ...filters, tags };
}

export function removeTag(filters: RunFilters, tag: string): RunFilters {
  return { ...filters, tags: filters.tags.filter((t) => t !== tag) };
}

/** A key equal for filter sets that list the same runs in the same order, and only for those. */
export function runFiltersKey(filters: RunFilters): string {
  return JSON.stringify([
    orderedStates(filters.stateTypes),
    filters.flowName,
    filters.pool,
    cleanTags(filters.tags),
    filters.timeRange,
    searchText(filters) ?? null,
    filters.sort,
    filters.due,
  ]);
}

/** "Contains" ignoring the case of ASCII letters only, as the server compares. */
function containsText(haystack: string, needle: string): boolean {
  const fold = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return fold(haystack).includes(fold(needle));
}

/**
 * Whether a run matches the filters as the server would decide, read at `now`: for telling which
 * rows on screen no longer match after they changed state.
 */
export function matchesRunFilters(run: FlowRunSummary, filters: RunFilters, now: number): boolean {
  // As the server reads them: a run in one of the chosen state types or of the quick filter's state name.
  const stateName = dueStateName(filters);
  const typeChosen = filters.stateTypes.length > 0;
  if ((typeChosen || stateName !== undefined) && !((typeChosen && filters.stateTypes.includes(run.state.type)) || run.state.name === stateName)) {
    return false;
  }
  if (filters.flowName !== null && run.flowName !== filters.flowName) return false;
  if (filters.pool !== null && run.workPool !== filters.pool) return false;
  if (!cleanTags(filters.tags).every((tag) => run.tags.includes(tag))) return false;
  const after = createdAfter(filters, now);
  if (after !== undefined && run.createdAt < after) return false;
  const text = searchText(filters);
  if (text !== undefined && !containsText(run.name, text) && !containsText(run.flowName, text)) return false;
  return true;
}
