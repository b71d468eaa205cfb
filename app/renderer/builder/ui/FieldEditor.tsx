import { useEffect, useId, useRef, useState } from 'react';
import { parseFormValue, toFormValue, type FieldLike, type FormValue } from '../model/field-values.js';

interface EditableField extends FieldLike {
  name: string;
  description: string;
  default?: unknown;
  choices?: readonly string[];
}

interface Props {
  field: EditableField;
  value: unknown;
  /** Called with a checked value, or undefined to leave the field out. */
  onCommit: (value: unknown) => void;
  /** A problem the code reports for this field, shown until it is fixed. */
  externalError?: string | undefined;
}

function placeholderOf(field: EditableField): string | undefined {
  if (field.default === undefined) return field.control === 'keyValue' ? 'key: value' : undefined;
  return `default: ${typeof field.default === 'string' ? field.default : JSON.stringify(field.default)}`;
}

/**
 * One field of the side panel. What is typed is checked against the field's schema as it is typed
 * and written to the code when the field is left (or at once, for choices and checkboxes), so a
 * half-typed value never reaches the file.
 */
export function FieldEditor({ field, value, onCommit, externalError }: Props) {
  const id = useId();
  const committed = toFormValue(field.control, value);
  const [draft, setDraft] = useState<FormValue>(committed);
  const [error, setError] = useState<string | null>(null);
  const focused = useRef(false);

  // The code changed under us (an edit in Monaco, undo): show it unless the person is typing here.
  useEffect(() => {
    if (!focused.current) {
      setDraft(committed);
      setError(null);
    }
  }, [committed]);

  const check = (next: FormValue) => {
    const parsed = parseFormValue(field, next);
    setError(parsed.kind === 'error' ? parsed.message : null);
    return parsed;
  };

  const commit = (next: FormValue) => {
    const parsed = check(next);
    if (parsed.kind === 'error') return;
    const nextValue = parsed.kind === 'unset' ? undefined : parsed.value;
    if (JSON.stringify(nextValue) === JSON.stringify(value)) return;
    onCommit(nextValue);
  };

  const common = {
    id,
    name: field.name,
    'aria-invalid': Boolean(error || externalError),
    'aria-describedby': `${id}-help`,
    onFocus: () => {
      focused.current = true;
    },
    onBlur: () => {
      focused.current = false;
      commit(draft);
    },
  };

  let control;
  switch (field.control) {
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={draft === true}
          onChange={(e) => {
            setDraft(e.target.checked);
            commit(e.target.checked);
          }}
        />
      );
      break;
    case 'select':
      control = (
        <select
          {...common}
          value={String(draft)}
          onChange={(e) => {
            setDraft(e.target.value);
            commit(e.target.value);
          }}
        >
          {/* eslint-disable-next-line @typescript-eslint/no-base-to-string -- a choice field's default is one of its choices */}
          <option value="">{field.default !== undefined ? `(default: ${String(field.default)})` : '(not set)'}</option>
          {(field.choices ?? []).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
      break;
    case 'multiline':
    case 'keyValue':
    case 'json':
    case 'code':
      control = (
        <textarea
          {...common}
          className={field.control === 'code' || field.control === 'json' ? 'is-code' : undefined}
          rows={field.control === 'code' ? 3 : 4}
          spellCheck={false}
          placeholder={placeholderOf(field)}
          value={String(draft)}
          onChange={(e) => {
            setDraft(e.target.value);
            check(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commit(draft);
          }}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          inputMode={field.control === 'number' ? 'decimal' : undefined}
          placeholder={placeholderOf(field) ?? (field.control === 'list' ? 'comma, separated' : undefined)}
          value={String(draft)}
          onChange={(e) => {
            setDraft(e.target.value);
            check(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit(draft);
            if (e.key === 'Escape') {
              setDraft(committed);
              setError(null);
            }
          }}
        />
      );
  }

  const shownError = error ?? externalError;
  return (
    <div className={`fd-field${shownError ? ' has-error' : ''}`} data-field={field.name}>
      <label htmlFor={id}>
        {field.label}
        {field.required ? (
          <span className="fd-required" title="required">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {control}
      <div id={`${id}-help`} className={shownError ? 'fd-field-error' : 'fd-field-help'} role={shownError ? 'alert' : undefined}>
        {shownError ?? field.description}
      </div>
    </div>
  );
}
