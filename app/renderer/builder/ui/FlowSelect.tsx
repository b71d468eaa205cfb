import type { FlowFileDescription } from '../../../core/api/workspace.js';

type DescribedFlow = FlowFileDescription['flows'][number];

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
            {f.isDefault ? ' (default export)' : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
