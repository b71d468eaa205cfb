/**
 * The flow-document model: a flow file as a graph and as TypeScript, kept in step. The code is the
 * source of truth; the graph is read from it, and graph edits are applied to it as text splices.
 */
export * from './graph.js';
export { NODE_KINDS, COMMON_OPTION_FIELDS, nodeKind, type NodeKind, type FieldSpec } from './node-kinds.js';
export { parseFlowModule } from './parse.js';
export { generateFlowModule } from './generate.js';
export { applyEdit, applyEdits, EditError, GraphEditSchema, type GraphEdit } from './edit.js';
export { uniqueNodeId } from './ids.js';
export { validateGraph } from './validate.js';
export { parseSidecar, serializeSidecar, sidecarPathFor, reconcilePositions, type Sidecar } from './sidecar.js';
