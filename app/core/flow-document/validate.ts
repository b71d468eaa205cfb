/** Checks a graph the way the builder shows problems: each one on the node it concerns. */
import { NodeOptionsSchema, type FlowGraph, type GraphNode, type Problem } from './graph.js';
import { credentialLabel, credentialLook, fieldTakes, isCredential } from './credentials.js';
import { connectionRefusal } from './handle-types.js';
import { fieldSpec, nodeKind, type NodeKind } from './node-kinds.js';
import { codeParameters, takesInput } from './inputs.js';

function problem(node: GraphNode, message: string, severity: Problem['severity'] = 'error'): Problem {
  return { nodeId: node.id, message, severity, span: node.span };
}

function checkFields(node: GraphNode, kind: NodeKind, problems: Problem[]): void {
  const known = (name: string) => takesInput(node, kind, name);
  for (const [name, value] of Object.entries(node.fields)) {
    const spec = fieldSpec(kind, name);
    if (!known(name)) problems.push(problem(node, `${kind.label} has no field '${name}'`, 'warning'));
    if (node.inputs[name]) problems.push(problem(node, `'${name}' is both set and connected; the connection wins`, 'warning'));
    if (!spec || value === undefined) continue;
    const result = spec.schema.safeParse(value);
    if (!result.success) problems.push(problem(node, `${spec.label}: ${result.error.issues[0]?.message ?? 'not a valid value'}`));
    const look = spec.credentialTypes?.length ? credentialLook(value) : undefined;
    if (look) {
      problems.push(
        problem(
          node,
          `${spec.label}: holds ${look} written into the file; keep it in a secret (flowdeck secret set NAME) and pick that instead`,
          'warning',
        ),
      );
    }
  }
  for (const [name, binding] of Object.entries(node.inputs)) {
    const spec = fieldSpec(kind, name);
    if (spec && isCredential(binding) && !fieldTakes(spec, binding)) {
      const takes = spec.credentialTypes?.length ? `it takes ${spec.credentialTypes.join(', ')}` : 'it takes no secret or block';
      problems.push(problem(node, `${spec.label} is given ${credentialLabel(binding)}, but ${takes}`, 'warning'));
    }
  }
  for (const name of Object.keys(node.inputs)) {
    if (!known(name) && !(name in node.fields)) problems.push(problem(node, `${kind.label} has no input '${name}'`, 'warning'));
  }
  for (const spec of kind.fields) {
    if (spec.required && node.fields[spec.name] === undefined && !node.inputs[spec.name]) {
      problems.push(problem(node, `${spec.label} is required`));
    }
  }
  if (kind.parametersFromCode && !node.uncalled) {
    for (const p of codeParameters(kind, node.code)) {
      if (!p.optional && node.fields[p.name] === undefined && !node.inputs[p.name]) {
        problems.push(problem(node, `Input '${p.name}' is required`));
      }
    }
  }
}

function checkReferences(graph: FlowGraph, node: GraphNode, ids: ReadonlySet<string>, problems: Problem[]): void {
  const parameters = new Set(graph.parameters.map((p) => p.name));
  for (const [input, binding] of Object.entries(node.inputs)) {
    if (binding.from === 'node' && !ids.has(binding.node)) {
      problems.push(problem(node, `'${input}' reads from '${binding.node}', which is not in the flow`));
    }
    // Written in the code, a connection the canvas would refuse is shown, not refused.
    const refused = binding.from === 'node' ? connectionRefusal(graph, binding.node, node.id, input, binding.path) : null;
    if (refused) problems.push(problem(node, refused, 'warning'));
    if (binding.from === 'param' && !parameters.has(binding.name)) {
      problems.push(problem(node, `'${input}' uses the parameter '${binding.name}', which the flow does not declare`, 'warning'));
    }
  }
}

/** Every cycle through data edges and branch arms, each reported on the nodes in it. */
function cycles(graph: FlowGraph): string[][] {
  const next = new Map<string, string[]>();
  const add = (a: string, b: string) => next.set(a, [...(next.get(a) ?? []), b]);
  for (const e of graph.edges) add(e.source, e.target);
  for (const n of graph.nodes) {
    for (const b of Object.values(n.inputs)) if (b.from === 'node') add(b.node, n.id);
    if (n.scope) add(n.scope.branch, n.id);
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const to of new Set(next.get(id) ?? [])) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const n of graph.nodes) if (!state.has(n.id)) visit(n.id);
  return found;
}

export function validateGraph(graph: FlowGraph): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (ids.has(node.id)) problems.push(problem(node, `Another node is also called '${node.id}'`));
    ids.add(node.id);
    byId.set(node.id, node);
  }
  for (const node of graph.nodes) {
    const kind = nodeKind(node.kind);
    if (!kind) {
      problems.push(problem(node, `Unknown node kind '${node.kind}'`));
      continue;
    }
    checkFields(node, kind, problems);
    checkReferences(graph, node, ids, problems);
    if (kind.taskOptions) {
      if (node.name.trim() === '') problems.push(problem(node, 'Name is required'));
      const options = NodeOptionsSchema.safeParse(node.options);
      if (!options.success) for (const issue of options.error.issues) problems.push(problem(node, `${issue.path.join('.')}: ${issue.message}`));
    } else if (Object.keys(node.options).length > 0) {
      problems.push(problem(node, `${kind.label} nodes take no task options`, 'warning'));
    }
    if (kind.initialCode && node.code === undefined && node.importFrom === undefined) problems.push(problem(node, `${kind.label} needs its code`));
    if (node.scope) {
      const branch = byId.get(node.scope.branch);
      if (!branch || nodeKind(branch.kind)?.syntax.form !== 'if') problems.push(problem(node, `'${node.scope.branch}' is not a branch`));
    }
  }
  for (const edge of graph.edges) {
    const missing = [edge.source, edge.target].filter((id) => !ids.has(id));
    if (missing.length > 0) {
      problems.push({
        nodeId: ids.has(edge.target) ? edge.target : undefined,
        message: `The connection ${edge.id} refers to a missing node '${missing[0]}'`,
        severity: 'error',
      });
    }
  }
  for (const cycle of cycles(graph)) {
    const path = cycle.join(' → ');
    for (const id of new Set(cycle)) problems.push(problem(byId.get(id)!, `'${id}' is part of a cycle: ${path}`));
  }
  return problems;
}
