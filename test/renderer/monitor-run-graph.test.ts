import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { State, StateType } from '../../app/core/index.js';
import { flow, task, waitFor } from '../../app/engine/index.js';
import { layoutGraph } from '../../app/renderer/monitor/model/graph-layout.js';
import { buildRunGraph, groupNodeId, layoutRunGraph, type RunGraphTaskRun, type TaskRunNode } from '../../app/renderer/monitor/model/run-graph.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';

function state(type: StateType, name: string, extra: Partial<State> = {}): State {
  return { type, name, timestamp: 1000, attempt: 1, ...extra };
}

let serial = 0;
/** A task run as the store answers it, with only what the graph reads set to something meaningful. */
function run(taskKey: string, extra: Partial<RunGraphTaskRun> = {}): RunGraphTaskRun {
  serial++;
  return {
    id: `tr-${serial}`,
    taskKey,
    name: `${taskKey}-${serial}`,
    dynamicKey: 0,
    runCount: 1,
    upstream: [],
    state: state('COMPLETED', 'Completed'),
    ...extra,
  };
}

/** `count` task runs of one key, with dynamic keys 0.. and the given states in turn. */
function mapped(taskKey: string, count: number, states: State[] = [state('COMPLETED', 'Completed')], upstream: string[] = []): RunGraphTaskRun[] {
  return Array.from({ length: count }, (_, i) =>
    run(taskKey, { dynamicKey: i, name: `${taskKey}-${i}`, state: states[i % states.length], upstream }),
  );
}

describe('run graph from a real run', () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  it('a map over 50 items is one group of 50 between the task before it and the one after', async () => {
    const load = task({ name: 'load' }, () => 50);
    const square = task({ name: 'square' }, (n: number) => n * n);
    const total = task({ name: 'total' }, (count: number) => count);
    const outcome = await flow({ name: 'mapped' }, async () => {
      const size = load.submit();
      const squares = square.map(
        Array.from({ length: 50 }, (_, i) => i),
        waitFor(size),
      );
      return total(50, waitFor(squares));
    }).run();
    expect(outcome.state.type).toBe('COMPLETED');
    const taskRuns = await env.store.listTaskRuns(outcome.flowRunId);
    expect(taskRuns).toHaveLength(52);

    const graph = buildRunGraph(taskRuns);
    expect(graph.nodes.map((n) => (n.kind === 'group' ? `group ${n.group.label} x${n.group.total}` : n.name))).toEqual([
      'load-0',
      'group square x50',
      'total-0',
    ]);
    const group = graph.groups[0];
    expect(group).toMatchObject({ key: 'square', total: 50, finished: 50, expanded: false, state: { type: 'COMPLETED', name: 'Completed' } });
    expect(group.counts.COMPLETED).toBe(50);
    expect(group.counts.FAILED).toBe(0);
    expect(group.attempts).toBe(50);
    // Members by map index, each held by the group's node.
    const squares = taskRuns.filter((r) => r.taskKey === 'square').sort((a, b) => a.dynamicKey - b.dynamicKey);
    expect(group.memberIds).toEqual(squares.map((r) => r.id));
    for (const r of squares) expect(graph.nodeOfTaskRun.get(r.id)).toBe(groupNodeId('square'));

    const loadId = taskRuns.find((r) => r.taskKey === 'load')!.id;
    const totalId = taskRuns.find((r) => r.taskKey === 'total')!.id;
    // 50 edges in from load and 50 out to total collapse to one each.
    expect(graph.edges.map((e) => [e.source, e.target])).toEqual([
      [loadId, groupNodeId('square')],
      [groupNodeId('square'), totalId],
    ]);

    const layout = layoutRunGraph(graph);
    expect(layout.engine).toBe('dagre');
    const x = (id: string) => layout.positions.get(id)!.x;
    expect(x(loadId)).toBeLessThan(x(groupNodeId('square')));
    expect(x(groupNodeId('square'))).toBeLessThan(x(totalId));

    // Expanded, the 50 members are drawn, each between the same two tasks.
    const open = buildRunGraph(taskRuns, { expandedGroups: new Set(['square']) });
    expect(open.nodes).toHaveLength(52);
    expect(open.groups[0].expanded).toBe(true);
    const members = open.nodes.filter((n): n is TaskRunNode => n.kind === 'task-run' && n.groupKey === 'square');
    expect(members.map((m) => m.dynamicKey).sort((a, b) => a - b)).toEqual(squares.map((r) => r.dynamicKey));
    expect(open.edges).toHaveLength(100);
    const openLayout = layoutRunGraph(open);
    for (const m of members) {
      expect(openLayout.positions.get(m.id)!.x).toBeGreaterThan(openLayout.positions.get(loadId)!.x);
      expect(openLayout.positions.get(m.id)!.x).toBeLessThan(openLayout.positions.get(totalId)!.x);
    }
  });

  it('a group shows its most urgent state and counts each state type; members that retried count their attempts', async () => {
    let calls = 0;
    const check = task({ name: 'check', retries: 1, retryDelaySeconds: 0 }, (n: number) => {
      // Item 0 fails once then passes; items 3 and 4 always fail.
      if (n === 0 && calls++ === 0) throw new Error('flaky');
      if (n >= 3) throw new Error(`bad item ${n}`);
      return n;
    });
    const outcome = await flow({ name: 'checks' }, async () => {
      await Promise.allSettled(check.map([0, 1, 2, 3, 4]).map((f) => f.result()));
    }).run();
    const graph = buildRunGraph(await env.store.listTaskRuns(outcome.flowRunId));
    const [group] = graph.groups;
    expect(group.total).toBe(5);
    expect(group.counts.COMPLETED).toBe(3);
    expect(group.counts.FAILED).toBe(2);
    expect(group.state.type).toBe('FAILED');
    expect(group.state.message).toMatch(/^bad item [34]$/);
    // Item 0 took two attempts, items 3 and 4 two each (one retry before failing for good).
    expect(group.retried).toBe(3);
    expect(group.attempts).toBe(8);
  });

  it('a map over an awaited list, not a future, is drawn with an edge from the task that gave the list into its group', async () => {
    const load = task({ name: 'load-numbers' }, () => Array.from({ length: 20 }, (_, i) => i));
    const square = task({ name: 'square-each' }, (n: number) => n * n);
    const total = task({ name: 'sum-squares' }, (squares: number[]) => squares.reduce((a, b) => a + b, 0));
    const outcome = await flow({ name: 'mapped-awaited' }, async () => {
      const numbers = await load();
      const squares = await square.map(numbers).result();
      return total(squares);
    }).run();
    expect(outcome.result).toBe(2470);
    const taskRuns = await env.store.listTaskRuns(outcome.flowRunId);
    const loadId = taskRuns.find((r) => r.taskKey === 'load-numbers')!.id;
    const totalId = taskRuns.find((r) => r.taskKey === 'sum-squares')!.id;
    const graph = buildRunGraph(taskRuns);
    expect(graph.nodes.map((n) => n.id)).toEqual([loadId, groupNodeId('square-each'), totalId]);
    // Numbers cannot be traced, yet each run came from load's list, and the gathered results from the map.
    expect(graph.edges.map((e) => [e.source, e.target])).toEqual([
      [loadId, groupNodeId('square-each')],
      [groupNodeId('square-each'), totalId],
    ]);
    const layout = layoutRunGraph(graph);
    const x = (id: string) => layout.positions.get(id)!.x;
    expect(x(loadId)).toBeLessThan(x(groupNodeId('square-each')));
    expect(x(groupNodeId('square-each'))).toBeLessThan(x(totalId));
  });

  it('a subflow handed a future is drawn with an edge from the upstream task into the subflow node', async () => {
    const load = task({ name: 'load-list' }, () => [1, 2, 3]);
    const child = flow({ name: 'child-sums' }, (numbers: number[]) => numbers.reduce((a, b) => a + b, 0));
    const outcome = await flow({ name: 'hands-future' }, () => child(load.submit() as unknown as number[])).run();
    expect(outcome.result).toBe(6);
    const taskRuns = await env.store.listTaskRuns(outcome.flowRunId);
    const children = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    const graph = buildRunGraph(taskRuns, { childFlowRuns: children });
    const loadId = taskRuns.find((r) => r.taskKey === 'load-list')!.id;
    const callId = taskRuns.find((r) => r.taskKey === 'child-sums')!.id;
    expect((graph.nodes as TaskRunNode[]).find((n) => n.id === callId)!.childFlowRunIds).toEqual([children[0].id]);
    expect(graph.edges.map((e) => [e.source, e.target])).toEqual([[loadId, callId]]);
  });

  it('a task run that started a subflow is a subflow node naming the child flow run; one that ran once is its own node', async () => {
    const child = flow({ name: 'child' }, () => 'inner');
    const wrapper = task({ name: 'wrapper' }, async () => child());
    const plain = task({ name: 'plain' }, (x: string) => x.length);
    const outcome = await flow({ name: 'parent' }, async () => plain(await wrapper())).run();
    const taskRuns = await env.store.listTaskRuns(outcome.flowRunId);
    const children = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(children).toHaveLength(1);

    const graph = buildRunGraph(taskRuns, { childFlowRuns: children });
    const nodes = graph.nodes as TaskRunNode[];
    expect(nodes.map((n) => n.kind)).toEqual(['task-run', 'task-run']);
    const wrapperNode = nodes.find((n) => n.taskKey === 'wrapper')!;
    expect(wrapperNode.childFlowRunIds).toEqual([children[0].id]);
    expect(wrapperNode.runCount).toBe(1);
    expect(nodes.find((n) => n.taskKey === 'plain')!.childFlowRunIds).toEqual([]);
  });
});

describe('run graph: grouping and edges', () => {
  it('an empty run has no nodes, edges or groups, and an empty layout', () => {
    const graph = buildRunGraph([]);
    expect(graph).toMatchObject({ nodes: [], edges: [], groups: [] });
    const layout = layoutRunGraph(graph);
    expect(layout.positions.size).toBe(0);
    expect([layout.width, layout.height]).toEqual([0, 0]);
  });

  it('groups a task key only above the threshold, which can be raised', () => {
    const runs = [run('a'), ...mapped('b', 3)];
    expect(buildRunGraph(runs).nodes.map((n) => n.kind)).toEqual(['task-run', 'group']);
    expect(buildRunGraph(runs, { groupThreshold: 3 }).nodes.map((n) => n.kind)).toEqual(['task-run', 'task-run', 'task-run', 'task-run']);
    expect(buildRunGraph(runs, { groupThreshold: 2 }).groups.map((g) => g.total)).toEqual([3]);
  });

  it('the group shows the state first in the node-state precedence, naming it as its first member in that state does', () => {
    const runs = mapped('m', 4, [
      state('COMPLETED', 'Completed'),
      state('RUNNING', 'Retrying'),
      state('SCHEDULED', 'AwaitingRetry', { message: 'try again' }),
      state('RUNNING', 'Running'),
    ]);
    const [group] = buildRunGraph(runs).groups;
    expect(group.state).toEqual({ type: 'RUNNING', name: 'Retrying' });
    expect(group.counts).toMatchObject({ COMPLETED: 1, RUNNING: 2, SCHEDULED: 1, FAILED: 0 });
    expect(group.finished).toBe(1);
    const crashed = buildRunGraph([...runs, run('m', { dynamicKey: 9, state: state('CRASHED', 'Crashed', { message: 'gone' }) })]).groups[0];
    expect(crashed.state).toEqual({ type: 'CRASHED', name: 'Crashed', message: 'gone' });
  });

  it('a NotReady run counts as finished in its group: it will never run', () => {
    const runs = mapped('m', 3, [state('FAILED', 'Failed'), state('PENDING', 'NotReady'), state('PENDING', 'Pending')]);
    const [group] = buildRunGraph(runs).groups;
    expect(group.finished).toBe(2);
    expect(group.state).toEqual({ type: 'FAILED', name: 'Failed' });
  });

  it('a loop whose runs feed each other draws no edge from the group to itself; expanded, the chain shows', () => {
    const first = run('step', { dynamicKey: 0 });
    const second = run('step', { dynamicKey: 1, upstream: [first.id] });
    const third = run('step', { dynamicKey: 2, upstream: [second.id, first.id] });
    const after = run('report', { upstream: [first.id, second.id, third.id] });
    const runs = [first, second, third, after];
    const graph = buildRunGraph(runs);
    expect(graph.edges.map((e) => [e.source, e.target])).toEqual([[groupNodeId('step'), after.id]]);

    const open = buildRunGraph(runs, { expandedGroups: new Set(['step']) });
    expect(open.edges.map((e) => [e.source, e.target])).toEqual([
      [first.id, second.id],
      [second.id, third.id],
      [first.id, third.id],
      [first.id, after.id],
      [second.id, after.id],
      [third.id, after.id],
    ]);
    expect(open.nodes.every((n) => n.kind === 'task-run' && n.groupKey === (n.taskKey === 'step' ? 'step' : null))).toBe(true);
    const layout = layoutRunGraph(open);
    const x = (id: string) => layout.positions.get(id)!.x;
    expect(x(first.id)).toBeLessThan(x(second.id));
    expect(x(second.id)).toBeLessThan(x(third.id));
    expect(x(third.id)).toBeLessThan(x(after.id));
  });

  it('ignores upstream ids of task runs it was not given', () => {
    const lone = run('lone', { upstream: ['of-another-flow-run'] });
    expect(buildRunGraph([lone]).edges).toEqual([]);
  });

  it('a group with subflow members counts them; expanded, each member names its own child', () => {
    const runs = mapped('spawn', 3);
    const children = [
      { id: 'child-0', parentTaskRunId: runs[0].id },
      { id: 'child-2', parentTaskRunId: runs[2].id },
      { id: 'elsewhere', parentTaskRunId: null },
    ];
    expect(buildRunGraph(runs, { childFlowRuns: children }).groups[0].subflows).toBe(2);
    const open = buildRunGraph(runs, { childFlowRuns: children, expandedGroups: new Set(['spawn']) });
    expect((open.nodes as TaskRunNode[]).map((n) => n.childFlowRunIds)).toEqual([['child-0'], [], ['child-2']]);
  });
});

describe('run graph layout', () => {
  /** Two boxes overlap. */
  const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  /**
   * A run of 10,000 task runs: a source, then 200 chains of 49 steps, each step its own task key
   * (so nothing groups), each chain's first step fed by the source.
   */
  function wideRun(): RunGraphTaskRun[] {
    const source = run('source');
    const runs: RunGraphTaskRun[] = [source];
    for (let c = 0; c < 200; c++) {
      let previous = source.id;
      for (let s = 0; s < 49; s++) {
        const step = run(`chain${c}-step${s}`, { upstream: [previous] });
        runs.push(step);
        previous = step.id;
      }
    }
    return runs.slice(0, 10_000);
  }

  it('10,000 ungrouped task runs are laid out in layers, without dagre, following every edge left to right', () => {
    const runs = wideRun();
    expect(runs).toHaveLength(9_801);
    const all = [...runs, ...mapped('extra', 199).map((r, i) => ({ ...r, taskKey: `extra-${i}` }))];
    expect(all).toHaveLength(10_000);
    const graph = buildRunGraph(all);
    expect(graph.nodes).toHaveLength(10_000);
    const layout = layoutRunGraph(graph);
    expect(layout.engine).toBe('layered');
    expect(layout.positions.size).toBe(10_000);
    for (const edge of graph.edges) expect(layout.positions.get(edge.source)!.x).toBeLessThan(layout.positions.get(edge.target)!.x);
    // Column by column, no two nodes overlap.
    const byColumn = new Map<number, { x: number; y: number; width: number; height: number }[]>();
    for (const box of layout.positions.values()) byColumn.set(box.x, [...(byColumn.get(box.x) ?? []), box]);
    expect(byColumn.size).toBe(50);
    for (const boxes of byColumn.values()) {
      boxes.sort((a, b) => a.y - b.y);
      for (let i = 1; i < boxes.length; i++) expect(overlap(boxes[i - 1], boxes[i])).toBe(false);
    }
    for (const box of layout.positions.values()) {
      expect(box.x + box.width).toBeLessThanOrEqual(layout.width);
      expect(box.y + box.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('10,000 mapped task runs grouped by task key are a small graph dagre lays out', () => {
    const source = run('source');
    const runs = [source, ...mapped('fetch', 5_000, undefined, [source.id]), ...mapped('parse', 4_999)];
    const graph = buildRunGraph(runs);
    expect(graph.nodes.map((n) => n.id)).toEqual([source.id, groupNodeId('fetch'), groupNodeId('parse')]);
    expect(graph.groups.map((g) => g.total)).toEqual([5_000, 4_999]);
    expect(layoutRunGraph(graph).engine).toBe('dagre');
  });

  it('groups that feed each other (a cycle) still get a place each', () => {
    // A loop alternating two tasks: a0 -> b0 -> a1 -> b1, grouped into a <-> b.
    const a0 = run('a', { dynamicKey: 0 });
    const b0 = run('b', { dynamicKey: 0, upstream: [a0.id] });
    const a1 = run('a', { dynamicKey: 1, upstream: [b0.id] });
    const b1 = run('b', { dynamicKey: 1, upstream: [a1.id] });
    const graph = buildRunGraph([a0, b0, a1, b1]);
    expect(graph.edges.map((e) => [e.source, e.target])).toEqual([
      [groupNodeId('a'), groupNodeId('b')],
      [groupNodeId('b'), groupNodeId('a')],
    ]);
    for (const dagreLimit of [1_000, 0]) {
      const layout = layoutRunGraph(graph, { dagreLimit });
      expect(layout.engine).toBe(dagreLimit === 0 ? 'layered' : 'dagre');
      expect(layout.positions.size).toBe(2);
      expect(overlap(layout.positions.get(groupNodeId('a'))!, layout.positions.get(groupNodeId('b'))!)).toBe(false);
    }
  });

  it('counts the columns long edges cross toward the dagre limit, not only the nodes', () => {
    // 12 nodes in a chain, each also fed by the first: 12 nodes, but 55 columns crossed.
    const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, width: 100, height: 40 }));
    const edges = nodes.slice(1).flatMap((n, i) => [
      { source: `n${i}`, target: n.id },
      { source: 'n0', target: n.id },
    ]);
    expect(layoutGraph(nodes, edges, { dagreLimit: 40 }).engine).toBe('layered');
    expect(layoutGraph(nodes, edges, { dagreLimit: 100 }).engine).toBe('dagre');
    expect(
      layoutGraph(
        nodes,
        edges.filter((e) => e.source !== 'n0' || e.target === 'n1'),
        { dagreLimit: 40 },
      ).engine,
    ).toBe('dagre');
  });

  it('takes node sizes from the view when it gives them', () => {
    const graph = buildRunGraph([run('a'), ...mapped('b', 2)]);
    const layout = layoutRunGraph(graph, { sizeOf: (node) => (node.kind === 'group' ? { width: 300, height: 90 } : { width: 120, height: 30 }) });
    expect([...layout.positions.values()].map((b) => [b.width, b.height])).toEqual([
      [120, 30],
      [300, 90],
    ]);
  });
});
