import { useState } from 'react';
import type { StoredVariable } from '../../../core/api/variables.js';
import { useServices } from '../../app/services-context.js';
import { ReadFailedNotice } from '../../shared/PageParts.js';
import { formatRelative } from '../../shared/relative-time.js';
import { usePolled } from '../../shared/use-polled.js';
import { filterVariables, valuePreview } from '../model/variable-form.js';
import { DeleteVariableDialog } from './DeleteVariableDialog.js';
import { VariableDialog } from './VariableDialog.js';
import { VariablesEmpty } from './VariablesEmpty.js';
import './variables.css';

/** Flows and the CLI change variables too: the list is read again this often. */
const REFRESH_MS = 5000;

type Open = { dialog: 'edit'; variable: StoredVariable | null } | { dialog: 'delete'; variable: StoredVariable } | null;

/** Every variable: its value in short, its tags and when it changed; made, edited and deleted here. */
export function VariablesPage() {
  const { client } = useServices();
  const { data, error, reload } = usePolled(() => client.listVariables(), 'variables', REFRESH_MS);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const done = () => {
    setOpen(null);
    reload();
  };
  const shown = data ? filterVariables(data, filter) : [];
  const now = Date.now();
  return (
    <div className="fd-variables" data-testid="variables-page">
      <header className="fd-run-header">
        <h1>Variables</h1>
        <button type="button" className="fd-button is-primary" onClick={() => setOpen({ dialog: 'edit', variable: null })} data-testid="variable-new">
          New variable
        </button>
      </header>
      {error ? <ReadFailedNotice message={`Could not read the variables: ${error}`} onRetry={reload} /> : null}
      {data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading variables…</p>
        )
      ) : data.length === 0 ? (
        <VariablesEmpty onCreate={() => setOpen({ dialog: 'edit', variable: null })} />
      ) : (
        <>
          <input
            type="search"
            className="fd-variables-filter"
            placeholder="Filter by name or tag"
            aria-label="Filter variables by name or tag"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            data-testid="variables-filter"
          />
          <table className="fd-table fd-variables-table" data-testid="variables-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Value</th>
                <th>Tags</th>
                <th>Updated</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {shown.map((variable) => (
                <tr key={variable.name} data-testid="variable-row" data-name={variable.name}>
                  <td className="fd-variable-name">{variable.name}</td>
                  <td>
                    <code className="fd-variable-value" data-testid="variable-row-value" title={JSON.stringify(variable.value)}>
                      {valuePreview(variable.value)}
                    </code>
                  </td>
                  <td>{variable.tags.length > 0 ? variable.tags.join(', ') : <span className="fd-muted">-</span>}</td>
                  <td title={new Date(variable.updatedAt).toLocaleString()}>{formatRelative(variable.updatedAt, now)}</td>
                  <td className="fd-variable-actions">
                    <button type="button" className="fd-link" onClick={() => setOpen({ dialog: 'edit', variable })} data-testid="variable-edit">
                      Edit
                    </button>
                    <button
                      type="button"
                      className="fd-link is-danger"
                      onClick={() => setOpen({ dialog: 'delete', variable })}
                      data-testid="variable-delete"
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 ? <p className="fd-muted">No variable's name or tags contain "{filter.trim()}".</p> : null}
        </>
      )}
      {open?.dialog === 'edit' ? <VariableDialog editing={open.variable} onClose={close} onSaved={done} /> : null}
      {open?.dialog === 'delete' ? <DeleteVariableDialog variable={open.variable} onClose={close} onDeleted={done} /> : null}
    </div>
  );
}
