import { describe, expect, it } from 'vitest';
import { generateFlowModule, parseFlowModule, type FlowGraph, type GraphNode } from '../../../app/core/flow-document/index.js';

const SPAN = { start: 0, end: 0 };

function step(partial: Partial<GraphNode> & Pick<GraphNode, 'id' | 'kind'>): GraphNode {
  return { name: partial.id, fields: {}, options: {}, inputs: {}, span: SPAN, ...partial };
}

function graphOf(nodes: GraphNode[], extra: Partial<FlowGraph> = {}): FlowGraph {
  return { flowName: 'users-etl', parameters: [], nodes, edges: [], regions: [], ...extra };
}

describe('generateFlowModule', () => {
  it('writes a module a person would write', () => {
    const graph = graphOf(
      [
        step({
          id: 'fetchUsers',
          kind: 'httpRequest',
          name: 'fetch-users',
          comment: '// Fetch the users from the API.',
          fields: { url: 'https://example.com/users', method: 'GET' },
          options: { retries: 3, retryDelaySeconds: [1, 5], tags: ['api'] },
          inputs: { query: { from: 'expression', code: '{ limit: params.limit }' } },
        }),
        step({
          id: 'cleanUsers',
          kind: 'code',
          name: 'clean-users',
          code: 'async (users: unknown[]) => {\n  // a hand-written body: kept verbatim\n  return users.filter(Boolean);\n}',
          inputs: { users: { from: 'node', node: 'fetchUsers', path: ['body'] } },
          output: 'cleaned',
        }),
        step({ id: 'ifCleanedLength', kind: 'branch', fields: { condition: 'cleaned.length > 0' } }),
        step({
          id: 'saveUsers',
          kind: 'sqlQuery',
          name: 'save-users',
          fields: { connection: 'sqlite:users.db', sql: 'insert ...' },
          inputs: { params: { from: 'expression', code: '[cleaned]' } },
          scope: { branch: 'ifCleanedLength', arm: 'then' },
        }),
      ],
      {
        parameters: [{ name: 'limit', type: 'number' }],
        edges: [{ id: 'fetchUsers->cleanUsers.users', source: 'fetchUsers', target: 'cleanUsers', input: 'users' }],
        regions: [{ id: 'r1', code: 'return cleaned.length;', scope: 'flow', after: 'ifCleanedLength', span: SPAN }],
      },
    );
    expect(generateFlowModule(graph)).toBe(`import { flow, task } from 'flowdeck';
import { httpRequest, sqlQuery } from 'flowdeck/tasks';

// Fetch the users from the API.
const fetchUsers = httpRequest.withOptions({
  name: 'fetch-users',
  retries: 3,
  retryDelaySeconds: [1, 5],
  tags: ['api'],
});

const cleanUsers = task({ name: 'clean-users' }, async (users: unknown[]) => {
  // a hand-written body: kept verbatim
  return users.filter(Boolean);
});

const saveUsers = sqlQuery.withOptions({ name: 'save-users' });

export default flow({ name: 'users-etl' }, async (params: { limit: number }) => {
  const users = await fetchUsers({ url: 'https://example.com/users', method: 'GET', query: { limit: params.limit } });
  const cleaned = await cleanUsers(users.body);
  if (cleaned.length > 0) {
    await saveUsers({ connection: 'sqlite:users.db', sql: 'insert ...', params: [cleaned] });
  }
  return cleaned.length;
});
`);
  });

  it('writes steps in dependency order whatever order the graph lists them in', () => {
    const graph = graphOf([
      step({ id: 'report', kind: 'notify', inputs: { message: { from: 'node', node: 'count' } } }),
      step({ id: 'count', kind: 'transform', fields: { fn: '(rows: unknown[]) => rows.length' }, inputs: { value: { from: 'node', node: 'load' } } }),
      step({ id: 'load', kind: 'readFile', fields: { path: 'rows.json', encoding: 'json' } }),
    ]);
    const code = generateFlowModule(graph);
    expect(code.indexOf('await load(')).toBeLessThan(code.indexOf('await count('));
    expect(code.indexOf('await count(')).toBeLessThan(code.indexOf('await report('));
    expect(code.indexOf('const load =')).toBeLessThan(code.indexOf('const count ='));
    // Results that others read get readable names of their own.
    expect(code).toContain("const loadResult = await load({ path: 'rows.json', encoding: 'json' });");
    expect(code).toContain('const countResult = await count(loadResult, (rows: unknown[]) => rows.length);');
    expect(code).toContain('await report({ message: countResult });');
  });

  it('imports only what the module uses, hand-written parts included', () => {
    const code = generateFlowModule(
      graphOf([step({ id: 'hello', kind: 'code', code: "async () => {\n  getRunLogger().info('hi');\n}" })], {
        regions: [{ id: 'r', code: "await pauseFlowRun({ reason: 'wait' });", scope: 'flow', after: 'hello', span: SPAN }],
      }),
    );
    expect(code.split('\n')[0]).toBe("import { flow, getRunLogger, pauseFlowRun, task } from 'flowdeck';");
    expect(code).not.toContain('flowdeck/tasks');
  });

  it('breaks long lines into one property per line with trailing commas', () => {
    const code = generateFlowModule(
      graphOf([
        step({
          id: 'notifyTeam',
          kind: 'notify',
          name: 'notify-the-team-about-everything',
          options: { retries: 5, retryDelaySeconds: [10, 20, 30, 40], timeoutSeconds: 120, tags: ['team', 'alerts', 'important'] },
          fields: {
            message: 'The nightly load has finished and every table is up to date.',
            level: 'info',
            webhookUrl: 'https://hooks.example.com/x',
          },
        }),
      ]),
    );
    expect(code).toContain(`const notifyTeam = notify.withOptions({
  name: 'notify-the-team-about-everything',
  retries: 5,
  retryDelaySeconds: [10, 20, 30, 40],
  timeoutSeconds: 120,
  tags: ['team', 'alerts', 'important'],
});`);
    expect(code).toContain(`  await notifyTeam({
    message: 'The nightly load has finished and every table is up to date.',
    level: 'info',
    webhookUrl: 'https://hooks.example.com/x',
  });`);
  });

  it('writes map, pause, subflows and else arms', () => {
    const graph = graphOf(
      [
        step({
          id: 'scoreAll',
          kind: 'map',
          code: 'async (item: number) => item * 2',
          inputs: { item: { from: 'param', name: 'items' } },
          output: 'scores',
        }),
        step({ id: 'approval', kind: 'pause', fields: { reason: 'Check the scores' }, output: 'approval' }),
        step({ id: 'isBig', kind: 'branch', fields: { condition: 'scores.length > 10' } }),
        step({
          id: 'child',
          kind: 'subflow',
          name: 'child',
          code: "flow({ name: 'child' }, async () => 1)",
          scope: { branch: 'isBig', arm: 'then' },
        }),
        step({ id: 'ingest', kind: 'subflow', importFrom: './ingest.js', fields: { source: 'crm' }, scope: { branch: 'isBig', arm: 'else' } }),
      ],
      { parameters: [{ name: 'items', type: 'number[]' }] },
    );
    const code = generateFlowModule(graph);
    expect(code).toContain("import ingest from './ingest.js';");
    expect(code).toContain("const child = flow({ name: 'child' }, async () => 1);");
    expect(code).toContain(`  const scores = await scoreAll.map(params.items).result();
  const approval = await pauseFlowRun({ reason: 'Check the scores' });
  if (scores.length > 10) {
    await child();
  } else {
    await ingest({ source: 'crm' });
  }
`);
  });

  it('writes verbatim code at the depth it goes to, leaving template text alone', () => {
    const graph = graphOf([step({ id: 'gate', kind: 'branch', fields: { condition: 'true' } })], {
      regions: [
        {
          id: 'r',
          code: "const sql = `\n  select 1\n`;\nfor (const line of sql.split('\\n')) {\n  console.log(line);\n}",
          scope: { branch: 'gate', arm: 'then' },
          after: null,
          span: SPAN,
        },
      ],
    });
    const code = generateFlowModule(graph);
    expect(code).toContain(
      "  if (true) {\n    const sql = `\n  select 1\n`;\n    for (const line of sql.split('\\n')) {\n      console.log(line);\n    }\n  }",
    );
    // Read back, each statement is a region of its own, the template text unchanged.
    expect(parseFlowModule(code).graph.regions.map((r) => r.code)).toEqual([
      'const sql = `\n  select 1\n`;',
      "for (const line of sql.split('\\n')) {\n  console.log(line);\n}",
    ]);
  });
});
