import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_LEVELS, type StoredLog } from '../../app/core/index.js';
import { flow, getRunContext, getRunLogger, task } from '../../app/engine/index.js';
import { attemptChoices, filterLogs, matchRanges, nextMatch, passesFilter, searchLogs } from '../../app/renderer/monitor/model/log-view.js';
import { runTimeline } from '../../app/renderer/monitor/model/timeline.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { logsOf } from '../engine/support.js';

describe('log view over a real run', () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  it("filters a retried task's lines by task run, attempt and level, and finds text in them ignoring case", async () => {
    let calls = 0;
    const flaky = task({ name: 'flaky', retries: 2, retryDelaySeconds: 0 }, () => {
      const log = getRunLogger();
      log.info(`Working on attempt ${getRunContext().taskRun!.attempt}`);
      if (++calls < 3) {
        log.warning('Upstream API said NO');
        throw new Error(`failure ${calls}`);
      }
      log.info('all good');
      return calls;
    });
    const quiet = task({ name: 'quiet' }, () => getRunLogger().info('quiet work'));
    const outcome = await flow({ name: 'logged' }, async () => {
      getRunLogger().info('flow starts');
      await quiet();
      return flaky();
    }).run();
    expect(outcome.result).toBe(3);
    const lines = await logsOf(env.store, outcome.flowRunId);
    const flakyRun = (await env.store.listTaskRuns(outcome.flowRunId)).find((r) => r.taskKey === 'flaky')!;
    const messages = (indices: number[]) => indices.map((i) => lines[i].message);

    // Each stored line says which attempt wrote it, and that agrees with the attempt bars.
    const timeline = runTimeline(await env.store.listStates(flakyRun.id));
    expect(timeline.attempts).toHaveLength(3);
    for (const line of lines.filter((l) => l.taskRunId === flakyRun.id)) {
      const bar = timeline.attempts.find((a) => a.attempt === line.attempt)!;
      expect(line.timestamp).toBeGreaterThanOrEqual(bar.start);
    }

    expect(messages(filterLogs(lines, { taskRunId: flakyRun.id, attempt: 2 }))).toEqual([
      'Working on attempt 2',
      'Upstream API said NO',
      expect.stringMatching(/^attempt 2 failed; retrying in \d+ ms: Error: failure 2\n/),
    ]);
    expect(messages(filterLogs(lines, { taskRunId: flakyRun.id, attempt: 3 }))).toEqual(['Working on attempt 3', 'all good']);
    // Each failed attempt logs its error at ERROR.
    const failedAttempt = (n: number) => expect.stringMatching(new RegExp(`^attempt ${n} failed; retrying in \\d+ ms: Error: failure ${n}\\n`));
    expect(messages(filterLogs(lines, { taskRunId: flakyRun.id, attempt: 1, minLevel: LOG_LEVELS.WARNING }))).toEqual([
      'Upstream API said NO',
      failedAttempt(1),
    ]);
    expect(messages(filterLogs(lines, { taskRunId: flakyRun.id, minLevel: LOG_LEVELS.ERROR }))).toEqual([failedAttempt(1), failedAttempt(2)]);
    // null: the flow's own lines.
    expect(messages(filterLogs(lines, { taskRunId: null }))).toContain('flow starts');
    expect(filterLogs(lines, { taskRunId: null }).every((i) => lines[i].taskRunId === null)).toBe(true);

    expect(messages(searchLogs(lines, 'upstream api said no'))).toEqual(['Upstream API said NO', 'Upstream API said NO']);
    expect(messages(searchLogs(lines, 'WORKING ON', { attempt: 1, taskRunId: flakyRun.id }))).toEqual(['Working on attempt 1']);
    expect(searchLogs(lines, 'quiet')).toEqual([lines.findIndex((l) => l.message === 'quiet work')]);

    // The attempt filter offers the attempts there were, for what the view shows.
    const flowRun = await env.store.getFlowRun(outcome.flowRunId);
    const taskRuns = await env.store.listTaskRuns(outcome.flowRunId);
    const quietRun = taskRuns.find((r) => r.taskKey === 'quiet')!;
    expect(attemptChoices(flowRun, taskRuns, lines)).toEqual([1, 2, 3]);
    expect(attemptChoices(flowRun, taskRuns, lines, flakyRun.id)).toEqual([1, 2, 3]);
    expect(attemptChoices(flowRun, taskRuns, lines, quietRun.id)).toEqual([1]);
    expect(attemptChoices(flowRun, taskRuns, lines, null)).toEqual([1]);
    // Before any run is read, the lines held say how many attempts there were.
    expect(attemptChoices(null, [], lines, flakyRun.id)).toEqual([1, 2, 3]);
  });
});

let nextId = 1;
function line(message: string, extra: Partial<StoredLog> = {}): StoredLog {
  return { id: nextId++, flowRunId: 'f', taskRunId: 't1', level: LOG_LEVELS.INFO, message, timestamp: 1_000 + nextId, attempt: 1, ...extra };
}

describe('log search and filters', () => {
  const lines = [
    line('Starting the run', { taskRunId: null }),
    line('GET https://api.example.com/users?page=1 (200)'),
    line('Retrying after error: ECONNRESET', { level: LOG_LEVELS.WARNING, attempt: 1 }),
    line('price is $5.00 [approx]', { taskRunId: 't2', attempt: 2 }),
    line('Failed: ECONNRESET again', { level: LOG_LEVELS.ERROR, taskRunId: 't2', attempt: 2 }),
    line('Straße und STRASSE', { level: LOG_LEVELS.DEBUG }),
  ];

  it('matches literally: characters that mean something in a pattern are plain text', () => {
    expect(searchLogs(lines, '$5.00 [approx]')).toEqual([3]);
    expect(searchLogs(lines, '5x00')).toEqual([]);
    expect(searchLogs(lines, 'users?page=1 (200)')).toEqual([1]);
    expect(searchLogs(lines, '.*')).toEqual([]);
    expect(searchLogs(lines, '\\')).toEqual([]);
  });

  it('ignores case, also beyond ASCII; an empty query finds nothing', () => {
    expect(searchLogs(lines, 'econnreset')).toEqual([2, 4]);
    expect(searchLogs(lines, 'STRAßE')).toEqual([5]);
    expect(searchLogs(lines, '')).toEqual([]);
  });

  it('combines the search with the filters', () => {
    expect(searchLogs(lines, 'econnreset', { minLevel: LOG_LEVELS.ERROR })).toEqual([4]);
    expect(searchLogs(lines, 'econnreset', { taskRunId: 't1' })).toEqual([2]);
    expect(searchLogs(lines, 'econnreset', { attempt: 2 })).toEqual([4]);
    expect(searchLogs(lines, 'run', { taskRunId: null })).toEqual([0]);
  });

  it('filters by level, task run and attempt; no filter lets every line through', () => {
    expect(filterLogs(lines, {})).toEqual([0, 1, 2, 3, 4, 5]);
    expect(filterLogs(lines, { minLevel: LOG_LEVELS.WARNING })).toEqual([2, 4]);
    expect(filterLogs(lines, { minLevel: LOG_LEVELS.INFO, taskRunId: 't1' })).toEqual([1, 2]);
    expect(filterLogs(lines, { attempt: 2 })).toEqual([3, 4]);
    expect(passesFilter(lines[5], { minLevel: LOG_LEVELS.DEBUG })).toBe(true);
  });

  it('gives the ranges to highlight in a line, ignoring case', () => {
    expect(matchRanges('ECONNRESET then econnreset', 'EconnReset')).toEqual([
      [0, 10],
      [16, 26],
    ]);
    expect(matchRanges('a.b axb', 'a.b')).toEqual([[0, 3]]);
    expect(matchRanges('nothing here', '')).toEqual([]);
  });

  it('steps from one match to the next and back, wrapping around', () => {
    const matches = [2, 4, 9];
    expect(nextMatch(matches, 0, 1)).toBe(2);
    expect(nextMatch(matches, 2, 1)).toBe(4);
    expect(nextMatch(matches, 9, 1)).toBe(2);
    expect(nextMatch(matches, 4, -1)).toBe(2);
    expect(nextMatch(matches, 5, -1)).toBe(4);
    expect(nextMatch(matches, 2, -1)).toBe(9);
    expect(nextMatch([], 3, 1)).toBeNull();
  });

  it('searches a million lines, finding every match', () => {
    const words = ['fetch', 'Users', 'page', 'retry', 'done', 'rows'];
    const many: StoredLog[] = Array.from({ length: 1_000_000 }, (_, i) => ({
      id: i + 1,
      flowRunId: 'f',
      taskRunId: `t${i % 100}`,
      level: (1 + (i % 5)) * 10,
      message: `${words[i % words.length]} batch ${i} of the import`,
      timestamp: i,
      attempt: 1 + (i % 3),
    }));
    many[777_777] = { ...many[777_777], message: 'The NEEDLE is here' };
    expect(searchLogs(many, 'needle')).toEqual([777_777]);
    const users = searchLogs(many, 'users batch');
    expect(users).toHaveLength(Math.ceil((1_000_000 - 1) / 6));
    expect(users.slice(0, 3)).toEqual([1, 7, 13]);
    const filtered = searchLogs(many, 'USERS', { taskRunId: 't1', attempt: 2, minLevel: LOG_LEVELS.INFO });
    expect(filtered.every((i) => i % 100 === 1 && i % 3 === 1 && i % 6 === 1)).toBe(true);
    expect(filtered.length).toBeGreaterThan(0);
  });
});
