import { describe, expect, it } from 'vitest';
import { parseFlowModule, validateGraph, type FlowGraph, type GraphNode } from '../../../app/core/flow-document/index.js';
import { USERS_ETL } from './support.js';

const SPAN = { start: 0, end: 0 };

function step(partial: Partial<GraphNode> & Pick<GraphNode, 'id' | 'kind'>): GraphNode {
  return { name: partial.id, fields: {}, options: {}, inputs: {}, span: SPAN, ...partial };
}

function graphOf(nodes: GraphNode[], edges: FlowGraph['edges'] = []): FlowGraph {
  return { flowName: 'x', parameters: [{ name: 'limit', type: 'number' }], nodes, edges, regions: [] };
}

function messages(graph: FlowGraph): [string | undefined, string][] {
  return validateGraph(graph).map((p) => [p.nodeId, p.message]);
}

describe('validateGraph', () => {
  it('finds nothing wrong in a sound flow', () => {
    expect(validateGraph(parseFlowModule(USERS_ETL).graph)).toEqual([]);
  });

  it('reports a missing required input on the node', () => {
    const problems = validateGraph(
      graphOf([
        step({ id: 'save', kind: 'sqlQuery', fields: { sql: 'select 1' } }),
        step({ id: 'work', kind: 'code', code: 'async (rows: unknown[], limit?: number) => rows' }),
      ]),
    );
    expect(problems).toEqual([
      { nodeId: 'save', message: 'Connection is required', severity: 'error', span: SPAN },
      { nodeId: 'work', message: "Input 'rows' is required", severity: 'error', span: SPAN },
    ]);
  });

  it('reports a field that fails its schema, and bad options', () => {
    expect(
      messages(
        graphOf([
          step({ id: 'get', kind: 'httpRequest', fields: { url: 'https://x', timeoutSeconds: -1 }, options: { retries: 1.5 } }),
          step({ id: 'say', kind: 'notify', fields: { message: 'hi', level: 'shout' } }),
        ]),
      ),
    ).toEqual([
      ['get', 'Timeout (s): Too small: expected number to be >0'],
      ['get', 'retries: Invalid input: expected int, received number'],
      ['say', 'Level: Invalid option: expected one of "debug"|"info"|"warning"|"error"|"critical"'],
    ]);
  });

  it('reports a cycle on every node in it', () => {
    const a = step({ id: 'a', kind: 'code', code: 'async (x: unknown) => x', inputs: { x: { from: 'node', node: 'c' } } });
    const b = step({ id: 'b', kind: 'code', code: 'async (x: unknown) => x', inputs: { x: { from: 'node', node: 'a' } } });
    const c = step({ id: 'c', kind: 'code', code: 'async (x: unknown) => x', inputs: { x: { from: 'node', node: 'b' } } });
    const problems = validateGraph(graphOf([a, b, c]));
    expect(problems.map((p) => p.nodeId).sort()).toEqual(['a', 'b', 'c']);
    expect(problems[0].message).toBe("'a' is part of a cycle: a → b → c → a");
  });

  it('reports references to nodes and parameters that do not exist, and unknown kinds and fields', () => {
    expect(
      messages(
        graphOf(
          [
            step({ id: 'say', kind: 'notify', fields: { message: 'hi', colour: 'red' }, inputs: { webhookUrl: { from: 'param', name: 'hook' } } }),
            step({ id: 'work', kind: 'code', code: 'async (x: unknown) => x', inputs: { x: { from: 'node', node: 'gone' } } }),
            step({ id: 'odd', kind: 'teleport' }),
            step({ id: 'inner', kind: 'notify', fields: { message: 'm' }, scope: { branch: 'say', arm: 'then' } }),
          ],
          [{ id: 'gone->work.x', source: 'gone', target: 'work', input: 'x' }],
        ),
      ),
    ).toEqual([
      ['say', "Notify has no field 'colour'"],
      ['say', "'webhookUrl' uses the parameter 'hook', which the flow does not declare"],
      ['work', "'x' reads from 'gone', which is not in the flow"],
      ['odd', "Unknown node kind 'teleport'"],
      ['inner', "'say' is not a branch"],
      ['work', "The connection gone->work.x refers to a missing node 'gone'"],
    ]);
  });

  it('flags duplicate ids', () => {
    const problems = validateGraph(
      graphOf([step({ id: 'a', kind: 'notify', fields: { message: 'm' } }), step({ id: 'a', kind: 'notify', fields: { message: 'n' } })]),
    );
    expect(problems).toEqual([{ nodeId: 'a', message: "Another node is also called 'a'", severity: 'error', span: SPAN }]);
  });
});
