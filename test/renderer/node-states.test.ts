import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow, task, unmapped } from '../../app/engine/index.js';
import { NOT_RUN_LABEL, nodeOutputs, nodeRunStates } from '../../app/renderer/shared/node-states.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';

describe("a NotReady task run on the builder's canvas", () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  const nodes = [
    { id: 'fetch', name: 'fetch' },
    { id: 'save', name: 'save' },
    { id: 'notify', name: 'notify' },
  ];

  it('counts as finished and reads "not run: upstream failed", with the reason in its message', async () => {
    const fetch = task({ name: 'fetch' }, (): number[] => {
      throw new Error('server down');
    });
    const save = task({ name: 'save' }, (rows: number[]) => rows.length);
    const notify = task({ name: 'notify' }, (channel: number, n: number) => `saved ${n} to ${channel}`);
    const outcome = await flow({ name: 'fetch-save' }, async () => {
      const rows = fetch.submit();
      const saved = save.submit(rows);
      const told = notify.map([1, 2], unmapped(saved as unknown as number));
      await told.wait();
      return 'done';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    const taskRuns = await env.store.listTaskRuns(outcome.flowRunId);

    const states = nodeRunStates(nodes, taskRuns);
    expect(states.fetch).toMatchObject({ type: 'FAILED', runs: 1, finished: 1, message: 'server down' });
    expect(states.save).toMatchObject({ type: 'PENDING', name: NOT_RUN_LABEL, runs: 1, finished: 1 });
    expect(states.save.name).toBe('not run: upstream failed');
    expect(states.save.message).toMatch(
      /^upstream task run 'fetch-0' \(.+\) did not complete, so this task did not run; it ended Failed: server down$/,
    );
    // Every run of a map over it is over too: 2/2.
    expect(states.notify).toMatchObject({ type: 'PENDING', name: NOT_RUN_LABEL, runs: 2, finished: 2 });

    // Selected, the node says why there is no result.
    const [output] = nodeOutputs(nodes, taskRuns, 'save');
    expect(output.text).toBeNull();
    expect(output.note).toBe(`${NOT_RUN_LABEL}: ${states.save.message}; no result`);
  });

  it('among pending runs the one that will never run is shown; a failure or a running run comes first', () => {
    const at = (type: 'PENDING' | 'RUNNING' | 'FAILED', name: string) => ({ type, name, timestamp: 0 });
    const notReady = { id: '1', taskKey: 'save', name: 'save-0', state: { ...at('PENDING', 'NotReady'), message: 'upstream failed' } };
    const pending = { id: '2', taskKey: 'save', name: 'save-1', state: at('PENDING', 'Pending') };
    expect(nodeRunStates(nodes, [pending, notReady]).save).toEqual({
      type: 'PENDING',
      name: NOT_RUN_LABEL,
      runs: 2,
      finished: 1,
      message: 'upstream failed',
    });
    const running = { id: '3', taskKey: 'save', name: 'save-2', state: at('RUNNING', 'Running') };
    expect(nodeRunStates(nodes, [notReady, running]).save).toMatchObject({ type: 'RUNNING', name: 'Running', finished: 1 });
    const failed = { id: '4', taskKey: 'save', name: 'save-3', state: at('FAILED', 'Failed') };
    expect(nodeRunStates(nodes, [notReady, failed]).save).toMatchObject({ type: 'FAILED', name: 'Failed', finished: 2 });
    // A plain Pending run is not over.
    expect(nodeRunStates(nodes, [pending]).save).toMatchObject({ name: 'Pending', finished: 0 });
  });

  it("shows a retried run's latest attempt, not its attempts added together", () => {
    const at = (type: 'COMPLETED' | 'FAILED', name: string) => ({ type, name, timestamp: 0 });
    const runs = [
      { id: '1', taskKey: 'fetch', name: 'fetch-0', flowRunAttempt: 1, state: at('COMPLETED', 'Completed'), result: '[1]' },
      { id: '2', taskKey: 'save', name: 'save-0', flowRunAttempt: 1, state: at('FAILED', 'Failed') },
      { id: '3', taskKey: 'fetch', name: 'fetch-0', flowRunAttempt: 2, state: at('COMPLETED', 'Cached'), result: '[1]' },
      { id: '4', taskKey: 'save', name: 'save-0', flowRunAttempt: 2, state: at('COMPLETED', 'Completed'), result: '1' },
    ];
    const states = nodeRunStates(nodes, runs);
    expect(states.fetch).toMatchObject({ type: 'COMPLETED', name: 'Cached', runs: 1, finished: 1 });
    expect(states.save).toMatchObject({ type: 'COMPLETED', name: 'Completed', runs: 1, finished: 1 });
    expect(nodeOutputs(nodes, runs, 'save').map((output) => output.text)).toEqual(['1']);
  });
});
