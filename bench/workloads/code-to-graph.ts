/** Code to graph: parseFlowModule on a generated 500-task flow module, the builder's load path. */
import ts from 'typescript';
import { generateFlowModule, parseFlowModule, type FlowGraph, type GraphNode } from '../../app/core/flow-document/index.js';
import { median, nowMs } from '../lib/stats.js';

export const CODE_TO_GRAPH_TASKS = 500;
const RUNS = 7;

const KINDS = ['httpRequest', 'code', 'transform', 'sqlQuery', 'notify'] as const;

/** A flow module with `tasks` steps of several kinds, each reading the one before. */
export function codeToGraphModule(tasks = CODE_TO_GRAPH_TASKS): string {
  const nodes: GraphNode[] = [];
  for (let i = 0; i < tasks; i++) {
    const kind = KINDS[i % KINDS.length];
    const previous = i > 0 ? { from: 'node' as const, node: `step${i - 1}` } : { from: 'param' as const, name: 'seed' };
    const node: GraphNode = {
      id: `step${i}`,
      kind,
      name: `step-${i}`,
      fields: {},
      options: i % 4 === 0 ? { retries: 2, retryDelaySeconds: [1, 5], tags: ['bench'] } : {},
      inputs: {},
      output: `out${i}`,
      span: { start: 0, end: 0 },
    };
    if (kind === 'httpRequest') {
      node.fields = { url: `https://example.com/items/${i}`, method: 'POST' };
      node.inputs = { body: previous };
    } else if (kind === 'code') {
      node.code = `async (input: unknown) => {\n  // step ${i}\n  return { input, index: ${i} };\n}`;
      node.inputs = { input: previous };
    } else if (kind === 'transform') {
      node.fields = { fn: '(value) => JSON.stringify(value)' };
      node.inputs = { value: previous };
    } else if (kind === 'sqlQuery') {
      node.fields = { connection: 'sqlite:bench.db', sql: 'insert into t (v) values (?)' };
      node.inputs = { params: previous };
    } else {
      node.inputs = { message: { from: 'expression', code: `String(out${i - 1})` } };
    }
    nodes.push(node);
  }
  const graph: FlowGraph = { flowName: 'bench', parameters: [{ name: 'seed', type: 'number' }], nodes, edges: [], regions: [] };
  return generateFlowModule(graph);
}

/** The median time of several parses after a warm-up, and how many nodes each found. */
export function runCodeToGraph(tasks = CODE_TO_GRAPH_TASKS): { ms: number; nodes: number; runsMs: number[]; bytes: number } {
  const source = codeToGraphModule(tasks);
  let nodes = parseFlowModule(source).graph.nodes.length;
  const runsMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = nowMs();
    nodes = parseFlowModule(source).graph.nodes.length;
    runsMs.push(nowMs() - start);
  }
  if (nodes !== tasks) throw new Error(`code-to-graph found ${nodes} nodes in a ${tasks}-task module`);
  return { ms: median(runsMs), nodes, runsMs, bytes: source.length };
}

/** The floor: TypeScript's own parser on the same module, which code to graph cannot do without. */
export function parseFloor(tasks = CODE_TO_GRAPH_TASKS): { ms: number; runsMs: number[] } {
  const source = codeToGraphModule(tasks);
  ts.createSourceFile('flow.ts', source, ts.ScriptTarget.Latest, true);
  const runsMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = nowMs();
    ts.createSourceFile('flow.ts', source, ts.ScriptTarget.Latest, true);
    runsMs.push(nowMs() - start);
  }
  return { ms: median(runsMs), runsMs };
}
