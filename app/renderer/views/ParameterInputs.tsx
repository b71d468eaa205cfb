import type { ParameterField, ParameterValues } from '../run/parameter-form.js';

/** One input per parameter of a flow, with its help or its error beneath. */
export function ParameterInputs({
  fields,
  values,
  errors,
  onChange,
}: {
  fields: readonly ParameterField[];
  values: ParameterValues;
  errors: Record<string, string>;
  onChange: (values: ParameterValues) => void;
}) {
  return (
    <>
      {fields.map((field) => (
        <div key={field.name} className={`fd-field${errors[field.name] ? ' has-error' : ''}`} data-field={field.name}>
          <label htmlFor={`fd-param-${field.name}`}>
            {field.label}
            {field.required ? <span className="fd-required"> *</span> : null}
          </label>
          {field.control === 'boolean' ? (
            <input
              id={`fd-param-${field.name}`}
              type="checkbox"
              checked={values[field.name] === true}
              onChange={(e) => onChange({ ...values, [field.name]: e.target.checked })}
            />
          ) : field.control === 'select' ? (
            <select id={`fd-param-${field.name}`} value={String(values[field.name] ?? '')} onChange={(e) => onChange({ ...values, [field.name]: e.target.value })}>
              {field.required ? null : <option value="">(default)</option>}
              {field.choices?.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          ) : field.control === 'json' ? (
            <textarea
              id={`fd-param-${field.name}`}
              className="is-code"
              rows={3}
              value={String(values[field.name] ?? '')}
              onChange={(e) => onChange({ ...values, [field.name]: e.target.value })}
            />
          ) : (
            <input
              id={`fd-param-${field.name}`}
              inputMode={field.control === 'text' ? undefined : 'decimal'}
              value={String(values[field.name] ?? '')}
              onChange={(e) => onChange({ ...values, [field.name]: e.target.value })}
            />
          )}
          <div className={errors[field.name] ? 'fd-field-error' : 'fd-field-help'}>{errors[field.name] ?? field.description ?? ''}</div>
        </div>
      ))}
    </>
  );
}
