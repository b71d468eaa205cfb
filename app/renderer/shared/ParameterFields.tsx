import type { FormField, ParameterValues } from './parameter-form.js';

/** How one field is shown beyond its schema: a secret kept on the server is not asked for again. */
export interface FieldLook {
  /** A stored secret stands behind the field: it is not required, and its placeholder says so. */
  kept?: boolean;
  /** Shown under the field in place of its description. */
  help?: string;
}

/**
 * The inputs of a form read from a JSON Schema (see parameter-form.ts): one per field, with its
 * label, control, help and the error that names it. Used by the Run dialog, the pause panel and
 * the block form, whose secret fields are password inputs that start empty.
 */
export function ParameterFields({
  fields,
  values,
  errors,
  onChange,
  idPrefix,
  emptyChoice = '(default)',
  lookOf,
}: {
  fields: readonly FormField[];
  values: ParameterValues;
  errors: Readonly<Record<string, string>>;
  onChange: (values: ParameterValues) => void;
  /** Makes the inputs' ids unique on the page. */
  idPrefix: string;
  /** What an optional select offers for leaving the field out. */
  emptyChoice?: string;
  lookOf?: (field: FormField) => FieldLook;
}) {
  return (
    <>
      {fields.map((field) => {
        const id = `${idPrefix}-${field.name}`;
        const set = (value: string | boolean) => onChange({ ...values, [field.name]: value });
        const look = lookOf?.(field) ?? {};
        const secret = field.control === 'secret';
        return (
          <div key={field.name} className={`fd-field${errors[field.name] ? ' has-error' : ''}`} data-field={field.name}>
            <label htmlFor={id}>
              {field.label}
              {field.required && !look.kept ? <span className="fd-required"> *</span> : null}
              {secret ? <span className="fd-muted"> (secret)</span> : null}
            </label>
            {field.control === 'boolean' ? (
              <input id={id} type="checkbox" checked={values[field.name] === true} onChange={(e) => set(e.target.checked)} />
            ) : field.control === 'select' ? (
              <select id={id} value={String(values[field.name] ?? '')} onChange={(e) => set(e.target.value)}>
                {field.required ? null : <option value="">{emptyChoice}</option>}
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
                type={secret ? 'password' : 'text'}
                autoComplete={secret ? 'new-password' : 'off'}
                placeholder={look.kept ? '********' : field.control === 'list' ? 'comma-separated' : undefined}
                inputMode={field.control === 'number' || field.control === 'integer' ? 'decimal' : undefined}
                value={String(values[field.name] ?? '')}
                onChange={(e) => set(e.target.value)}
              />
            )}
            <div className={errors[field.name] ? 'fd-field-error' : 'fd-field-help'}>
              {errors[field.name] ?? look.help ?? field.description ?? ''}
            </div>
          </div>
        );
      })}
    </>
  );
}
