/**
 * The graph view of a flow file: what the canvas draws and the side panel edits. The code is the
 * source of truth; a graph is read from it (parse.ts) or written to it (generate.ts, edit.ts).
 */
import { z } from 'zod';

/** Offsets into the source text, `end` exclusive. */
const SpanSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type Span = z.infer<typeof SpanSchema>;

/**
 * Where a non-literal argument of a node comes from: another node's result (optionally a property
 * of it, `users.body`), a flow parameter (`params.limit`), a secret or block loaded by name when the
 * run starts (so no credential is written into the file), or any other expression kept as written.
 */
export const InputBindingSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('node'), node: z.string(), path: z.array(z.string()).optional() }),
  z.object({ from: z.literal('param'), name: z.string(), path: z.array(z.string()).optional() }),
  z.object({ from: z.literal('secret'), name: z.string() }),
  z.object({ from: z.literal('block'), type: z.string(), name: z.string() }),
  z.object({ from: z.literal('expression'), code: z.string() }),
]);
export type InputBinding = z.infer<typeof InputBindingSchema>;

export const CACHE_POLICIES = ['inputs', 'taskSource', 'default', 'none'] as const;

/** Task options a node shows in the side panel; anything else stays in `extraOptions`. */
export const NodeOptionsSchema = z.object({
  retries: z.number().int().nonnegative().optional(),
  retryDelaySeconds: z.union([z.number().nonnegative(), z.array(z.number().nonnegative())]).optional(),
  retryJitterFactor: z.number().nonnegative().optional(),
  timeoutSeconds: z.number().positive().optional(),
  cacheExpirationSeconds: z.number().nonnegative().optional(),
  cachePolicy: z.enum(CACHE_POLICIES).optional(),
  refreshCache: z.boolean().optional(),
  persistResult: z.boolean().optional(),
  logPrints: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  taskRunName: z.string().optional(),
});
export type NodeOptions = z.infer<typeof NodeOptionsSchema>;
export type NodeOptionName = keyof NodeOptions;

/** The option keys kept in `options` when their value is a literal; the order generated code uses. */
export const NODE_OPTION_NAMES = Object.keys(NodeOptionsSchema.shape) as NodeOptionName[];

export const NodeScopeSchema = z.object({ branch: z.string(), arm: z.enum(['then', 'else']) });
/** Which arm of which branch a node's call sits in; absent for the flow body itself. */
export type NodeScope = z.infer<typeof NodeScopeSchema>;

const GraphNodeSchema = z.object({
  /** The identifier the task is declared as: stable, unique, what edges and positions refer to. */
  id: z.string(),
  kind: z.string(),
  /** The task (or flow) name runs are recorded under. */
  name: z.string(),
  /** Literal arguments; for fields of control 'code' the value is source text written as is. */
  fields: z.record(z.string(), z.unknown()),
  options: NodeOptionsSchema,
  /** Option properties that are not literals the model knows (hooks, `exponentialBackoff(2)`), as written. */
  extraOptions: z.array(z.string()).optional(),
  /** Arguments that are not literals: references to other nodes, to parameters, or other code. */
  inputs: z.record(z.string(), InputBindingSchema),
  /** The task's own function (code, map) or the child flow (subflow), as written. */
  code: z.string().optional(),
  /** For a subflow imported from another file: the module it is imported from. */
  importFrom: z.string().optional(),
  /** The variable the call's result is stored in; other nodes reference it. */
  output: z.string().optional(),
  /** The flow returns the call's result: `return step(...)`. */
  returned: z.literal(true).optional(),
  /** A map whose futures are kept (`const scores = step.map(items)`), read later with `await scores.result()`. */
  futures: z.literal(true).optional(),
  /** Called once per item of a list, all at once: `await Promise.all(list.map((item) => step(...)))`. */
  each: z.object({ list: z.string(), item: z.string() }).optional(),
  /** A further call of the task or flow that node `repeats` declares; it shares that declaration. */
  repeats: z.string().optional(),
  /** A subflow called with positional arguments (`ingest(source)`) rather than one object. */
  positional: z.literal(true).optional(),
  scope: NodeScopeSchema.optional(),
  /** Comments written just above the node's declaration, as written. */
  comment: z.string().optional(),
  /** Declared but not called as a step of the flow (it may still be used by code the graph does not show). */
  uncalled: z.literal(true).optional(),
  /** The declaration (or, for nodes without one, the statement). */
  span: SpanSchema,
  /** The statement that calls the node inside the flow. */
  callSpan: SpanSchema.optional(),
});
export type GraphNode = z.infer<typeof GraphNodeSchema>;

/** Data flowing from `source`'s result into `target`'s argument `input`. */
const GraphEdgeSchema = z.object({ id: z.string(), source: z.string(), target: z.string(), input: z.string() });
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;

const RegionScopeSchema = z.union([z.literal('module'), z.literal('flow'), NodeScopeSchema]);
export type RegionScope = z.infer<typeof RegionScopeSchema>;

/** At module level, the anchor that stands for the flow itself. */
export const FLOW_ANCHOR = '$flow';

/**
 * Code the graph cannot express as a node (helpers, loops, other imports, statements between
 * steps), kept verbatim and in place.
 */
const UnparsedRegionSchema = z.object({
  id: z.string(),
  code: z.string(),
  scope: RegionScopeSchema,
  /** The node or region it follows in its scope (FLOW_ANCHOR for after the flow); null when first. */
  after: z.string().nullable(),
  span: SpanSchema,
});
export type UnparsedRegion = z.infer<typeof UnparsedRegionSchema>;

export const FlowParameterSchema = z.object({ name: z.string(), type: z.string(), optional: z.boolean().optional() });
export type FlowParameter = z.infer<typeof FlowParameterSchema>;

export const FlowGraphSchema = z.object({
  flowName: z.string(),
  /** Set when the flow is declared as a const and exported by name (`export default usersEtl`). */
  flowVariable: z.string().optional(),
  /** Flow option properties other than `name`, as written. */
  flowOptions: z.array(z.string()).optional(),
  /** The comment at the top of the file. */
  comment: z.string().optional(),
  parameters: z.array(FlowParameterSchema),
  /** The flow takes its parameters destructured (`async ({ limit }: { limit: number })`) rather than as `params`. */
  parametersDestructured: z.literal(true).optional(),
  /** The flow's function is an arrow whose body is the one returned step (`async () => step()`). */
  conciseBody: z.literal(true).optional(),
  nodes: z.array(GraphNodeSchema),
  edges: z.array(GraphEdgeSchema),
  regions: z.array(UnparsedRegionSchema),
});
export type FlowGraph = z.infer<typeof FlowGraphSchema>;

export const ProblemSchema = z.object({
  nodeId: z.string().optional(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
  span: SpanSchema.optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export interface FlowDocument {
  graph: FlowGraph;
  problems: Problem[];
}

export function edgeId(source: string, target: string, input: string): string {
  return `${source}->${target}.${input}`;
}

export function emptyGraph(flowName: string): FlowGraph {
  return { flowName, parameters: [], nodes: [], edges: [], regions: [] };
}
