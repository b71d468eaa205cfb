import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, EditError, GraphEditSchema, parseFlowModule, uniqueNodeId } from '../../../app/core/flow-document/index.js';

const SOURCE = `// The users pipeline.
import { flow, task } from 'flowdeck';
import { httpRequest, sqlQuery } from 'flowdeck/tasks';

// Fetch the users from the API.
const fetchUsers = httpRequest.withOptions({ name: 'fetch-users', retries: 3 });
const cleanUsers = task({ name: 'clean-users' }, async (users: unknown[]) => {
  // a hand-written body
  return users.filter(Boolean);
});
const saveUsers = sqlQuery.withOptions({
  name: 'save-users',
  tags: ['db'], // the database tag
});

export default flow({ name: 'users-etl' }, async (params: { limit: number }) => {
  const users = await fetchUsers({ url: 'https://example.com/users', query: { limit: params.limit } });
  const cleaned = await cleanUsers(users.body); // strip empty rows
  await saveUsers({
    connection: 'sqlite:users.db',
    sql: 'insert ...',
    params: [cleaned],
  });
  return cleaned.length;
});
`;

/** Applies an edit and checks that only the expected lines changed. */
function edited(source: string, replacements: [string, string][]): string {
  let expected = source;
  for (const [from, to] of replacements) {
    expect(expected).toContain(from);
    expected = expected.replace(from, to);
  }
  return expected;
}

describe('applyEdit', () => {
  it("setFields changes one argument in place and adds new ones in the call's own layout", () => {
    const out = applyEdit(SOURCE, { type: 'setFields', id: 'fetchUsers', fields: { url: 'https://example.com/v2/users', method: 'POST' } });
    expect(out).toBe(
      edited(SOURCE, [
        [
          "{ url: 'https://example.com/users', query: { limit: params.limit } }",
          "{ url: 'https://example.com/v2/users', query: { limit: params.limit }, method: 'POST' }",
        ],
      ]),
    );
    const multiline = applyEdit(SOURCE, {
      type: 'setFields',
      id: 'saveUsers',
      fields: { sql: 'insert into users values (?)', connection: undefined },
    });
    expect(multiline).toBe(
      edited(SOURCE, [["    connection: 'sqlite:users.db',\n    sql: 'insert ...',", "    sql: 'insert into users values (?)',"]]),
    );
    const graph = parseFlowModule(multiline).graph;
    expect(graph.nodes.find((n) => n.id === 'saveUsers')!.fields).toEqual({ sql: 'insert into users values (?)' });
  });

  it('setFields on a positional step and on a code field', () => {
    const source =
      "import { flow } from 'flowdeck';\nimport { transform } from 'flowdeck/tasks';\nconst count = transform.withOptions({ name: 'count' });\nexport default flow({ name: 'x' }, async () => {\n  await count([1, 2], (rows) => rows.length);\n});\n";
    expect(applyEdit(source, { type: 'setFields', id: 'count', fields: { fn: '(rows: number[]) => rows.length * 2' } })).toContain(
      'await count([1, 2], (rows: number[]) => rows.length * 2);',
    );
    expect(applyEdit(source, { type: 'setFields', id: 'count', fields: { value: { a: 1 } } })).toContain(
      'await count({ a: 1 }, (rows) => rows.length);',
    );
    expect(applyEdit(source, { type: 'setFields', id: 'count', fields: { fn: undefined } })).toContain('await count([1, 2]);');
    expect(applyEdit(source, { type: 'setFields', id: 'count', fields: { value: undefined } })).toContain(
      'await count(undefined, (rows) => rows.length);',
    );
    expect(() => applyEdit(source, { type: 'setFields', id: 'count', fields: { fn: '(rows) =>' } })).toThrow(EditError);
  });

  it('setOptions edits the options object, keeping comments beside other options', () => {
    const out = applyEdit(SOURCE, { type: 'setOptions', id: 'saveUsers', options: { retries: 2, timeoutSeconds: 30 } });
    expect(out).toBe(
      edited(SOURCE, [["  tags: ['db'], // the database tag\n", "  tags: ['db'], // the database tag\n  retries: 2,\n  timeoutSeconds: 30,\n"]]),
    );
    const removed = applyEdit(SOURCE, { type: 'setOptions', id: 'fetchUsers', options: { retries: null, name: 'get-users' } });
    expect(removed).toBe(edited(SOURCE, [["{ name: 'fetch-users', retries: 3 }", "{ name: 'get-users' }"]]));
    // Options where there were none yet.
    const bare =
      "import { flow, task } from 'flowdeck';\nimport { notify } from 'flowdeck/tasks';\nconst hi = task(async function hi() {\n  return 1;\n});\nconst tell = notify;\nexport default flow({ name: 'x' }, async () => {\n  await hi();\n  await tell({ message: 'm' });\n});\n";
    const withOptions = applyEdits(bare, [
      { type: 'setOptions', id: 'hi', options: { retries: 1 } },
      { type: 'setOptions', id: 'tell', options: { tags: ['a'] } },
    ]);
    expect(withOptions).toContain('const hi = task({ retries: 1 }, async function hi() {');
    expect(withOptions).toContain("const tell = notify.withOptions({ tags: ['a'] });");
    expect(() => applyEdit(SOURCE, { type: 'setOptions', id: 'fetchUsers', options: { name: '' } })).toThrow(EditError);
  });

  it('addNode writes the declaration, the call before the final return, and the import', () => {
    const out = applyEdit(SOURCE, { type: 'addNode', kind: 'notify', id: 'tellTeam', fields: { message: 'done' } });
    expect(out).toBe(
      edited(SOURCE, [
        ["import { httpRequest, sqlQuery } from 'flowdeck/tasks';", "import { httpRequest, notify, sqlQuery } from 'flowdeck/tasks';"],
        [
          "  tags: ['db'], // the database tag\n});\n",
          "  tags: ['db'], // the database tag\n});\n\nconst tellTeam = notify.withOptions({ name: 'tell-team' });\n",
        ],
        ['  return cleaned.length;', "  await tellTeam({ message: 'done' });\n  return cleaned.length;"],
      ]),
    );
    const after = applyEdit(SOURCE, { type: 'addNode', kind: 'transform', after: 'cleanUsers' });
    expect(after).toContain(
      '  const cleaned = await cleanUsers(users.body); // strip empty rows\n  await transformData(undefined, (value) => value);\n',
    );
    const node = parseFlowModule(after).graph.nodes.find((n) => n.id === 'transformData')!;
    expect(node).toMatchObject({ kind: 'transform', name: 'transform-data', fields: { fn: '(value) => value' } });
  });

  it('addNode adds branches and steps inside their arms', () => {
    const withBranch = applyEdit(SOURCE, { type: 'addNode', kind: 'branch', fields: { condition: 'cleaned.length > 100' } });
    expect(withBranch).toContain('  if (cleaned.length > 100) {\n  }\n  return cleaned.length;');
    const id = parseFlowModule(withBranch).graph.nodes.find((n) => n.kind === 'branch')!.id;
    expect(id).toBe('ifCleanedLength');
    const filled = applyEdits(withBranch, [
      { type: 'addNode', kind: 'pause', id: 'approval', scope: { branch: id, arm: 'then' }, fields: { reason: 'Many users: check first' } },
      { type: 'addNode', kind: 'code', id: 'skip', scope: { branch: id, arm: 'else' } },
    ]);
    expect(filled).toContain(`  if (cleaned.length > 100) {
    const approval = await pauseFlowRun({ reason: 'Many users: check first' });
  } else {
    await skip();
  }`);
    expect(filled).toContain("import { flow, pauseFlowRun, task } from 'flowdeck';");
    const graph = parseFlowModule(filled).graph;
    expect(graph.nodes.find((n) => n.id === 'approval')!.scope).toEqual({ branch: id, arm: 'then' });
    expect(graph.nodes.find((n) => n.id === 'skip')!.scope).toEqual({ branch: id, arm: 'else' });
  });

  it('addNode into a flow written as one expression gives it a body', () => {
    const source =
      "import { flow, task } from 'flowdeck';\nconst a = task({ name: 'a' }, async () => 1);\nexport default flow({ name: 'x' }, async () => a());\n";
    expect(applyEdit(source, { type: 'addNode', kind: 'code', id: 'b' })).toBe(
      "import { flow, task } from 'flowdeck';\nconst a = task({ name: 'a' }, async () => 1);\n\nconst b = task({ name: 'b' }, async (input: unknown) => {\n  return input;\n});\n\nexport default flow({ name: 'x' }, async () => {\n  await b();\n  return a();\n});\n",
    );
  });

  it('removeNode removes the declaration with its comment, the call, the references into it and unused imports', () => {
    const out = applyEdit(SOURCE, { type: 'removeNode', id: 'fetchUsers' });
    expect(out).toBe(
      edited(SOURCE, [
        ["import { httpRequest, sqlQuery } from 'flowdeck/tasks';", "import { sqlQuery } from 'flowdeck/tasks';"],
        ["// Fetch the users from the API.\nconst fetchUsers = httpRequest.withOptions({ name: 'fetch-users', retries: 3 });\n", ''],
        ["  const users = await fetchUsers({ url: 'https://example.com/users', query: { limit: params.limit } });\n", ''],
        ['await cleanUsers(users.body);', 'await cleanUsers();'],
      ]),
    );
    const middle = applyEdit(SOURCE, { type: 'removeNode', id: 'cleanUsers' });
    expect(middle).toContain("    sql: 'insert ...',\n  });");
    expect(middle).not.toContain('cleanUsers');
    // Code the graph does not show is never rewritten, even when it used the removed step.
    expect(middle).toContain('  return cleaned.length;');
  });

  it('removeNode on a branch removes what is inside it', () => {
    const source = applyEdits(SOURCE, [
      { type: 'addNode', kind: 'branch', fields: { condition: 'cleaned.length > 100' } },
      { type: 'addNode', kind: 'pause', id: 'approval', scope: { branch: 'ifCleanedLength', arm: 'then' } },
    ]);
    expect(applyEdit(source, { type: 'removeNode', id: 'ifCleanedLength' })).toBe(SOURCE);
  });

  it('renameNode renames the declaration and every use, and a name that followed the id', () => {
    const out = applyEdit(SOURCE, { type: 'renameNode', id: 'cleanUsers', newId: 'scrubUsers' });
    expect(out).toBe(
      edited(SOURCE, [
        ["const cleanUsers = task({ name: 'clean-users' }", "const scrubUsers = task({ name: 'scrub-users' }"],
        ['await cleanUsers(users.body)', 'await scrubUsers(users.body)'],
      ]),
    );
    const shadowed = SOURCE.replace('return users.filter(Boolean);', 'const saveUsers = 1;\n  return users.filter(Boolean).concat([saveUsers]);');
    const renamed = applyEdit(shadowed, { type: 'renameNode', id: 'saveUsers', newId: 'storeUsers' });
    expect(renamed).toContain('const saveUsers = 1;\n  return users.filter(Boolean).concat([saveUsers]);');
    expect(renamed).toContain('const storeUsers = sqlQuery.withOptions({');
    expect(renamed).toContain('await storeUsers({');
    expect(() => applyEdit(SOURCE, { type: 'renameNode', id: 'cleanUsers', newId: 'users' })).toThrow(/already used/);
    expect(() => applyEdit(SOURCE, { type: 'renameNode', id: 'cleanUsers', newId: '1abc' })).toThrow(EditError);
  });

  it('connect wires a result into an input, naming the result and reordering when needed', () => {
    const withLate = SOURCE.replace("  const users = await fetchUsers({ url: 'https://example.com/users', query: { limit: params.limit } });\n", '')
      .replace('cleanUsers(users.body)', 'cleanUsers([])')
      .replace('  return cleaned.length;', "  await fetchUsers({ url: 'https://example.com/users' });\n  return cleaned.length;");
    const out = applyEdit(withLate, { type: 'connect', source: 'fetchUsers', target: 'cleanUsers', input: 'users', path: ['body'] });
    expect(out).toContain(
      "  const users = await fetchUsers({ url: 'https://example.com/users' });\n  const cleaned = await cleanUsers(users.body); // strip empty rows\n",
    );
    const graph = parseFlowModule(out).graph;
    expect(graph.edges.map((e) => e.id)).toContain('fetchUsers->cleanUsers.users');
    expect(() => applyEdit(SOURCE, { type: 'connect', source: 'saveUsers', target: 'fetchUsers', input: 'body' })).toThrow(/cycle/);
    expect(() => applyEdit(SOURCE, { type: 'connect', source: 'cleanUsers', target: 'saveUsers', input: 'nope' })).toThrow(/has no field 'nope'/);
  });

  it('disconnect removes the binding, or puts back a required starting value', () => {
    expect(applyEdit(SOURCE, { type: 'disconnect', target: 'cleanUsers', input: 'users' })).toContain('await cleanUsers(); // strip empty rows');
    const branch = applyEdit(SOURCE, { type: 'addNode', kind: 'branch', fields: { condition: 'cleaned.length > 100' } });
    expect(applyEdit(branch, { type: 'disconnect', target: 'ifCleanedLength', input: 'condition' })).toContain('  if (true) {\n  }');
    // A literal is not a connection: nothing to cut.
    expect(applyEdit(SOURCE, { type: 'disconnect', target: 'fetchUsers', input: 'url' })).toBe(SOURCE);
  });

  it("setInput binds parameters and expressions in the flow's own style", () => {
    const out = applyEdit(SOURCE, { type: 'setInput', id: 'fetchUsers', input: 'url', binding: { from: 'param', name: 'limit' } });
    expect(out).toContain('await fetchUsers({ url: params.limit, query:');
    const expression = applyEdit(SOURCE, {
      type: 'setInput',
      id: 'fetchUsers',
      input: 'headers',
      binding: { from: 'expression', code: '{ authorization: token }' },
    });
    expect(parseFlowModule(expression).graph.nodes[0].inputs.headers).toEqual({ from: 'expression', code: '{ authorization: token }' });
  });

  it("setParameters rewrites the flow's parameter list", () => {
    const out = applyEdit(SOURCE, {
      type: 'setParameters',
      parameters: [
        { name: 'limit', type: 'number' },
        { name: 'since', type: 'string', optional: true },
      ],
    });
    expect(out).toContain('async (params: { limit: number; since?: string }) => {');
    expect(parseFlowModule(out).graph.parameters).toEqual([
      { name: 'limit', type: 'number' },
      { name: 'since', type: 'string', optional: true },
    ]);
  });

  it('setCode replaces the function a step carries, leaving everything around it as written', () => {
    const code = 'async (users: unknown[]) => {\n  // rewritten\n  return users.slice(0, 10);\n}';
    const out = applyEdit(SOURCE, { type: 'setCode', id: 'cleanUsers', code });
    expect(out).toBe(edited(SOURCE, [['async (users: unknown[]) => {\n  // a hand-written body\n  return users.filter(Boolean);\n}', code]]));
    expect(parseFlowModule(out).graph.nodes.find((n) => n.id === 'cleanUsers')?.code).toBe(code);
    expect(GraphEditSchema.parse({ type: 'setCode', id: 'cleanUsers', code })).toEqual({ type: 'setCode', id: 'cleanUsers', code });
  });

  it('setCode finds a function written on lines of its own and writes the new one at its indent', () => {
    const source = [
      "import { flow, task } from 'flowdeck';",
      '',
      'const double = task(',
      "  { name: 'double', tags: ['a rather long tag', 'and another one to break the line'], retries: 2 },",
      '  async (n: number) => {',
      '    return n * 2;',
      '  },',
      ');',
      '',
      "export default flow({ name: 'd' }, async () => {",
      '  await double(2);',
      '});',
      '',
    ].join('\n');
    const out = applyEdit(source, { type: 'setCode', id: 'double', code: 'async (n: number) => {\n  // triple now\n  return n * 3;\n}' });
    expect(out).toBe(
      source.replace('  async (n: number) => {\n    return n * 2;\n  },', '  async (n: number) => {\n    // triple now\n    return n * 3;\n  },'),
    );
    expect(parseFlowModule(out).graph.nodes.find((n) => n.id === 'double')?.code).toBe('async (n: number) => {\n  // triple now\n  return n * 3;\n}');
  });

  it('setCode refuses a step without code, and code that does not fit where the function was', () => {
    expect(() => applyEdit(SOURCE, { type: 'setCode', id: 'fetchUsers', code: 'async () => 1' })).toThrow(/no node 'fetchUsers' with code/);
    expect(() => applyEdit(SOURCE, { type: 'setCode', id: 'nope', code: 'async () => 1' })).toThrow(EditError);
    expect(() => applyEdit(SOURCE, { type: 'setCode', id: 'cleanUsers', code: 'async () => {' })).toThrow(/does not fit in the flow/);
  });

  it('refuses to edit code that does not parse, or nodes that do not exist', () => {
    expect(() => applyEdit(`${SOURCE}\nconst = ;`, { type: 'removeNode', id: 'fetchUsers' })).toThrow(/syntax errors/);
    expect(() => applyEdit(SOURCE, { type: 'removeNode', id: 'nope' })).toThrow(/no node 'nope'/);
    expect(() => applyEdit(SOURCE, { type: 'addNode', kind: 'nope' })).toThrow(/no node kind/);
  });
});

describe('uniqueNodeId', () => {
  it('makes an identifier from a base that no node, result or import uses', () => {
    const { graph } = parseFlowModule(SOURCE);
    expect(uniqueNodeId(graph, 'fetch users')).toBe('fetchUsers2');
    expect(uniqueNodeId(graph, 'users')).toBe('users2');
    expect(uniqueNodeId(graph, 'Send report')).toBe('sendReport');
    expect(uniqueNodeId(graph, 'httpRequest')).toBe('httpRequest2');
    expect(uniqueNodeId(graph, '')).toBe('step');
  });
});

describe('edits of steps that share a task or are returned', () => {
  const REPEATED = `import { flow, task } from 'flowdeck';

const double = task({ name: 'double' }, (n: number) => n * 2);

export default flow({ name: 'x' }, async () => {
  const first = await double(1);
  const second = await double(first);
  return double(second);
});
`;

  it('removing one call of a task keeps the declaration the other calls use', () => {
    const after = applyEdit(REPEATED, { type: 'removeNode', id: 'double2' });
    expect(after).toBe(REPEATED.replace('  return double(second);\n', ''));
    const removedFirst = applyEdits(REPEATED, [
      { type: 'removeNode', id: 'double2' },
      { type: 'removeNode', id: 'second' },
      { type: 'removeNode', id: 'double' },
    ]);
    expect(removedFirst).not.toContain('const double');
    expect(parseFlowModule(removedFirst).graph.nodes).toEqual([]);
  });

  it('renaming a further call renames its result variable; renaming the first renames the task', () => {
    const renamed = applyEdit(REPEATED, { type: 'renameNode', id: 'second', newId: 'twice' });
    expect(renamed).toBe(REPEATED.replace('const second =', 'const twice =').replace('double(second)', 'double(twice)'));
    expect(() => applyEdit(REPEATED, { type: 'renameNode', id: 'double2', newId: 'last' })).toThrow(/what the flow returns/);
    const task = applyEdit(REPEATED, { type: 'renameNode', id: 'double', newId: 'twoTimes' });
    expect(task.match(/twoTimes/g)).toHaveLength(4);
    expect(parseFlowModule(task).graph.nodes.map((n) => [n.id, n.repeats ?? null])).toEqual([
      ['twoTimes', null],
      ['second', 'twoTimes'],
      ['twoTimes2', 'twoTimes'],
    ]);
  });

  it('a returned step cannot feed another step until its result is stored', () => {
    expect(() => applyEdit(REPEATED, { type: 'connect', source: 'double2', target: 'second', input: 'n' })).toThrow(EditError);
  });

  it('adding a step to a flow written as one returned call gives it a body, the call still returned', () => {
    const concise =
      "import { flow, task } from 'flowdeck';\n\nconst query = task({ name: 'query' }, async (table: string) => table);\n\nexport default flow({ name: 'x' }, async () => query.map(['a']).result());\n";
    const after = applyEdit(concise, { type: 'addNode', kind: 'notify', id: 'tell', after: 'query' });
    expect(after).toContain(
      "export default flow({ name: 'x' }, async () => {\n  await tell({ message: 'Flow finished' });\n  return query.map(['a']).result();\n});",
    );
    const { graph } = parseFlowModule(after);
    expect(graph.regions).toEqual([]);
    expect(graph.nodes.find((n) => n.id === 'query')).toMatchObject({ kind: 'map', returned: true });
    const emptied = applyEdit(concise, { type: 'removeNode', id: 'query' });
    expect(emptied).toBe("import { flow } from 'flowdeck';\n\nexport default flow({ name: 'x' }, async () => {});\n");
  });
});
