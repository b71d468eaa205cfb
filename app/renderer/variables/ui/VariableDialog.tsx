import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../../core/api/errors.js';
import type { StoredVariable } from '../../../core/api/variables.js';
import { errorMessage } from '../../../core/error-message.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { Modal } from '../../shared/Modal.js';
import { checkVariableForm, variableFormFields, type VariableFormFields } from '../model/variable-form.js';

type FieldErrors = Partial<Record<keyof VariableFormFields, string>>;

/**
 * Creates a variable, or edits one's value and tags (`editing`). What is wrong shows beside its
 * field as it is typed, and nothing is sent until every field is right.
 */
export function VariableDialog({ editing, onClose, onSaved }: { editing: StoredVariable | null; onClose(): void; onSaved(): void }) {
  const { client } = useServices();
  const [fields, setFields] = useState<VariableFormFields>(() => variableFormFields(editing));
  const [touched, setTouched] = useState<Partial<Record<keyof VariableFormFields, boolean>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const check = checkVariableForm(fields);
  const errors: FieldErrors = check.ok ? {} : check.errors;
  const shown = (field: keyof VariableFormFields) => (touched[field] ? errors[field] : undefined);

  const change = (field: keyof VariableFormFields, text: string) => {
    setFields((was) => ({ ...was, [field]: text }));
    setTouched((was) => ({ ...was, [field]: true }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched({ name: true, value: true, tags: true });
    setProblem(null);
    if (!check.ok) return;
    setSaving(true);
    try {
      await client.setVariable({ params: { name: check.name }, body: { value: check.value, tags: check.tags, overwrite: editing !== null } });
      showToast(`${editing ? 'Saved' : 'Created'} variable ${check.name}`);
      onSaved();
    } catch (e) {
      setProblem(
        e instanceof ApiError && e.status === 409
          ? `A variable named ${check.name} already exists; edit it from the list instead.`
          : `The server did not save it: ${errorMessage(e)}`,
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal title={editing ? `Edit variable ${editing.name}` : 'New variable'} onCancel={onClose} wide>
      <form onSubmit={(e) => void submit(e)} data-testid="variable-form" noValidate>
        <Field label="Name" id="fd-variable-name" error={shown('name')} help='Letters, digits, "-", "_" and "."; at most 255 characters.'>
          <input
            id="fd-variable-name"
            value={fields.name}
            readOnly={editing !== null}
            autoFocus={editing === null}
            onChange={(e) => change('name', e.target.value)}
            data-testid="variable-name"
          />
        </Field>
        <Field
          label="Value (JSON)"
          id="fd-variable-value"
          error={shown('value')}
          help='Any JSON: "text", 42, true, null, [1, 2] or {"key": "value"}; at most 5,000 characters.'
        >
          <textarea
            id="fd-variable-value"
            className="is-code"
            rows={8}
            value={fields.value}
            autoFocus={editing !== null}
            onChange={(e) => change('value', e.target.value)}
            data-testid="variable-value"
          />
        </Field>
        <Field label="Tags" id="fd-variable-tags" error={shown('tags')} help="Separated by commas.">
          <input id="fd-variable-tags" value={fields.tags} onChange={(e) => change('tags', e.target.value)} data-testid="variable-tags" />
        </Field>
        {problem ? (
          <p className="fd-field-error" role="alert" data-testid="variable-problem">
            {problem}
          </p>
        ) : null}
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="fd-button is-primary"
            disabled={saving || (touched.value === true && !check.ok)}
            data-testid="variable-save"
          >
            {saving ? 'Saving…' : editing ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function Field({ label, id, error, help, children }: { label: string; id: string; error?: string; help: string; children: ReactNode }) {
  return (
    <div className={`fd-field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <div className="fd-field-error" data-testid={`${id.replace('fd-', '')}-error`}>
          {error}
        </div>
      ) : (
        <div className="fd-field-help">{help}</div>
      )}
    </div>
  );
}
