import { describe, expect, it } from 'vitest';
import {
  applyEdit,
  EditError,
  generateFlowModule,
  parseFlowModule,
  validateGraph,
  type FlowGraph,
  type InputBinding,
} from '../../../app/core/flow-document/index.js';
import { normalize } from './support.js';

/** A flow with one SQL step and one HTTP step, their fields given as the test says. */
function graphWith(sql: Record<string, InputBinding>, http: Record<string, InputBinding>): FlowGraph {
  const span = { start: 0, end: 0 };
  return {
    flowName: 'credentials',
    parameters: [],
    nodes: [
      { id: 'runQuery', kind: 'sqlQuery', name: 'run-query', fields: { sql: 'select 1' }, options: {}, inputs: sql, span },
      { id: 'fetchData', kind: 'httpRequest', name: 'fetch-data', fields: { method: 'GET' }, options: {}, inputs: http, span },
    ],
    edges: [],
    regions: [],
  };
}

function roundTrip(graph: FlowGraph): string {
  const code = generateFlowModule(graph);
  const parsed = parseFlowModule(code);
  expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(normalize(parsed.graph)).toEqual(normalize(graph));
  // Written again, the code is the same text.
  expect(generateFlowModule(parsed.graph)).toBe(code);
  return code;
}

describe('credential references in node fields', () => {
  it('a secret is loaded by name, imported from the SDK, and read back as the same reference', () => {
    const code = roundTrip(graphWith({ connection: { from: 'secret', name: 'db-url' } }, { url: { from: 'secret', name: 'api-url' } }));
    expect(code).toContain("import { flow, Secret } from 'flowdeck';");
    expect(code).toContain("connection: (await Secret.load('db-url')).get()");
    expect(code).toContain("url: (await Secret.load('api-url')).get()");
  });

  it('a block is loaded with loadBlock by type and name, and read back as the same reference', () => {
    const code = roundTrip(
      graphWith(
        { connection: { from: 'block', type: 'sql-connection', name: 'warehouse' } },
        { auth: { from: 'block', type: 'http-auth', name: 'api' } },
      ),
    );
    expect(code).toContain("import { flow, loadBlock } from 'flowdeck';");
    expect(code).toContain("connection: await loadBlock('sql-connection/warehouse')");
    expect(code).toContain("auth: await loadBlock('http-auth/api')");
  });

  it('hand-written code of the same shape shows as a reference, under the name the module imports it as', () => {
    const code = `import { flow, loadBlock as block, Secret as Vault } from 'flowdeck';
import { httpRequest, sqlQuery } from 'flowdeck/tasks';

const query = sqlQuery.withOptions({ name: 'query' });
const request = httpRequest.withOptions({ name: 'request' });

export default flow({ name: 'by-hand' }, async () => {
  await query({ connection: (await Vault.load("db-url")).get(), sql: 'select 1' });
  await request({ url: 'https://example.com', auth: await block('http-auth/api') });
});
`;
    const { graph } = parseFlowModule(code);
    const [query, request] = graph.nodes;
    expect(query.inputs.connection).toEqual({ from: 'secret', name: 'db-url' });
    expect(request.inputs.auth).toEqual({ from: 'block', type: 'http-auth', name: 'api' });
  });

  it("a Secret that is not the SDK's stays code as written", () => {
    const code = `import { flow } from 'flowdeck';
import { sqlQuery } from 'flowdeck/tasks';
import { Secret } from './my-secrets.js';

const query = sqlQuery.withOptions({ name: 'query' });

export default flow({ name: 'own-secret' }, async () => {
  await query({ connection: (await Secret.load('db-url')).get(), sql: 'select 1' });
});
`;
    const { graph } = parseFlowModule(code);
    expect(graph.nodes[0].inputs.connection).toEqual({ from: 'expression', code: "(await Secret.load('db-url')).get()" });
  });

  it('picking a secret in the graph writes the load and its import; a value in its place takes the import away again', () => {
    const start = generateFlowModule(graphWith({}, {}));
    const withSecret = applyEdit(start, { type: 'setInput', id: 'runQuery', input: 'connection', binding: { from: 'secret', name: 'db-url' } });
    expect(withSecret).toContain("import { flow, Secret } from 'flowdeck';");
    expect(withSecret).toContain("connection: (await Secret.load('db-url')).get()");
    expect(parseFlowModule(withSecret).graph.nodes[0].inputs.connection).toEqual({ from: 'secret', name: 'db-url' });

    const withBlock = applyEdit(withSecret, {
      type: 'setInput',
      id: 'runQuery',
      input: 'connection',
      binding: { from: 'block', type: 'sql-connection', name: 'warehouse' },
    });
    expect(withBlock).toContain("connection: await loadBlock('sql-connection/warehouse')");
    expect(withBlock).toContain("import { flow, loadBlock } from 'flowdeck';");

    const withValue = applyEdit(withBlock, { type: 'setFields', id: 'runQuery', fields: { connection: 'sqlite:data.db' } });
    expect(withValue).toContain("connection: 'sqlite:data.db'");
    expect(withValue).toContain("import { flow } from 'flowdeck';");
  });

  it('refuses a block of a type the field does not take, naming what it takes', () => {
    const start = generateFlowModule(graphWith({}, {}));
    const wrong = () =>
      applyEdit(start, { type: 'setInput', id: 'runQuery', input: 'connection', binding: { from: 'block', type: 'http-auth', name: 'api' } });
    expect(wrong).toThrow(EditError);
    expect(wrong).toThrow("SQL query's 'connection' cannot take a http-auth block; it takes secret, sql-connection");
    expect(() => applyEdit(start, { type: 'setInput', id: 'fetchData', input: 'method', binding: { from: 'secret', name: 'x' } })).toThrow(
      "HTTP request's 'method' cannot take a secret",
    );
  });
});

describe('credentials typed as values', () => {
  const warnings = (graph: FlowGraph) =>
    validateGraph(graph)
      .filter((p) => p.severity === 'warning')
      .map((p) => p.message);

  it('warns about a URL with a password, pointing to a secret', () => {
    const graph = graphWith({}, {});
    graph.nodes[0].fields.connection = 'postgres://app:hunter2@db.internal/warehouse';
    expect(warnings(graph)).toEqual([
      'Connection: holds a URL with a password written into the file; keep it in a secret (flowdeck secret set NAME) and pick that instead',
    ]);
  });

  it('warns about a bearer token and an auth object with a token', () => {
    const graph = graphWith({}, {});
    graph.nodes[1].fields.url = 'Bearer abcdefghijkl';
    graph.nodes[1].fields.auth = { scheme: 'bearer', token: 'abcdefghijkl' };
    expect(warnings(graph)).toEqual([
      'URL: holds a token written into the file; keep it in a secret (flowdeck secret set NAME) and pick that instead',
      'Authentication: holds a token written into the file; keep it in a secret (flowdeck secret set NAME) and pick that instead',
    ]);
  });

  it('says nothing about plain values and references', () => {
    const graph = graphWith({ connection: { from: 'secret', name: 'db-url' } }, {});
    graph.nodes[1].fields.url = 'https://user@example.com/path';
    expect(warnings(graph)).toEqual([]);
  });
});
