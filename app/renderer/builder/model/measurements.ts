/** What React Flow needs of a node to keep its measured size. */
interface MeasuredNode {
  id: string;
  measured?: { width?: number; height?: number };
  /** `inputs`, when a node has them, names its input handles. */
  data: Record<string, unknown>;
}

function handles(node: MeasuredNode): string {
  return Array.isArray(node.data.inputs) ? node.data.inputs.join('\n') : '';
}

/**
 * Carries React Flow's measured size over to rebuilt nodes. A node without one is hidden until it
 * is measured again, and a node whose size did not change is not measured again, so a run's state
 * changes could otherwise leave nodes invisible. A node whose handles changed is measured afresh,
 * so its connections attach where the handles now are.
 */
export function keepMeasurements<N extends MeasuredNode>(current: readonly N[], next: N[]): N[] {
  const before = new Map(current.map((node) => [node.id, node]));
  return next.map((node) => {
    const old = before.get(node.id);
    if (!old?.measured || handles(old) !== handles(node)) return node;
    return { ...node, measured: old.measured };
  });
}
