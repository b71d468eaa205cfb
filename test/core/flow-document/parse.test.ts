import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { applyEdit, generateFlowModule, parseFlowModule, type FlowGraph, type GraphNode } from '../../../app/core/flow-document/index.js';
import { normalize, USERS_ETL } from './support.js';

function node(graph: FlowGraph, id: string): GraphNode {
  const found = graph.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id} in ${graph.nodes.map((n) => n.id).join(', ')}`);
  return found;
}

function at(source: string, span: { start: number; end: number }): string {
  return source.slice(span.start, span.end);
}

describe('parseFlowModule', () => {
  it('reads tasks, their calls, edges, parameters and what is left as code', () => {
    const { graph, problems } = parseFlowModule(USERS_ETL);
    expect(problems).toEqual([]);
    expect(graph.flowName).toBe('users-etl');
    expect(graph.parameters).toEqual([{ name: 'limit', type: 'number' }]);
    expect(graph.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['fetchUsers', 'httpRequest'],
      ['cleanUsers', 'code'],
      ['ifCleanedLength', 'branch'],
      ['saveUsers', 'sqlQuery'],
      ['countUsers', 'transform'],
    ]);
    const fetch = node(graph, 'fetchUsers');
    expect(fetch).toMatchObject({
      name: 'fetch-users',
      fields: { url: 'https://example.com/users', method: 'GET' },
      options: { retries: 3, retryDelaySeconds: [1, 5], tags: ['api'] },
      inputs: { query: { from: 'expression', code: '{ limit: params.limit }' } },
      output: 'users',
      comment: '// Fetch the users from the API.',
    });
    expect(at(USERS_ETL, fetch.span)).toMatch(/^const fetchUsers = httpRequest\.withOptions/);
    expect(at(USERS_ETL, fetch.callSpan!)).toMatch(/^const users = await fetchUsers\(/);
    const clean = node(graph, 'cleanUsers');
    expect(clean.code).toBe('async (users: unknown[]) => {\n  // a hand-written body: kept verbatim\n  return users.filter(Boolean);\n}');
    expect(clean.inputs).toEqual({ users: { from: 'node', node: 'fetchUsers', path: ['body'] } });
    expect(node(graph, 'ifCleanedLength').fields).toEqual({ condition: 'cleaned.length > 0' });
    expect(node(graph, 'saveUsers').scope).toEqual({ branch: 'ifCleanedLength', arm: 'then' });
    expect(node(graph, 'countUsers')).toMatchObject({
      fields: { fn: '(rows) => rows.length' },
      inputs: { value: { from: 'node', node: 'cleanUsers' } },
    });
    expect(graph.edges.map((e) => e.id)).toEqual([
      'fetchUsers->cleanUsers.users',
      'cleanUsers->ifCleanedLength.condition',
      'cleanUsers->saveUsers.params',
      'cleanUsers->countUsers.value',
    ]);
    expect(graph.regions).toEqual([
      { id: expect.stringMatching(/^code-/), code: 'return count;', scope: 'flow', after: 'countUsers', span: expect.anything() },
    ]);
  });

  it('binds parameters written either way, with property paths', () => {
    const destructured = `import { flow } from 'flowdeck';
import { readFile } from 'flowdeck/tasks';
const load = readFile.withOptions({ name: 'load' });
export default flow({ name: 'x' }, async ({ path, options: opts }: { path: string; options?: { encoding: string } }) => {
  await load({ path, encoding: opts.encoding });
});
`;
    const { graph } = parseFlowModule(destructured);
    expect(graph.parametersDestructured).toBe(true);
    expect(graph.parameters).toEqual([
      { name: 'path', type: 'string' },
      { name: 'options', type: '{ encoding: string }', optional: true },
    ]);
    expect(node(graph, 'load').inputs).toEqual({
      path: { from: 'param', name: 'path' },
      encoding: { from: 'param', name: 'options', path: ['encoding'] },
    });
  });

  it('reads literal fields exactly, and keeps other expressions as code', () => {
    const source = `import { flow } from 'flowdeck';
import { httpRequest } from 'flowdeck/tasks';
const post = httpRequest.withOptions({ name: 'post' });
export default flow({ name: 'x' }, async () => {
  await post({
    url: \`https://example.com\`,
    body: { n: -1.5, list: [1, 'two', null, true], 'odd key': { nested: 0x10 } },
    headers: { authorization: \`Bearer \${process.env.TOKEN}\` },
    timeoutSeconds: 1_000,
  });
});
`;
    const { graph } = parseFlowModule(source);
    expect(node(graph, 'post').fields).toEqual({
      url: 'https://example.com',
      body: { n: -1.5, list: [1, 'two', null, true], 'odd key': { nested: 16 } },
      timeoutSeconds: 1000,
    });
    expect(node(graph, 'post').inputs).toEqual({ headers: { from: 'expression', code: '{ authorization: `Bearer ${process.env.TOKEN}` }' } });
  });

  it('reads map, subflow (inline and imported) and pause steps', () => {
    const source = `import { flow, pauseFlowRun, task } from 'flowdeck';
import ingest from './ingest.js';

const scoreAll = task({ name: 'score' }, async (item: number, weight: number) => item * weight);
const child = flow({ name: 'child-flow' }, async (p: { n: number }) => p.n);

export default flow({ name: 'parent' }, async (params: { items: number[] }) => {
  const scores = await scoreAll.map(params.items, 2).result();
  const approval = await pauseFlowRun({ reason: 'Check the scores', timeoutSeconds: 600 });
  await pauseFlowRun({ reason: 'Again' });
  const fromChild = await child({ n: scores.length });
  await ingest({ source: 'crm' });
});
`;
    const { graph, problems } = parseFlowModule(source);
    expect(problems).toEqual([]);
    expect(node(graph, 'scoreAll')).toMatchObject({
      kind: 'map',
      inputs: { item: { from: 'param', name: 'items' } },
      fields: { weight: 2 },
      output: 'scores',
      code: 'async (item: number, weight: number) => item * weight',
    });
    expect(node(graph, 'approval')).toMatchObject({ kind: 'pause', output: 'approval', fields: { reason: 'Check the scores', timeoutSeconds: 600 } });
    expect(node(graph, 'approval2')).toMatchObject({ kind: 'pause', fields: { reason: 'Again' } });
    expect(node(graph, 'approval2').output).toBeUndefined();
    expect(node(graph, 'child')).toMatchObject({
      kind: 'subflow',
      name: 'child-flow',
      code: "flow({ name: 'child-flow' }, async (p: { n: number }) => p.n)",
      inputs: { n: { from: 'node', node: 'scoreAll', path: ['length'] } },
    });
    expect(graph.edges.map((e) => e.id)).toContain('scoreAll->child.n');
    expect(node(graph, 'ingest')).toMatchObject({ kind: 'subflow', importFrom: './ingest.js', fields: { source: 'crm' } });
  });

  it('reads maps kept as futures, their results, and calls in return statements', () => {
    const source = `import { flow, task, unmapped } from 'flowdeck';

const score = task({ name: 'score' }, (item: number, weight: number) => item * weight);
const total = task({ name: 'total' }, (values: number[]) => values.reduce((a, b) => a + b, 0));

export default flow({ name: 'x' }, async ({ items, weight }: { items: number[]; weight: number }) => {
  const scores = score.map(items, unmapped(weight));
  return total(await scores.result());
});
`;
    const { graph, problems } = parseFlowModule(source);
    expect(problems).toEqual([]);
    expect(graph.regions).toEqual([]);
    expect(node(graph, 'score')).toMatchObject({
      kind: 'map',
      futures: true,
      output: 'scores',
      inputs: { item: { from: 'param', name: 'items' }, weight: { from: 'expression', code: 'unmapped(weight)' } },
    });
    expect(node(graph, 'total')).toMatchObject({
      kind: 'code',
      returned: true,
      inputs: { values: { from: 'expression', code: 'await scores.result()' } },
    });
    expect(graph.edges.map((e) => e.id)).toEqual(['score->total.values']);
    expect(generateFlowModule(graph)).toBe(source);
  });

  it('reads a flow whose body is one returned call, mapped or not', () => {
    const mapped =
      "import { flow, task } from 'flowdeck';\n\nconst query = task({ name: 'query' }, async (table: string) => table);\n\nexport default flow({ name: 'x' }, async () => query.map(['a', 'b']).result());\n";
    const { graph } = parseFlowModule(mapped);
    expect(graph.conciseBody).toBe(true);
    expect(graph.regions).toEqual([]);
    expect(node(graph, 'query')).toMatchObject({ kind: 'map', returned: true, fields: { table: ['a', 'b'] } });
    expect(node(graph, 'query').futures).toBeUndefined();
    expect(generateFlowModule(graph)).toBe(mapped);
    // An expression that is not a step stays code, written back as the flow's return.
    const other = "import { flow } from 'flowdeck';\n\nexport default flow({ name: 'x' }, async () => 1 + 1);\n";
    expect(parseFlowModule(other).graph.regions.map((r) => r.code)).toEqual(['return 1 + 1;']);
  });

  it('reads a task called twice as two steps with ids of their own, and calls per item inside Promise.all', () => {
    const source = `import { flow, task } from 'flowdeck';
import ingest from './ingest.js';

const double = task({ name: 'double' }, (n: number) => n * 2);

export default flow({ name: 'x' }, async (params: { sources: string[] }) => {
  const first = await double(1);
  const second = await double(first);
  await double(second);
  const counts = await Promise.all(params.sources.map((source) => ingest(source, 10)));
  return double(counts.length);
});
`;
    const { graph, problems } = parseFlowModule(source);
    expect(problems).toEqual([]);
    expect(graph.regions).toEqual([]);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.repeats ?? null])).toEqual([
      ['double', 'code', null],
      ['second', 'code', 'double'],
      ['double2', 'code', 'double'],
      ['ingest', 'subflow', null],
      ['double3', 'code', 'double'],
    ]);
    expect(node(graph, 'second')).toMatchObject({ name: 'double', inputs: { n: { from: 'node', node: 'double' } }, output: 'second' });
    expect(at(source, node(graph, 'second').span)).toBe('const second = await double(first);');
    expect(node(graph, 'ingest')).toMatchObject({
      positional: true,
      each: { list: 'params.sources', item: 'source' },
      inputs: { arg0: { from: 'expression', code: 'source' } },
      fields: { arg1: 10 },
      output: 'counts',
    });
    expect(node(graph, 'double3')).toMatchObject({ returned: true, inputs: { n: { from: 'node', node: 'ingest', path: ['length'] } } });
    expect(graph.edges.map((e) => e.id)).toEqual(['double->second.n', 'second->double2.n', 'ingest->double3.n']);
    expect(generateFlowModule(graph)).toBe(source);
    // The ids stay the same when the file is read again.
    expect(parseFlowModule(source).graph.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
  });

  it('reads a subflow called with positional arguments by the names of its parameters', () => {
    const source = `import { flow } from 'flowdeck';

const child = flow({ name: 'child' }, async (n: number, label: string) => \`\${label}: \${n}\`);

export default flow({ name: 'x' }, async () => {
  const a = await child(11, 'eleven');
  return child(a.length, 'again');
});
`;
    const { graph } = parseFlowModule(source);
    expect(graph.regions).toEqual([]);
    expect(node(graph, 'child')).toMatchObject({ kind: 'subflow', positional: true, fields: { n: 11, label: 'eleven' }, output: 'a' });
    expect(node(graph, 'child2')).toMatchObject({
      repeats: 'child',
      returned: true,
      inputs: { n: { from: 'node', node: 'child', path: ['length'] } },
      fields: { label: 'again' },
    });
    expect(generateFlowModule(graph)).toBe(source);
    // Editing a positional argument changes that argument alone.
    const edited = applyEdit(source, { type: 'setFields', id: 'child', fields: { label: 'twelve' } });
    expect(edited).toBe(source.replace("child(11, 'eleven')", "child(11, 'twelve')"));
  });

  it('keeps calls that are not steps as code: floating promises, loops, maps of other things', () => {
    const source = `import { flow, task } from 'flowdeck';
const step = task({ name: 'step' }, async (n: number) => n);
export default flow({ name: 'x' }, async () => {
  step(1);
  for (const n of [1, 2]) await step(n);
  const all = await Promise.all([1, 2].map(async (n) => step(n)));
  return [1, 2].map((n) => n * 2);
});
`;
    const { graph } = parseFlowModule(source);
    expect(graph.nodes.map((n) => [n.id, n.uncalled ?? false])).toEqual([['step', true]]);
    expect(graph.regions.map((r) => r.code)).toEqual([
      'step(1);',
      'for (const n of [1, 2]) await step(n);',
      'const all = await Promise.all([1, 2].map(async (n) => step(n)));',
      'return [1, 2].map((n) => n * 2);',
    ]);
  });

  it('reads nested branches, else arms and else-if chains', () => {
    const source = `import { flow } from 'flowdeck';
import { notify } from 'flowdeck/tasks';
const a = notify.withOptions({ name: 'a' });
const b = notify.withOptions({ name: 'b' });
const c = notify.withOptions({ name: 'c' });
export default flow({ name: 'x' }, async (params: { mode: string }) => {
  if (params.mode === 'a') {
    await a({ message: 'a' });
  } else if (params.mode === 'b') {
    await b({ message: 'b' });
  } else {
    await c({ message: 'c' });
  }
});
`;
    const { graph } = parseFlowModule(source);
    expect(graph.nodes.map((n) => [n.id, n.scope ?? null])).toEqual([
      ['ifModeA', null],
      ['a', { branch: 'ifModeA', arm: 'then' }],
      ['ifModeB', { branch: 'ifModeA', arm: 'else' }],
      ['b', { branch: 'ifModeB', arm: 'then' }],
      ['c', { branch: 'ifModeB', arm: 'else' }],
    ]);
  });

  it('keeps everything it cannot show as nodes as verbatim regions, in place', () => {
    const source = `// Header comment.
import { flow, getRunLogger, task } from 'flowdeck';
import { z } from 'zod';

function helper(n: number): number {
  return n * 2;
}

const step = task({ name: 'step' }, async (n: number) => helper(n));

export default flow({ name: 'x', parameters: z.object({ n: z.number() }) }, async (params: { n: number }) => {
  const logger = getRunLogger();
  for (let i = 0; i < 3; i++) {
    logger.info(String(i));
  }
  // Why we call step here.
  const out = await step(params.n);
  return out;
  // trailing note
});

export const extra = 1;
`;
    const { graph, problems } = parseFlowModule(source);
    expect(problems).toEqual([]);
    expect(graph.comment).toBe('// Header comment.');
    expect(graph.flowOptions).toEqual(['parameters: z.object({ n: z.number() })']);
    expect(graph.regions.map((r) => [r.code, r.scope, r.after])).toEqual([
      ['const logger = getRunLogger();', 'flow', null],
      [expect.stringMatching(/^for \(let i = 0; i < 3; i\+\+\) \{\n {2}logger\.info/), 'flow', expect.stringMatching(/^code-/)],
      ['// Why we call step here.', 'flow', graph.regions[1].id],
      ['return out;', 'flow', 'step'],
      ['// trailing note', 'flow', graph.regions[3].id],
      ["import { z } from 'zod';", 'module', null],
      [expect.stringMatching(/^function helper/), 'module', graph.regions[5].id],
      ['export const extra = 1;', 'module', '$flow'],
    ]);
  });

  it('marks tasks the flow does not call, without losing them', () => {
    const source = `import { flow, task } from 'flowdeck';
const once = task({ name: 'once' }, async () => 1);
const unused = task({ name: 'unused' }, async () => 2);
export default flow({ name: 'x' }, async () => {
  await once();
});
`;
    const { graph, problems } = parseFlowModule(source);
    expect(node(graph, 'unused').uncalled).toBe(true);
    expect(graph.regions).toEqual([]);
    expect(problems.map((p) => [p.nodeId, p.severity])).toEqual([['unused', 'warning']]);
  });

  it('reports syntax errors with positions instead of throwing', () => {
    const source = "import { flow } from 'flowdeck';\nexport default flow({ name: 'x' }, async () => {\n  const a = ;\n});\n";
    const { problems } = parseFlowModule(source);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ severity: 'error', message: 'Expression expected.' });
    expect(source.slice(problems[0].span!.start, problems[0].span!.end)).toBe(';');
    expect(() => parseFlowModule('export default flow({{{')).not.toThrow();
  });

  it('reports a module without a default-exported flow', () => {
    const { problems, graph } = parseFlowModule("import { task } from 'flowdeck';\nconst a = task({ name: 'a' }, async () => 1);\n");
    expect(problems.some((p) => p.severity === 'error' && /default-exported flow/.test(p.message))).toBe(true);
    expect(graph.nodes.map((n) => n.id)).toEqual(['a']);
  });

  it('takes a flow declared as a const and exported by name', () => {
    const source =
      "import { flow } from 'flowdeck';\nconst usersEtl = flow({ name: 'users-etl' }, async () => {\n  return 1;\n});\nexport default usersEtl;\n";
    const { graph } = parseFlowModule(source);
    expect(graph).toMatchObject({ flowName: 'users-etl', flowVariable: 'usersEtl' });
    expect(normalize(parseFlowModule(generateFlowModule(graph)).graph)).toEqual(normalize(graph));
  });

  it('parses a 500-task module', () => {
    const declarations: string[] = [];
    const calls: string[] = [];
    for (let i = 0; i < 500; i++) {
      declarations.push(`const step${i} = task({ name: 'step-${i}', retries: ${i % 3} }, async (input: unknown) => {\n  return [input, ${i}];\n});`);
      calls.push(`  const out${i} = await step${i}(${i === 0 ? 'params.seed' : `out${i - 1}`});`);
    }
    const source = `import { flow, task } from 'flowdeck';\n\n${declarations.join('\n')}\n\nexport default flow({ name: 'big' }, async (params: { seed: number }) => {\n${calls.join('\n')}\n});\n`;
    const { graph, problems } = parseFlowModule(source);
    expect(problems).toEqual([]);
    expect(graph.nodes).toHaveLength(500);
    expect(graph.edges).toHaveLength(499);
  });
});

/** Identifiers, literals and comments: what a file says, leaving out layout and punctuation. */
function words(source: string): { tokens: string[]; comments: string[] } {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  const tokens: string[] = [];
  const comments: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const text = scanner.getTokenText();
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) comments.push(text.trim());
    else if (kind === ts.SyntaxKind.Identifier || (kind >= ts.SyntaxKind.FirstKeyword && kind <= ts.SyntaxKind.LastKeyword)) tokens.push(text);
    else if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NumericLiteral) tokens.push(text.replace(/^"|"$/g, "'"));
  }
  return { tokens: tokens.sort(), comments };
}

describe('the examples in resources/examples', () => {
  const dir = resolve(import.meta.dirname, '../../../resources/examples');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    it(`${file}: loses nothing`, () => {
      const source = readFileSync(join(dir, file), 'utf8');
      const { graph, problems } = parseFlowModule(source);
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      // Every statement is a step, the flow, an SDK import, or a region holding it verbatim.
      const regionText = graph.regions.map((r) => r.code).join('\n');
      const file_ = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
      for (const statement of file_.statements) {
        const text = statement.getText();
        const isStep = graph.nodes.some((n) => n.span.start === statement.getStart());
        const isFlow = /^export default flow\(/.test(text) || (graph.flowVariable !== undefined && text.includes(graph.flowVariable));
        const isSdkImport = /from 'flowdeck(\/tasks)?';$/.test(text);
        if (!isStep && !isFlow && !isSdkImport) expect(regionText).toContain(text.split('\n')[0]);
      }
      // Writing the graph back says the same: the same words and every comment.
      const regenerated = generateFlowModule(graph);
      const before = words(source);
      const after = words(regenerated);
      for (const comment of before.comments) expect(after.comments).toContain(comment);
      const added = [...after.tokens];
      for (const token of before.tokens) {
        const i = added.indexOf(token);
        expect(i, `'${token}' is missing from\n${regenerated}`).toBeGreaterThanOrEqual(0);
        added.splice(i, 1);
      }
      // A flow written as an expression gains only `return`.
      expect(added.filter((t) => t !== 'return')).toEqual([]);
      expect(normalize(parseFlowModule(regenerated).graph)).toEqual(normalize(graph));
    });
  }
});
