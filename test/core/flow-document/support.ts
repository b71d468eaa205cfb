import fc from 'fast-check';
import {
  edgeId,
  FLOW_ANCHOR,
  NODE_KINDS,
  type FieldSpec,
  type FlowGraph,
  type GraphEdge,
  type GraphNode,
  type InputBinding,
  type NodeKind,
  type NodeScope,
  type UnparsedRegion,
} from '../../../app/core/flow-document/index.js';
import { branchIdBase } from '../../../app/core/flow-document/ids.js';

/** A small flow with a step of most shapes, as people write them. */
export const USERS_ETL = `import { flow, task } from 'flowdeck';
import { httpRequest, sqlQuery, transform } from 'flowdeck/tasks';

// Fetch the users from the API.
const fetchUsers = httpRequest.withOptions({ name: 'fetch-users', retries: 3, retryDelaySeconds: [1, 5], tags: ['api'] });
const cleanUsers = task({ name: 'clean-users' }, async (users: unknown[]) => {
  // a hand-written body: kept verbatim
  return users.filter(Boolean);
});
const saveUsers = sqlQuery.withOptions({ name: 'save-users' });
const countUsers = transform.withOptions({ name: 'count-users' });

export default flow({ name: 'users-etl' }, async (params: { limit: number }) => {
  const users = await fetchUsers({ url: 'https://example.com/users', method: 'GET', query: { limit: params.limit } });
  const cleaned = await cleanUsers(users.body);
  if (cleaned.length > 0) {
    await saveUsers({ connection: 'sqlite:users.db', sql: 'insert ...', params: [cleaned] });
  }
  const count = await countUsers(cleaned, (rows) => rows.length);
  return count;
});
`;

/** A graph without text positions, in a stable order, with region ids replaced by their code. */
export function normalize(graph: FlowGraph): unknown {
  const regionName = new Map(graph.regions.map((r) => [r.id, `region:${r.code}`]));
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    ...graph,
    nodes: graph.nodes.map(({ span: _s, callSpan: _c, ...n }) => n).sort(byId),
    edges: [...graph.edges].sort(byId),
    regions: graph.regions
      .map(({ span: _s, ...r }) => ({
        ...r,
        id: regionName.get(r.id)!,
        after: r.after !== null && regionName.has(r.after) ? regionName.get(r.after)! : r.after,
      }))
      .sort(byId),
  };
}

const SPAN = { start: 0, end: 0 };
const PARAMETER_POOL = ['limit', 'region', 'dryRun', 'since'];
const WORDS = ['fetch', 'load', 'clean', 'score', 'save', 'send', 'merge', 'check'];
const CODE_PARAMETERS = ['input', 'rows', 'count'];
const SUBFLOW_KEYS = ['source', 'limit', 'mode'];
const EXPRESSIONS = ['Date.now()', 'new Date().toISOString()', '[1, 2].map((n) => n * 2)'];
const PATHS = ['body', 'rows', 'value'];

const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__');
const json = fc
  .jsonValue({ maxDepth: 2 })
  .filter((v) => !JSON.stringify(v).includes('"__proto__"'))
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** A value the field's own schema accepts. */
export function fieldValue(spec: FieldSpec): fc.Arbitrary<unknown> {
  return anyFieldValue(spec).filter((v) => spec.schema.safeParse(v).success);
}

function anyFieldValue(spec: FieldSpec): fc.Arbitrary<unknown> {
  if (/url/i.test(spec.name)) return fc.constantFrom('https://example.com/a', 'https://example.com/users?limit=5');
  if (spec.name === 'auth') return fc.constantFrom({ scheme: 'basic', user: 'ada' }, { scheme: 'bearer', token: 'tok' });
  if (spec.name === 'expectStatus')
    return fc.oneof(fc.integer({ min: 200, max: 299 }), fc.array(fc.integer({ min: 200, max: 599 }), { maxLength: 3 }));
  switch (spec.control) {
    case 'text':
      return fc.string({ minLength: 1, maxLength: 20 });
    case 'multiline':
      return fc.string({ minLength: 1, maxLength: 40 });
    case 'number':
      return fc.integer({ min: 1, max: 3600 });
    case 'boolean':
      return fc.boolean();
    case 'select':
      return fc.constantFrom(...(spec.choices ?? ['x']));
    case 'list':
      return fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 });
    case 'keyValue':
      return fc.dictionary(key, fc.string({ maxLength: 8 }), { maxKeys: 3 });
    case 'code':
      return fc.constantFrom('(value) => value', '(rows: unknown[]) => rows.length', '(v: unknown) => String(v)');
    default:
      return json;
  }
}

export const options = fc.record(
  {
    retries: fc.integer({ min: 0, max: 5 }),
    retryDelaySeconds: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 3 })),
    timeoutSeconds: fc.integer({ min: 1, max: 600 }),
    cacheExpirationSeconds: fc.integer({ min: 0, max: 86_400 }),
    cachePolicy: fc.constantFrom('inputs' as const, 'taskSource' as const, 'default' as const, 'none' as const),
    tags: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

export function pick<T>(g: fc.GeneratorValue, list: readonly T[]): T {
  return list[g(fc.integer, { min: 0, max: list.length - 1 })];
}

interface Built {
  graph: FlowGraph;
}

/** A random but valid flow graph: kinds from the registry, valid fields, edges only from earlier steps in reach. */
export function randomGraph(g: fc.GeneratorValue, maxNodes = 8): Built {
  const parameters = PARAMETER_POOL.slice(0, g(fc.integer, { min: 0, max: 3 })).map((name) => ({
    name,
    type: g(fc.constantFrom, 'string', 'number', 'boolean'),
    ...(g(fc.boolean) ? { optional: true } : {}),
  }));
  const destructured = parameters.length > 0 && g(fc.boolean);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const regions: UnparsedRegion[] = [];
  const scopes: (NodeScope | undefined)[] = [undefined];
  const scopeKey = (s: NodeScope | undefined) => (s ? `${s.branch}:${s.arm}` : 'flow');
  const chainOf = (s: NodeScope | undefined): Set<string> => {
    const keys = new Set(['flow']);
    let current = s;
    while (current) {
      keys.add(scopeKey(current));
      current = nodes.find((n) => n.id === current!.branch)?.scope;
    }
    return keys;
  };
  const regionAnchors = new Set<string | null>();
  const count = g(fc.integer, { min: 1, max: maxNodes });
  for (let i = 0; i < count; i++) {
    const kind: NodeKind = pick(g, NODE_KINDS);
    const scope = scopes[g(fc.integer, { min: 0, max: scopes.length - 1 })];
    const chain = chainOf(scope);
    const visible = nodes.filter((n) => n.output && !n.uncalled && chain.has(scopeKey(n.scope)));
    const paramRef = (name: string, path?: string[]): string => `${destructured ? '' : 'params.'}${name}${path ? `.${path.join('.')}` : ''}`;
    const binding = (): InputBinding => {
      const choice = g(fc.integer, { min: 0, max: 4 });
      if (choice === 0 && visible.length > 0) {
        const source = pick(g, visible);
        return g(fc.boolean) ? { from: 'node', node: source.id, path: [g(fc.constantFrom, ...PATHS)] } : { from: 'node', node: source.id };
      }
      if (choice === 1 && parameters.length > 0) {
        const name = pick(g, parameters).name;
        return g(fc.boolean) ? { from: 'param', name, path: ['length'] } : { from: 'param', name };
      }
      if (choice === 3) return { from: 'secret', name: g(fc.constantFrom, 'db-url', 'api-token') };
      if (choice === 4) return { from: 'block', type: 'sql-connection', name: g(fc.constantFrom, 'warehouse', 'reports') };
      return { from: 'expression', code: g(fc.constantFrom, ...EXPRESSIONS) };
    };
    const word = g(fc.constantFrom, ...WORDS);
    let id = `${word}Step${i}`;
    const node: GraphNode = { id, kind: kind.id, name: id, fields: {}, options: {}, inputs: {}, span: SPAN };
    const syntax = kind.syntax;
    const uncalled = (syntax.form === 'library' || (syntax.form === 'task' && syntax.call === 'direct')) && g(fc.integer, { min: 0, max: 9 }) === 0;

    if (syntax.form === 'if') {
      const subject =
        visible.length > 0 && g(fc.boolean)
          ? `${pick(g, visible).output}.length`
          : parameters.length > 0
            ? paramRef(parameters[0].name)
            : 'Date.now()';
      node.fields.condition = `'case${i}' !== String(${subject})`;
      id = branchIdBase(node.fields.condition as string);
      node.id = id;
      node.name = id;
    } else if (syntax.form === 'sdkCall') {
      id = `approval${i}`;
      node.id = id;
      node.name = id;
      node.output = id;
    } else {
      node.name = g(fc.constantFrom, id, `${word}-${i}`, `Step ${i}: ${word}`);
    }

    if (!uncalled) {
      if (syntax.form === 'task') {
        const arity = syntax.call === 'map' ? 1 : g(fc.integer, { min: 1, max: 3 });
        const names = syntax.call === 'map' ? ['item'] : CODE_PARAMETERS.slice(0, arity);
        node.code = `async (${names.map((n) => `${n}: unknown`).join(', ')}) => {\n  return ${names.length === 1 ? names[0] : `[${names.join(', ')}]`};\n}`;
        const given = syntax.call === 'map' ? 1 : g(fc.integer, { min: 0, max: arity });
        for (const name of names.slice(0, given)) {
          if (g(fc.boolean)) node.inputs[name] = binding();
          else node.fields[name] = syntax.call === 'map' ? g(() => fc.array(json, { maxLength: 3 })) : g(() => json);
        }
      } else if (syntax.form === 'flow') {
        if (g(fc.boolean)) {
          node.importFrom = `./child-${i}.js`;
          node.name = id;
        } else {
          node.name = `child-${i}`;
          node.code = `flow({ name: 'child-${i}' }, async () => {\n  return ${i};\n})`;
        }
        for (const k of SUBFLOW_KEYS) {
          const choice = g(fc.integer, { min: 0, max: 4 });
          if (choice === 1) node.fields[k] = g(() => json);
          else if (choice === 2) node.inputs[k] = binding();
        }
      } else if (syntax.form === 'library' || syntax.form === 'sdkCall') {
        const positional = syntax.args.style === 'positional';
        for (const spec of kind.fields) {
          const choice = g(fc.integer, { min: 0, max: 4 });
          const wanted = spec.required || positional || choice > 0;
          if (!wanted) continue;
          if (spec.input && spec.control !== 'code' && choice === 2) node.inputs[spec.name] = binding();
          else node.fields[spec.name] = g(() => fieldValue(spec));
        }
      }
      if (syntax.form !== 'if' && syntax.form !== 'sdkCall') node.output = `${id}Out`;
      if (scope) node.scope = scope;
    } else {
      node.uncalled = true;
      if (syntax.form === 'task') node.code = 'async () => {\n  return 1;\n}';
    }
    if (kind.taskOptions) node.options = g(() => options);
    const declared = syntax.form === 'library' || syntax.form === 'task' || (syntax.form === 'flow' && node.importFrom === undefined);
    if (declared && g(fc.integer, { min: 0, max: 3 }) === 0) node.comment = `// note about ${id}`;
    nodes.push(node);

    for (const [input, b] of Object.entries(node.inputs))
      if (b.from === 'node') edges.push({ id: edgeId(b.node, id, input), source: b.node, target: id, input });
    if (syntax.form === 'if') {
      const source = visible.find((n) => (node.fields.condition as string).includes(`${n.output}.`));
      if (source) edges.push({ id: edgeId(source.id, id, 'condition'), source: source.id, target: id, input: 'condition' });
      scopes.push({ branch: id, arm: 'then' }, { branch: id, arm: 'else' });
    }
    if (!uncalled && g(fc.integer, { min: 0, max: 3 }) === 0) {
      regions.push({ id: `r${regions.length}`, code: `console.log('after ${id}');`, scope: scope ?? 'flow', after: id, span: SPAN });
    }
    if (declared && !uncalled && g(fc.integer, { min: 0, max: 4 }) === 0) {
      regions.push({ id: `r${regions.length}`, code: `function helper${i}(): number {\n  return ${i};\n}`, scope: 'module', after: id, span: SPAN });
    }
  }
  for (const scope of scopes) {
    if (g(fc.integer, { min: 0, max: 3 }) === 0 && !regionAnchors.has(scopeKey(scope))) {
      regionAnchors.add(scopeKey(scope));
      regions.push({ id: `r${regions.length}`, code: `// starts ${scopeKey(scope)}`, scope: scope ?? 'flow', after: null, span: SPAN });
    }
  }
  if (g(fc.boolean)) regions.push({ id: `r${regions.length}`, code: 'export const version = 1;', scope: 'module', after: FLOW_ANCHOR, span: SPAN });
  const graph: FlowGraph = {
    flowName: g(fc.constantFrom, 'users-etl', 'nightly', 'a flow'),
    ...(g(fc.boolean) ? { comment: '// A generated flow.' } : {}),
    parameters,
    ...(destructured ? { parametersDestructured: true as const } : {}),
    nodes,
    edges,
    regions,
  };
  return { graph };
}
