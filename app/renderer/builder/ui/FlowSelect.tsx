import type { FlowFileDescription } from '../../../core/api/workspace.js';

type DescribedFlow = FlowFileDescription['flows'][number];

/** How the file exports the flow, when that is not by its own name. */
function exportWords(flow: DescribedFlow): string {
  if (flow.isDefault || flow.exports.includes('default')) return ' (default export)';
  if (flow.exports.length === 0) return ' (not exported)';
  return flow.exports.includes(flow.name) ? '' : ` (exported as ${flow.exports.join(', ')})`;
}

/** Which of a file's flows a dialog acts on; nothing when the file has only one. */
export function FlowSelect({
  id,
  flows,
  value,
  onChange,
}: {
  id: string;
  flows: readonly DescribedFlow[];
  value: string;
  onChange: (flow: DescribedFlow) => void;
}) {
  if (flows.length <= 1) return null;
  return (
    <div className="fd-field">
      <label htmlFor={id}>Flow</label>
      <select id={id} value={value} onChange={(e) => onChange(flows.find((f) => f.name === e.target.value) ?? flows[0])}>
        {flows.map((f) => (
          <option key={f.name} value={f.name}>
            {f.name}
            {exportWords(f)}
          </option>
        ))}
      </select>
    </div>
  );
}
