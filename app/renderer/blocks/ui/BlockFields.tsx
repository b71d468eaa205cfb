import type { ParameterValues } from '../../shared/parameter-form.js';
import { secretIsSet, type BlockField } from '../model/block-form.js';
import type { BlockRead } from '../../../core/api/blocks.js';

/**
 * The inputs of a block's form: one per field of its type, secret ones as password inputs that
 * start empty (the stored value is never on the page) and keep that value when left so.
 */
export function BlockFields({
  fields,
  values,
  errors,
  block,
  onChange,
}: {
  fields: readonly BlockField[];
  values: ParameterValues;
  errors: Readonly<Record<string, string>>;
  block: BlockRead | null;
  onChange: (values: ParameterValues) => void;
}) {
  return (
    <>
      {fields.map((field) => {
        const id = `fd-block-field-${field.name}`;
        const set = (value: string | boolean) => onChange({ ...values, [field.name]: value });
        const kept = field.control === 'secret' && secretIsSet(block, field.name);
        const help = kept ? 'Stored and hidden; leave empty to keep it, or type a new value to replace it' : (field.description ?? '');
        return (
          <div key={field.name} className={`fd-field${errors[field.name] ? ' has-error' : ''}`} data-field={field.name}>
            <label htmlFor={id}>
              {field.label}
              {field.required && !kept ? <span className="fd-required"> *</span> : null}
              {field.control === 'secret' ? <span className="fd-muted"> (secret)</span> : null}
            </label>
            {field.control === 'boolean' ? (
              <input id={id} type="checkbox" checked={values[field.name] === true} onChange={(e) => set(e.target.checked)} />
            ) : field.control === 'select' ? (
              <select id={id} value={String(values[field.name] ?? '')} onChange={(e) => set(e.target.value)}>
                {field.required ? null : <option value="">(none)</option>}
                {field.choices?.map((choice) => (
                  <option key={choice} value={choice}>
                    {choice}
                  </option>
                ))}
              </select>
            ) : field.control === 'json' ? (
              <textarea id={id} className="is-code" rows={3} value={String(values[field.name] ?? '')} onChange={(e) => set(e.target.value)} />
            ) : (
              <input
                id={id}
                type={field.control === 'secret' ? 'password' : 'text'}
                autoComplete={field.control === 'secret' ? 'new-password' : 'off'}
                placeholder={kept ? '********' : field.control === 'list' ? 'comma-separated' : undefined}
                inputMode={field.control === 'number' || field.control === 'integer' ? 'decimal' : undefined}
                value={String(values[field.name] ?? '')}
                onChange={(e) => set(e.target.value)}
              />
            )}
            <div className={errors[field.name] ? 'fd-field-error' : 'fd-field-help'}>{errors[field.name] ?? help}</div>
          </div>
        );
      })}
    </>
  );
}
