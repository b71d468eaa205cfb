import { describe, expect, it } from 'vitest';
import { applyEdit, EditError, parseFlowModule, validateGraph } from '../../../app/core/flow-document/index.js';
import { connectionRefusal, fits, handleTypeName, inputType, resultType } from '../../../app/core/flow-document/handle-types.js';

const FLOW = `import { flow, task } from 'flowdeck';
import { httpRequest, notify, readFile, shellCommand, sqlQuery } from 'flowdeck/tasks';

const fetchUsers = httpRequest.withOptions({ name: 'fetch-users' });
const readConfig = readFile.withOptions({ name: 'read-config' });
const readJson = readFile.withOptions({ name: 'read-json' });
const listFiles = shellCommand.withOptions({ name: 'list-files' });
const saveRows = sqlQuery.withOptions({ name: 'save-rows' });
const say = notify.withOptions({ name: 'say' });
const count = task({ name: 'count' }, async (rows: unknown[], label?: string): Promise<number> => {
  return rows.length;
});
const loose = task({ name: 'loose' }, async (input) => {
  return input;
});
const shout = task({ name: 'shout' }, async (text: string | null) => text?.toUpperCase());
const eachRow = task({ name: 'each-row' }, async (row: Record<string, unknown>): Promise<string> => String(row));

export default flow({ name: 'typed' }, async () => {
  await fetchUsers({ url: 'https://example.com' });
  await readConfig({ path: 'a.txt' });
  await readJson({ path: 'a.json', encoding: 'json' });
  await listFiles({ command: 'ls' });
  await saveRows({ connection: 'sqlite:a.db', sql: 'select 1' });
  await say({ message: 'hi' });
  await count([]);
  await loose(1);
  await shout('a');
  await eachRow.map([]).result();
  if (Date.now() > 0) {
    await say({ message: 'late' });
  }
});
`;

const graph = parseFlowModule(FLOW).graph;
const node = (id: string) => graph.nodes.find((n) => n.id === id)!;

describe('handle types', () => {
  it('reads result types from the registry, by a field where it decides, and from annotations of code', () => {
    expect(resultType(node('fetchUsers'))).toEqual(['object']);
    expect(resultType(node('fetchUsers'), ['status'])).toEqual(['number']);
    expect(resultType(node('fetchUsers'), ['body'])).toBe('any');
    expect(resultType(node('fetchUsers'), ['no', 'such'])).toBe('any');
    expect(resultType(node('readConfig'))).toEqual(['string']);
    expect(resultType(node('readJson'))).toBe('any');
    expect(resultType(node('listFiles'), ['stdout'])).toEqual(['string']);
    expect(resultType(node('saveRows'), ['rows'])).toEqual(['list']);
    expect(resultType(node('count'))).toEqual(['number']);
    expect(resultType(node('loose'))).toBe('any');
    // A mapped task gives a list whatever each run returns.
    expect(resultType(node('eachRow'))).toEqual(['list']);
    const branch = graph.nodes.find((n) => n.kind === 'branch')!;
    expect(resultType(branch)).toBe('none');
  });

  it('reads input types from field controls, the registry and parameter annotations', () => {
    expect(inputType(node('fetchUsers'), 'url')).toEqual(['string']);
    expect(inputType(node('fetchUsers'), 'headers')).toEqual(['object']);
    expect(inputType(node('fetchUsers'), 'body')).toBe('any');
    expect(inputType(node('saveRows'), 'params')).toEqual(['list']);
    expect(inputType(node('count'), 'rows')).toEqual(['list']);
    expect(inputType(node('count'), 'label')).toEqual(['string']);
    expect(inputType(node('loose'), 'input')).toBe('any');
    // null and undefined say nothing about what fits.
    expect(inputType(node('shout'), 'text')).toEqual(['string']);
    // A mapped input takes a list of items or one value passed to every run.
    expect(inputType(node('eachRow'), 'row')).toEqual(['object', 'list']);
    expect(handleTypeName(inputType(node('eachRow'), 'row'))).toBe('object | list');
  });

  it('lets a result feed an input only where every type it may have is taken; unknown fits all', () => {
    expect(fits(['string'], ['string'])).toBe(true);
    expect(fits(['string', 'number'], ['string'])).toBe(false);
    expect(fits(['number'], ['string', 'number'])).toBe(true);
    expect(fits('any', ['number'])).toBe(true);
    expect(fits(['object'], 'any')).toBe(true);
    expect(connectionRefusal(graph, 'readConfig', 'say', 'message')).toBeNull();
    expect(connectionRefusal(graph, 'readJson', 'fetchUsers', 'url')).toBeNull();
    expect(connectionRefusal(graph, 'fetchUsers', 'say', 'message')).toBe("'fetchUsers' gives an object, but 'message' of 'say' takes text");
    expect(connectionRefusal(graph, 'fetchUsers', 'count', 'rows', ['status'])).toBe(
      "'fetchUsers.status' gives a number, but 'rows' of 'count' takes a list",
    );
    expect(connectionRefusal(graph, 'saveRows', 'count', 'rows', ['rows'])).toBeNull();
    const branch = graph.nodes.find((n) => n.kind === 'branch')!;
    expect(connectionRefusal(graph, branch.id, 'say', 'message')).toMatch(/is a branch and has no result/);
    expect(connectionRefusal(graph, 'gone', 'say', 'message')).toBeNull();
  });

  it('refuses a mismatched connect edit, so it never lands in the code', () => {
    expect(() => applyEdit(FLOW, { type: 'connect', source: 'fetchUsers', target: 'say', input: 'message' })).toThrow(EditError);
    expect(() => applyEdit(FLOW, { type: 'connect', source: 'fetchUsers', target: 'say', input: 'message' })).toThrow(/takes text/);
    const connected = applyEdit(FLOW, { type: 'connect', source: 'readConfig', target: 'say', input: 'message' });
    expect(parseFlowModule(connected).graph.edges.some((e) => e.source === 'readConfig' && e.target === 'say' && e.input === 'message')).toBe(true);
  });

  it('shows a mismatched connection written in the code as a warning on its target', () => {
    const written = FLOW.replace(
      "await fetchUsers({ url: 'https://example.com' });",
      "const users = await fetchUsers({ url: 'https://example.com' });",
    ).replace("await say({ message: 'hi' });", 'await say({ message: users });');
    const problems = validateGraph(parseFlowModule(written).graph).filter((p) => p.message.includes('takes'));
    expect(problems).toEqual([
      expect.objectContaining({ nodeId: 'say', severity: 'warning', message: "'fetchUsers' gives an object, but 'message' of 'say' takes text" }),
    ]);
  });
});
