/**
 * The flow-document model: a flow file as a graph and as TypeScript, kept in step. The code is the
 * source of truth; the graph is read from it, and graph edits are applied to it as text splices.
 */
export * from './graph.js';
export {
  NODE_KINDS,
  COMMON_OPTION_FIELDS,
  SDK_MODULE,
  TASKS_MODULE,
  nodeKind,
  fieldSpec,
  type NodeKind,
  type FieldSpec,
  type FieldControl,
  type KindSyntax,
  type KindCategory,
  type ArgumentStyle,
} from './node-kinds.js';
export { parseFlowModule } from './parse.js';
export { generateFlowModule } from './generate.js';
export { applyEdit, applyEdits, EditError, GraphEditSchema, type GraphEdit } from './edit.js';
export { uniqueNodeId, defaultOutputName } from './ids.js';
export { validateGraph } from './validate.js';
export {
  parseSidecar,
  serializeSidecar,
  sidecarPathFor,
  reconcilePositions,
  emptySidecar,
  SidecarSchema,
  SIDECAR_VERSION,
  type Sidecar,
  type SidecarRead,
  type Position,
  type ReconcileOptions,
} from './sidecar.js';
