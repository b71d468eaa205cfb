/** An `if`/`else` around other steps; its condition is its one input. */
import type { KindSyntax } from '../node-kinds.js';
import { functionParameters, indentCode } from '../syntax.js';
import { slotValueText } from '../write-parts.js';
import { ownCallee, type ShapeCodec } from './shape.js';

export const branchShape: ShapeCodec<Extract<KindSyntax, { form: 'if' }>> = () => ({
  read: {
    argumentStyle: () => undefined,
    codeParameters: functionParameters,
  },
  write: {
    declared: false,
    result: false,
    importedDeclaration: () => false,
    callee: ownCallee,
    statement: (node, kind, ctx, indent) => `if (${indentCode(slotValueText(node, kind, 'condition', ctx) ?? 'true', indent)}) {`,
  },
  edit: { namedByResult: false, opensBlock: true },
});
