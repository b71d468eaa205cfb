/** A call of an SDK function inside the flow, `const x = await fn({...})`, with no declaration of its own. */
import type { KindSyntax } from '../node-kinds.js';
import { functionParameters } from '../syntax.js';
import type { ShapeCodec } from './shape.js';

export const sdkCallShape: ShapeCodec<Extract<KindSyntax, { form: 'sdkCall' }>> = (syntax) => ({
  read: {
    key: syntax.fn,
    argumentStyle: () => syntax.args,
    codeParameters: functionParameters,
  },
  write: {
    imports: { module: 'sdk', name: syntax.fn },
    declared: false,
    result: true,
    importedDeclaration: () => false,
    callee: (_node, ctx) => ({ callee: ctx.local('sdk', syntax.fn), after: '' }),
  },
  edit: { namedByResult: true, opensBlock: false },
});
