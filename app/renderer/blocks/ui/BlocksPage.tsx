import { useState } from 'react';
import type { BlockRead, BlockTypeInfo } from '../../../core/api/blocks.js';
import { errorMessage } from '../../../core/error-message.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { Modal } from '../../shared/Modal.js';
import { ReadFailedNotice } from '../../shared/PageParts.js';
import { formatRelative } from '../../shared/relative-time.js';
import { usePolled } from '../../shared/use-polled.js';
import { blocksByType } from '../model/block-form.js';
import { BlockDialog } from './BlockDialog.js';
import './blocks.css';

/** Blocks change only when someone edits them; the list is read again now and then for other people's edits. */
const REFRESH_MS = 10_000;

type Editing = { kind: 'new' } | { kind: 'edit'; block: BlockRead } | { kind: 'delete'; block: BlockRead } | null;

/** Configuration and credentials flows load by name: listed by type, created, edited and deleted here. */
export function BlocksPage() {
  const { client } = useServices();
  const types = usePolled(() => client.listBlockTypes(), 'block-types', 60_000);
  const blocks = usePolled(() => client.listBlocks(), 'blocks', REFRESH_MS);
  const [editing, setEditing] = useState<Editing>(null);
  const done = () => {
    setEditing(null);
    blocks.reload();
  };
  const error = blocks.error ?? types.error;
  return (
    <div className="fd-blocks" data-testid="blocks-page">
      <header className="fd-run-header">
        <h1>Blocks</h1>
        <button
          type="button"
          className="fd-button is-primary"
          disabled={!types.data}
          onClick={() => setEditing({ kind: 'new' })}
          data-testid="block-new"
        >
          New block
        </button>
      </header>
      {error ? (
        <ReadFailedNotice
          message={`Could not read the blocks: ${error}`}
          onRetry={() => {
            blocks.reload();
            types.reload();
          }}
        />
      ) : null}
      {blocks.data === null || types.data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading blocks…</p>
        )
      ) : blocks.data.length === 0 ? (
        <BlocksEmpty />
      ) : (
        <BlockGroups
          types={types.data}
          blocks={blocks.data}
          onEdit={(block) => setEditing({ kind: 'edit', block })}
          onDelete={(block) => setEditing({ kind: 'delete', block })}
        />
      )}
      {editing && editing.kind !== 'delete' && types.data ? (
        <BlockDialog types={types.data} block={editing.kind === 'edit' ? editing.block : null} onClose={() => setEditing(null)} onSaved={done} />
      ) : null}
      {editing?.kind === 'delete' ? <DeleteBlockDialog block={editing.block} onClose={() => setEditing(null)} onDeleted={done} /> : null}
    </div>
  );
}

function BlockGroups({
  types,
  blocks,
  onEdit,
  onDelete,
}: {
  types: readonly BlockTypeInfo[];
  blocks: readonly BlockRead[];
  onEdit(block: BlockRead): void;
  onDelete(block: BlockRead): void;
}) {
  return (
    <>
      {blocksByType(types, blocks).map(({ type, blocks: ofType }) => (
        <section key={type.slug} className="fd-block-group" data-testid="block-group" data-type={type.slug}>
          <h2>
            {type.title} <span className="fd-muted">{type.slug}</span>
          </h2>
          <table className="fd-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Fields</th>
                <th>Last loaded</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {ofType.map((block) => (
                <tr key={block.id} data-testid="block-row" data-name={block.name}>
                  <td>{block.name}</td>
                  <td className="fd-block-fields">
                    {Object.entries(block.data).map(([field, value]) => (
                      <div key={field}>
                        <span className="fd-muted">{field}</span> {typeof value === 'string' ? value : JSON.stringify(value)}
                      </div>
                    ))}
                  </td>
                  <td data-testid="block-last-loaded">
                    <LastLoaded block={block} />
                  </td>
                  <td className="fd-block-actions">
                    <button type="button" className="fd-button" onClick={() => onEdit(block)}>
                      Edit
                    </button>
                    <button type="button" className="fd-button" onClick={() => onDelete(block)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}

/** When a flow last read the block's secrets, linked to the run that did. */
function LastLoaded({ block }: { block: BlockRead }) {
  if (block.lastLoadedAt === null) return <span className="fd-muted">never</span>;
  const when = <span title={new Date(block.lastLoadedAt).toLocaleString()}>{formatRelative(block.lastLoadedAt, Date.now())}</span>;
  if (block.lastLoadedBy === null) return when;
  return (
    <>
      {when} by{' '}
      <a href={routeHash({ page: 'run', flowRunId: block.lastLoadedBy })} data-testid="block-loaded-by">
        {block.lastLoadedBy.slice(0, 8)}
      </a>
    </>
  );
}

function DeleteBlockDialog({ block, onClose, onDeleted }: { block: BlockRead; onClose(): void; onDeleted(): void }) {
  const { client } = useServices();
  const [problem, setProblem] = useState<string | null>(null);
  const remove = async () => {
    try {
      await client.deleteBlock({ params: { type: block.type, name: block.name } });
      showToast(`Deleted block ${block.type}/${block.name}`);
      onDeleted();
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  return (
    <Modal title={`Delete ${block.type}/${block.name}?`} onCancel={onClose}>
      <p>Flows that load it will fail until a block of that name exists again. This cannot be undone.</p>
      {problem ? (
        <p className="fd-field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="fd-modal-actions">
        <button type="button" className="fd-button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="fd-button is-danger" onClick={() => void remove()} data-testid="block-delete-confirm">
          Delete
        </button>
      </div>
    </Modal>
  );
}

/** What a server without blocks shows: what they are for and how to make one. */
function BlocksEmpty() {
  return (
    <div className="fd-empty-state" data-testid="blocks-empty">
      <h2>No blocks yet</h2>
      <p>
        Blocks keep configuration and credentials on the server, so no password is written into a flow. Secret fields are encrypted and never shown
        again. Create one with New block, or from a terminal:
      </p>
      <pre className="fd-empty-command">printf %s "$DB_PASSWORD" | flowdeck secret set db-password</pre>
      <p className="fd-muted">Then load it in a flow: (await Secret.load('db-password')).get()</p>
    </div>
  );
}
