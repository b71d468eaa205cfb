/** A child flow (`const x = flow(...)` or a default import), called `await x({...})` or `await x(a, b)`. */
import type { KindSyntax } from '../node-kinds.js';
import { flowFunctionParameters, quoteString } from '../syntax.js';
import { ownCallee, type ShapeCodec } from './shape.js';

export const flowShape: ShapeCodec<Extract<KindSyntax, { form: 'flow' }>> = () => ({
  read: {
    argumentStyle: (positional) => (positional ? { style: 'code' } : { style: 'object' }),
    codeParameters: flowFunctionParameters,
  },
  write: {
    imports: { module: 'sdk', name: 'flow' },
    declared: true,
    result: true,
    importedDeclaration: (node) => node.importFrom !== undefined,
    declaration(node, ctx) {
      if (node.importFrom !== undefined) return `import ${node.id} from ${quoteString(node.importFrom)};`;
      return `const ${node.id} = ${node.code ?? `${ctx.local('sdk', 'flow')}({ name: ${quoteString(node.name)} }, async () => null)`};`;
    },
    callee: ownCallee,
  },
  edit: { namedByResult: false, opensBlock: false },
});
