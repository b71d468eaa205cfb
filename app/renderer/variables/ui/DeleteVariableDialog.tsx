import { useState } from 'react';
import type { StoredVariable } from '../../../core/api/variables.js';
import { errorMessage } from '../../../core/error-message.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { Modal } from '../../shared/Modal.js';
import { valuePreview } from '../model/variable-form.js';

/** Asks before a variable is deleted: flows that read it get their fallback from then on. */
export function DeleteVariableDialog({ variable, onClose, onDeleted }: { variable: StoredVariable; onClose(): void; onDeleted(): void }) {
  const { client } = useServices();
  const [problem, setProblem] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const remove = async () => {
    setDeleting(true);
    try {
      await client.deleteVariable({ params: { name: variable.name } });
      showToast(`Deleted variable ${variable.name}`);
      onDeleted();
    } catch (e) {
      setProblem(`The server did not delete it: ${errorMessage(e)}`);
      setDeleting(false);
    }
  };
  return (
    <Modal title={`Delete variable ${variable.name}?`} onCancel={onClose}>
      <p>
        Its value, <code>{valuePreview(variable.value, 80)}</code>, is gone for good; flows that read it get their fallback from then on.
      </p>
      {problem ? (
        <p className="fd-field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="fd-modal-actions">
        <button type="button" className="fd-button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="fd-button is-danger" disabled={deleting} onClick={() => void remove()} data-testid="variable-delete-confirm">
          {deleting ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Modal>
  );
}
