/** The code shapes steps are written in, one codec each, by form. */
import { NODE_KINDS, type KindSyntax, type NodeKind } from '../node-kinds.js';
import { branchShape } from './branch.js';
import { flowShape } from './flow.js';
import { libraryShape } from './library.js';
import { sdkCallShape } from './sdk-call.js';
import type { Shape, ShapeCodec } from './shape.js';
import { taskShape } from './task.js';

type Form = KindSyntax['form'];

const SHAPES: { readonly [F in Form]: ShapeCodec<Extract<KindSyntax, { form: F }>> } = {
  library: libraryShape,
  task: taskShape,
  flow: flowShape,
  sdkCall: sdkCallShape,
  if: branchShape,
};

const BY_KIND = new WeakMap<NodeKind, Shape>();

/** The shape a kind is written in. */
export function shapeOf(kind: NodeKind): Shape {
  let shape = BY_KIND.get(kind);
  if (!shape) {
    shape = (SHAPES[kind.syntax.form] as ShapeCodec<KindSyntax>)(kind.syntax);
    BY_KIND.set(kind, shape);
  }
  return shape;
}

/** The registry's kinds by the shape they are read as and its key; the first kind of a shape and key wins. */
const BY_READ = new Map<string, NodeKind>();
for (const kind of NODE_KINDS) {
  const key = `${kind.syntax.form}:${shapeOf(kind).read.key ?? ''}`;
  if (!BY_READ.has(key)) BY_READ.set(key, kind);
}

/** The kind a step written in a shape is read as: by the function it calls, or how a task is called. */
export function kindReadAs(form: Form, key?: string): NodeKind | undefined {
  return BY_READ.get(`${form}:${key ?? ''}`);
}
