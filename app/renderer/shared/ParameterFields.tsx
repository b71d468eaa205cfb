import type { ParameterField, ParameterValues } from './parameter-form.js';

/**
 * The inputs of a form read from a JSON Schema (see parameter-form.ts): one per field, with its
 * label, control, help and the error that names it. Used by the Run dialog and the pause panel.
 */
export function ParameterFields({
  fields,
  values,
  errors,
  onChange,
  idPrefix,
}: {
  fields: readonly ParameterField[];
  values: ParameterValues;
  errors: Readonly<Record<string, string>>;
  onChange: (values: ParameterValues) => void;
  /** Makes the inputs' ids unique on the page. */
  idPrefix: string;
}) {
  return (
    <>
      {fields.map((field) => {
        const id = `${idPrefix}-${field.name}`;
        const set = (value: string | boolean) => onChange({ ...values, [field.name]: value });
        return (
          <div key={field.name} className={`fd-field${errors[field.name] ? ' has-error' : ''}`} data-field={field.name}>
            <label htmlFor={id}>
              {field.label}
              {field.required ? <span className="fd-required"> *</span> : null}
            </label>
            {field.control === 'boolean' ? (
              <input id={id} type="checkbox" checked={values[field.name] === true} onChange={(e) => set(e.target.checked)} />
            ) : field.control === 'select' ? (
              <select id={id} value={String(values[field.name] ?? '')} onChange={(e) => set(e.target.value)}>
                {field.required ? null : <option value="">(default)</option>}
                {field.choices?.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : field.control === 'json' ? (
              <textarea id={id} className="is-code" rows={3} value={String(values[field.name] ?? '')} onChange={(e) => set(e.target.value)} />
            ) : (
              <input
                id={id}
                inputMode={field.control === 'text' ? undefined : 'decimal'}
                value={String(values[field.name] ?? '')}
                onChange={(e) => set(e.target.value)}
              />
            )}
            <div className={errors[field.name] ? 'fd-field-error' : 'fd-field-help'}>{errors[field.name] ?? field.description ?? ''}</div>
          </div>
        );
      })}
    </>
  );
}
