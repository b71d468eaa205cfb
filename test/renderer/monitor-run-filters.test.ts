// The runs page's filters without a page: to and from the API query, kept in storage, and the
// relative time ranges.
import { describe, expect, it } from 'vitest';
import { FlowRunListQuerySchema } from '../../app/core/api/index.js';
import type { FlowRun } from '../../app/core/runs.js';
import {
  addTag,
  clearRunFilters,
  createdAfter,
  DEFAULT_RUN_FILTERS,
  hasActiveFilters,
  loadRunFilters,
  matchesRunFilters,
  MAX_TAGS,
  removeTag,
  RUN_FILTERS_KEY,
  runFiltersFrom,
  runFiltersKey,
  saveRunFilters,
  searchText,
  toggleDue,
  toggleStateType,
  toListQuery,
  withLinkedPool,
  type FiltersStorage,
  type RunFilters,
} from '../../app/renderer/monitor/model/run-filters.js';

const NOW = Date.UTC(2031, 2, 4, 12, 0, 0);
const HOUR = 3_600_000;

/** A Storage over a Map: what localStorage is, for code that only reads and writes strings. */
class MemoryStorage implements FiltersStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

function filters(overrides: Partial<RunFilters> = {}): RunFilters {
  return { ...DEFAULT_RUN_FILTERS, stateTypes: [], tags: [], ...overrides };
}

function run(overrides: Partial<FlowRun> = {}): FlowRun {
  return {
    id: 'r1',
    flowId: 'f',
    flowName: 'users-etl',
    name: 'brisk-otter',
    state: { type: 'COMPLETED', name: 'Completed', timestamp: NOW, attempt: 1 },
    parameters: {},
    tags: ['prod', 'nightly'],
    parentFlowRunId: null,
    parentTaskRunId: null,
    entrypoint: null,
    runCount: 1,
    retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    createdAt: NOW - 10 * 60_000,
    startTime: NOW - 10 * 60_000,
    endTime: NOW - 9 * 60_000,
    heartbeatAt: null,
    pid: null,
    hostname: null,
    result: null,
    rerunOf: null,
    codeRef: null,
    ...overrides,
  };
}

describe('the listing query', () => {
  it('asks for every run, newest first, when nothing is set', () => {
    expect(toListQuery(filters(), NOW)).toEqual({ sort: 'newest' });
  });

  it('carries every filter set, in the shape the API takes', () => {
    const query = toListQuery(
      filters({
        stateTypes: ['FAILED', 'COMPLETED'],
        flowName: 'users-etl',
        tags: ['prod', 'has,comma'],
        timeRange: 'day',
        text: '  otter ',
        sort: 'oldest',
      }),
      NOW,
      100,
    );
    expect(query).toEqual({
      sort: 'oldest',
      stateTypes: ['COMPLETED', 'FAILED'],
      flowName: 'users-etl',
      tags: ['prod', 'has,comma'],
      createdAfter: NOW - 24 * HOUR,
      q: 'otter',
      limit: 100,
    });
    // The server's own schema takes it as it is.
    expect(FlowRunListQuerySchema.safeParse(query).success).toBe(true);
  });

  it('leaves out text that is only spaces', () => {
    expect(toListQuery(filters({ text: '   ' }), NOW)).toEqual({ sort: 'newest' });
    expect(searchText(filters({ text: ' \t ' }))).toBeUndefined();
  });

  it('cuts text to the longest the API takes', () => {
    const query = toListQuery(filters({ text: 'x'.repeat(500) }), NOW);
    expect(query.q).toHaveLength(200);
    expect(FlowRunListQuerySchema.safeParse(query).success).toBe(true);
  });
});

describe('relative time ranges', () => {
  it.each([
    ['hour', HOUR],
    ['day', 24 * HOUR],
    ['week', 7 * 24 * HOUR],
  ] as const)('"%s" starts that long before the time the list is read', (timeRange, span) => {
    expect(createdAfter(filters({ timeRange }), NOW)).toBe(NOW - span);
    // Read an hour later, the same range starts an hour later.
    expect(createdAfter(filters({ timeRange }), NOW + HOUR)).toBe(NOW + HOUR - span);
  });

  it('"all" sets no start', () => {
    expect(createdAfter(filters({ timeRange: 'all' }), NOW)).toBeUndefined();
    expect(toListQuery(filters({ timeRange: 'all' }), NOW).createdAfter).toBeUndefined();
  });

  it('never starts before the epoch', () => {
    expect(createdAfter(filters({ timeRange: 'week' }), 1000)).toBe(0);
  });
});

describe('saved filters', () => {
  it('come back as they were saved, the time range by name rather than as a time', () => {
    const storage = new MemoryStorage();
    const saved = filters({ stateTypes: ['RUNNING', 'FAILED'], flowName: 'etl', tags: ['prod'], timeRange: 'hour', text: 'otter', sort: 'oldest' });
    saveRunFilters(storage, saved);
    expect(JSON.parse(storage.getItem(RUN_FILTERS_KEY)!).timeRange).toBe('hour');
    expect(loadRunFilters(storage)).toEqual(saved);
  });

  it('are the defaults when nothing was saved or there is no storage', () => {
    expect(loadRunFilters(new MemoryStorage())).toEqual(DEFAULT_RUN_FILTERS);
    expect(loadRunFilters(undefined)).toEqual(DEFAULT_RUN_FILTERS);
  });

  it.each([
    ['text that is not JSON', '{"stateTypes": ['],
    ['JSON null', 'null'],
    ['an array', '[1,2,3]'],
    ['a number', '42'],
    ['a string', '"newest"'],
    ['an empty object', '{}'],
  ])('fall back to the defaults from %s without throwing', (_name, text) => {
    const storage = new MemoryStorage();
    storage.setItem(RUN_FILTERS_KEY, text);
    expect(loadRunFilters(storage)).toEqual(DEFAULT_RUN_FILTERS);
  });

  it('keep each field that is right and drop each that is wrong', () => {
    const storage = new MemoryStorage();
    storage.setItem(
      RUN_FILTERS_KEY,
      JSON.stringify({
        stateTypes: ['FAILED', 'DONE', 7, 'FAILED', 'RUNNING'],
        flowName: 12,
        tags: ['prod', ' prod ', '', null, 'x'],
        timeRange: 'fortnight',
        text: 'otter',
        sort: 'name',
        extra: true,
      }),
    );
    expect(loadRunFilters(storage)).toEqual(filters({ stateTypes: ['RUNNING', 'FAILED'], tags: ['prod', 'x'], text: 'otter' }));
  });

  it('survive a storage that refuses to be read or written', () => {
    const refusing = {
      getItem(): string | null {
        throw new Error('SecurityError: access denied');
      },
      setItem(): void {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadRunFilters(refusing)).toEqual(DEFAULT_RUN_FILTERS);
    expect(() => saveRunFilters(refusing, filters({ text: 'x' }))).not.toThrow();
  });

  it('can be anything and still make filters the API takes', () => {
    for (const value of [undefined, true, 'x', { stateTypes: 'FAILED' }, { tags: 'prod' }, { text: 5 }, { timeRange: null }, { sort: ['oldest'] }]) {
      const made = runFiltersFrom(value);
      expect(FlowRunListQuerySchema.safeParse(toListQuery(made, NOW)).success).toBe(true);
    }
  });
});

describe('changing filters', () => {
  it('toggles state types, keeping the order of the state table', () => {
    let f = toggleStateType(filters(), 'FAILED');
    f = toggleStateType(f, 'PENDING');
    expect(f.stateTypes).toEqual(['PENDING', 'FAILED']);
    expect(toggleStateType(f, 'FAILED').stateTypes).toEqual(['PENDING']);
  });

  it('adds tags once each, trimmed, up to the most the API takes', () => {
    let f = addTag(filters(), '  prod ');
    expect(f.tags).toEqual(['prod']);
    expect(addTag(f, 'prod')).toBe(f);
    expect(addTag(f, '   ')).toBe(f);
    for (let i = 0; i < 30; i++) f = addTag(f, `t${i}`);
    expect(f.tags).toHaveLength(MAX_TAGS);
    expect(removeTag(f, 'prod').tags).not.toContain('prod');
  });

  it('tells whether anything narrows the list, the order aside', () => {
    expect(hasActiveFilters(filters())).toBe(false);
    expect(hasActiveFilters(filters({ sort: 'oldest' }))).toBe(false);
    expect(hasActiveFilters(filters({ text: '  ' }))).toBe(false);
    expect(hasActiveFilters(filters({ text: 'a' }))).toBe(true);
    expect(hasActiveFilters(filters({ timeRange: 'week' }))).toBe(true);
    expect(hasActiveFilters(filters({ flowName: 'etl' }))).toBe(true);
  });

  it('clears every filter but keeps the order', () => {
    const f = filters({ stateTypes: ['FAILED'], flowName: 'etl', tags: ['a'], timeRange: 'hour', text: 'x', sort: 'oldest' });
    expect(clearRunFilters(f)).toEqual(filters({ sort: 'oldest' }));
  });

  it('keys filter sets by what they list', () => {
    expect(runFiltersKey(filters({ text: ' otter ' }))).toBe(runFiltersKey(filters({ text: 'otter' })));
    expect(runFiltersKey(filters({ timeRange: 'hour' }))).not.toBe(runFiltersKey(filters({ timeRange: 'day' })));
    expect(runFiltersKey(filters({ sort: 'oldest' }))).not.toBe(runFiltersKey(filters()));
    expect(runFiltersKey(filters({ stateTypes: ['FAILED', 'RUNNING'] }))).toBe(runFiltersKey(filters({ stateTypes: ['RUNNING', 'FAILED'] })));
  });
});

describe('whether a run matches', () => {
  const cases: [string, Partial<RunFilters>, boolean][] = [
    ['no filters', {}, true],
    ['its state', { stateTypes: ['COMPLETED', 'FAILED'] }, true],
    ['another state', { stateTypes: ['RUNNING'] }, false],
    ['its flow', { flowName: 'users-etl' }, true],
    ['another flow', { flowName: 'billing' }, false],
    ['tags it carries', { tags: ['nightly', 'prod'] }, true],
    ['a tag it lacks', { tags: ['prod', 'dev'] }, false],
    ['a range it was created in', { timeRange: 'hour' }, true],
    ['part of its name in other case', { text: 'OTT' }, true],
    ['part of its flow name', { text: 'etl' }, true],
    ['text it does not hold', { text: 'heron' }, false],
  ];
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(matchesRunFilters(run(), filters(overrides), NOW)).toBe(expected);
  });

  it('folds the case of ASCII letters only, as the server does', () => {
    expect(matchesRunFilters(run({ name: 'ÉTÉ-run' }), filters({ text: 'été' }), NOW)).toBe(false);
    expect(matchesRunFilters(run({ name: 'ÉTÉ-RUN' }), filters({ text: 'ÉTÉ-run' }), NOW)).toBe(true);
  });

  it('leaves out runs created before the range', () => {
    expect(matchesRunFilters(run({ createdAt: NOW - 2 * HOUR }), filters({ timeRange: 'hour' }), NOW)).toBe(false);
  });
});

describe('the Upcoming and Late quick filters', () => {
  const scheduled = run({ state: { type: 'SCHEDULED', name: 'Scheduled', timestamp: NOW, attempt: 0 }, startTime: null, endTime: null });
  const late = run({ state: { type: 'SCHEDULED', name: 'Late', timestamp: NOW, attempt: 0 }, startTime: null, endTime: null });

  it('lists runs by the name of their state, which the API checks', () => {
    const upcoming = toListQuery(filters({ due: 'upcoming' }), NOW);
    expect(upcoming).toEqual({ sort: 'newest', stateNames: ['Scheduled'] });
    expect(toListQuery(filters({ due: 'late' }), NOW).stateNames).toEqual(['Late']);
    expect(FlowRunListQuerySchema.safeParse(upcoming).success).toBe(true);
  });

  it('tells a Late run from a Scheduled one, though both are of state type SCHEDULED', () => {
    expect(matchesRunFilters(late, filters({ due: 'late' }), NOW)).toBe(true);
    expect(matchesRunFilters(scheduled, filters({ due: 'late' }), NOW)).toBe(false);
    expect(matchesRunFilters(scheduled, filters({ due: 'upcoming' }), NOW)).toBe(true);
    expect(matchesRunFilters(run(), filters({ due: 'upcoming' }), NOW)).toBe(false);
    // With state types chosen too, a run of either is listed, as the server lists them.
    expect(matchesRunFilters(run(), filters({ due: 'late', stateTypes: ['COMPLETED'] }), NOW)).toBe(true);
    expect(matchesRunFilters(late, filters({ due: 'late', stateTypes: ['COMPLETED'] }), NOW)).toBe(true);
    expect(matchesRunFilters(scheduled, filters({ due: 'late', stateTypes: ['COMPLETED'] }), NOW)).toBe(false);
  });

  it('turns one on, switches to the other, and off again; counts as a filter that Clear takes off', () => {
    const on = toggleDue(filters(), 'late');
    expect(on.due).toBe('late');
    expect(toggleDue(on, 'upcoming').due).toBe('upcoming');
    expect(toggleDue(on, 'late').due).toBeNull();
    expect(hasActiveFilters(on)).toBe(true);
    expect(clearRunFilters(on).due).toBeNull();
    expect(runFiltersKey(on)).not.toBe(runFiltersKey(filters()));
  });

  it('is kept in storage, and a saved value that is not one of them is dropped', () => {
    const storage = new MemoryStorage();
    saveRunFilters(storage, filters({ due: 'upcoming' }));
    expect(loadRunFilters(storage).due).toBe('upcoming');
    expect(runFiltersFrom({ due: 'soon' }).due).toBeNull();
    expect(runFiltersFrom({}).due).toBeNull();
  });
});

describe('the work pool filter', () => {
  const inPool = run({ workPool: 'gpu', workQueue: 'default', deploymentId: 'd1' });

  it("lists a pool's runs with the other filters, in the shape the API takes", () => {
    const query = toListQuery(filters({ pool: 'gpu', due: 'late', flowName: 'users-etl' }), NOW);
    expect(query).toEqual({ sort: 'newest', workPool: 'gpu', flowName: 'users-etl', stateNames: ['Late'] });
    expect(FlowRunListQuerySchema.safeParse(query).success).toBe(true);
  });

  it("matches the pool's runs only", () => {
    expect(matchesRunFilters(inPool, filters({ pool: 'gpu' }), NOW)).toBe(true);
    expect(matchesRunFilters(run({ workPool: 'cpu' }), filters({ pool: 'gpu' }), NOW)).toBe(false);
    expect(matchesRunFilters(run(), filters({ pool: 'gpu' }), NOW)).toBe(false);
    expect(matchesRunFilters(run(), filters({ pool: null }), NOW)).toBe(true);
  });

  it('counts as a filter that Clear takes off, keyed by the pool', () => {
    const on = filters({ pool: 'gpu' });
    expect(hasActiveFilters(on)).toBe(true);
    expect(clearRunFilters(on).pool).toBeNull();
    expect(runFiltersKey(on)).not.toBe(runFiltersKey(filters({ pool: 'cpu' })));
  });

  it('is kept in storage, and a saved name the API would refuse is dropped', () => {
    const storage = new MemoryStorage();
    saveRunFilters(storage, filters({ pool: 'gpu' }));
    expect(loadRunFilters(storage).pool).toBe('gpu');
    for (const pool of ['', ' gpu', 'a/b', 'p'.repeat(129), 7, null]) expect(runFiltersFrom({ pool }).pool).toBeNull();
  });

  it("opens a link to a pool's runs with that pool alone, or as saved when they already list it", () => {
    const saved = filters({ flowName: 'users-etl', stateTypes: ['FAILED'], sort: 'oldest' });
    expect(withLinkedPool(saved, 'gpu')).toEqual(filters({ pool: 'gpu', sort: 'oldest' }));
    const samePool = { ...saved, pool: 'gpu' };
    expect(withLinkedPool(samePool, 'gpu')).toBe(samePool);
  });
});
