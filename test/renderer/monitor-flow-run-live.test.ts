// Following a flow run for its page: a real server on loopback, real flow processes, the real
// event stream over the `ws` package.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openEventStream } from '../../app/core/api/index.js';
import { followFlowRun, type FlowRunView } from '../../app/renderer/shared/flow-run-live.js';
import { formatDuration, shownValue } from '../../app/renderer/shared/format.js';
import { runTimeline } from '../../app/renderer/monitor/model/timeline.js';
import { parseRoute, routeHash } from '../../app/renderer/app/routes.js';
import { useWorkspaceApiServer } from '../helpers/workspace-api-server.js';

const env = useWorkspaceApiServer();

/** Follows a run until `done` holds for what the page would show. */
function follow(flowRunId: string, done: (view: FlowRunView) => boolean): Promise<{ view: FlowRunView; seen: FlowRunView[] }> {
  const seen: FlowRunView[] = [];
  return new Promise((resolve) => {
    const follower = followFlowRun({
      client: env.client,
      flowRunId,
      openStream: (options) => openEventStream({ ...options, baseUrl: env.api, WebSocket }),
      onChange: (view) => {
        seen.push(view);
        if (done(view)) {
          follower.close();
          resolve({ view, seen });
        }
      },
    });
  });
}

describe('following a flow run for its page', () => {
  it('gathers task runs, every attempt of each, logs and the final state as the run goes', async () => {
    writeFileSync(
      join(env.workspace, 'flaky.ts'),
      [
        "import { flow, getRunLogger, task } from 'flowdeck';",
        'let calls = 0;',
        "const shaky = task({ name: 'shaky', retries: 2, retryDelaySeconds: 0.2 }, async () => {",
        '  calls++;',
        '  getRunLogger().info(`try ${calls}`);',
        '  if (calls < 3) throw new Error(`no ${calls}`);',
        '  return calls;',
        '});',
        "const square = task({ name: 'square' }, async (n: number) => n * n);",
        "export default flow({ name: 'flaky' }, async () => {",
        '  await new Promise((resolve) => setTimeout(resolve, 300));',
        '  const n = await shaky();',
        '  return square.map([n, n + 1, n + 2]).result();',
        '});',
      ].join('\n'),
    );
    const { flowRunId } = await env.client.runFlowFile({ body: { path: 'flaky.ts', parameters: {} } });
    const { view, seen } = await follow(
      flowRunId,
      (v) => v.flowRun?.state.type === 'COMPLETED' && v.flowRun.result !== null && v.taskRuns.length === 4,
    );

    expect(JSON.parse(view.flowRun!.result!)).toEqual([9, 16, 25]);
    expect(view.finished).toBe(true);
    expect(seen.some((v) => v.flowRun?.state.type === 'RUNNING' && v.finished)).toBe(false);
    expect(view.flowStates.map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
    const shaky = view.taskRuns.find((t) => t.taskKey.startsWith('shaky'))!;
    const timeline = runTimeline(view.histories.get(shaky.id)!);
    expect(timeline.attempts.map((a) => [a.attempt, a.retried, a.error?.message ?? null])).toEqual([
      [1, true, 'no 1'],
      [2, true, 'no 2'],
      [3, false, null],
    ]);
    expect(timeline.waits).toHaveLength(2);
    // States that came both by the stream and by a read are held once.
    expect(view.histories.get(shaky.id)!.map((s) => s.name)).toEqual([
      'Pending',
      'Running',
      'AwaitingRetry',
      'Retrying',
      'AwaitingRetry',
      'Retrying',
      'Completed',
    ]);
    expect(view.logs.map((l) => l.message)).toEqual(expect.arrayContaining(['try 1', 'try 2', 'try 3']));
    expect(new Set(view.logs.map((l) => l.id)).size).toBe(view.logs.length);
    // It was live: the page saw the run before it was over.
    expect(seen.some((v) => v.stream === 'open' && v.flowRun?.state.type === 'RUNNING')).toBe(true);
    expect(view.version).toBeGreaterThan(1);
  }, 90_000);

  it('says so when the run is not there', async () => {
    const { view } = await follow('01a1ffff-0000-7000-8000-000000000000', (v) => v.loaded);
    expect(view.flowRun).toBeNull();
    expect(view.error).toMatch(/could not read the run/);
  }, 30_000);
});

describe('routes', () => {
  it('reads and writes the pages of the app, and takes anything else for the builder', () => {
    for (const route of [
      { page: 'builder' },
      { page: 'dashboard' },
      { page: 'runs' },
      { page: 'run', flowRunId: '01a1-ab' },
      { page: 'run', flowRunId: 'abc', taskRunId: 'def' },
      { page: 'run', flowRunId: 'abc', view: 'logs' },
      { page: 'run', flowRunId: 'abc', taskRunId: 'def', view: 'timeline' },
    ] as const) {
      expect(parseRoute(routeHash(route))).toEqual(route);
    }
    expect(parseRoute('')).toEqual({ page: 'builder' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'builder' });
    expect(parseRoute('#/runs/<script>')).toEqual({ page: 'runs' });
    expect(parseRoute('#/runs/abc/tasks/')).toEqual({ page: 'run', flowRunId: 'abc' });
    expect(routeHash({ page: 'run', flowRunId: 'abc', view: 'logs' })).toBe('#/runs/abc?view=logs');
    // The graph is the page's first view, so its link names none; an unknown view is the graph.
    expect(routeHash({ page: 'run', flowRunId: 'abc', view: 'graph' })).toBe('#/runs/abc');
    expect(parseRoute('#/runs/abc?view=nowhere')).toEqual({ page: 'run', flowRunId: 'abc' });
  });
});

describe('formatting', () => {
  it('says durations as a person reads them', () => {
    expect([formatDuration(null), formatDuration(850), formatDuration(4200), formatDuration(185_000), formatDuration(7_440_000)]).toEqual([
      '–',
      '850 ms',
      '4.2 s',
      '3 min 5 s',
      '2 h 4 min',
    ]);
  });

  it('shows small values pretty, and cuts large ones without splitting a character', () => {
    expect(shownValue('{"a":[1,2]}')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', cut: 0 });
    expect(shownValue(null).text).toBe('nothing');
    const big = `"${'😀'.repeat(5000)}"`;
    // The quote, then pairs: the 100th code unit opens a pair, which is left out whole.
    const shown = shownValue(big, 100);
    expect(shown.text.length + shown.cut).toBe(big.length);
    expect(shown.text.length).toBe(99);
    expect(/[\ud800-\udbff]$/.test(shown.text)).toBe(false);
  });
});
