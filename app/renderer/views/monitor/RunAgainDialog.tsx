import { useState } from 'react';
import type { FlowRun } from '../../../core/runs.js';
import { Modal } from '../Modal.js';
import { errorMessage } from '../../../core/error-message.js';

/** Asks for the parameters of a new run of the same flow, starting from the ones this run had. */
export function RunAgainDialog({ run, onStart, onClose }: { run: FlowRun; onStart: (parameters: Record<string, unknown>) => Promise<void>; onClose: () => void }) {
  const [text, setText] = useState(() => JSON.stringify(run.parameters, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const submit = async () => {
    let parameters: unknown;
    try {
      parameters = JSON.parse(text);
    } catch (e) {
      setError(`The parameters are not JSON: ${errorMessage(e)}`);
      return;
    }
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
      setError('The parameters must be a JSON object, like {"name": "world"}');
      return;
    }
    setStarting(true);
    setError(null);
    try {
      await onStart(parameters as Record<string, unknown>);
    } catch (e) {
      setError(errorMessage(e));
      setStarting(false);
    }
  };

  return (
    <Modal title="Run again" onCancel={onClose}>
      <form
        data-testid="run-again-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="fd-muted">
          A new run of <code>{run.flowName}</code> from the same file. The server checks the parameters against the flow's schema.
        </p>
        <div className={`fd-field${error ? ' has-error' : ''}`}>
          <label htmlFor="fd-run-again-parameters">Parameters (JSON)</label>
          <textarea id="fd-run-again-parameters" className="is-code" rows={8} value={text} onChange={(e) => setText(e.target.value)} />
          {error ? (
            <div className="fd-field-error" role="alert">
              {error}
            </div>
          ) : null}
        </div>
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="fd-button is-primary" disabled={starting}>
            {starting ? 'Starting…' : 'Run'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
