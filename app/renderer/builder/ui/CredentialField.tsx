import { useEffect, useId, useState } from 'react';
import { isCredential, type CredentialBinding } from '../../../core/flow-document/credentials.js';
import type { FieldSpec } from '../../../core/flow-document/node-kinds.js';
import type { InputBinding } from '../model/document-model.js';
import { choiceKey, credentialChoices, fittingTypesText } from '../model/credential-choices.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { usePolled } from '../../shared/use-polled.js';
import { FieldEditor } from './FieldEditor.js';

/** Blocks change when someone edits them on the Blocks page; the list is read again now and then. */
const BLOCKS_REFRESH_MS = 15_000;

interface Props {
  field: FieldSpec;
  value: unknown;
  binding: InputBinding | undefined;
  /** What the field goes back to when a reference is swapped for a value. */
  initial: unknown;
  externalError?: string | undefined;
  onValue: (value: unknown) => void;
  onReference: (binding: CredentialBinding) => void;
}

/**
 * A field that takes a value or a secret or block loaded by name when the run starts: the choice
 * between the two, then the value's editor or a list of the server's blocks that fit.
 */
export function CredentialField({ field, value, binding, initial, externalError, onValue, onReference }: Props) {
  const id = useId();
  const referenced = isCredential(binding);
  const [mode, setMode] = useState<'value' | 'reference'>(referenced ? 'reference' : 'value');
  // The code changed under us (an edit in Monaco, undo): follow it.
  useEffect(() => {
    setMode(referenced ? 'reference' : 'value');
  }, [referenced]);
  return (
    <div className="fd-credential-field" data-credential-field={field.name}>
      <label htmlFor={`${id}-mode`} className="fd-muted">
        {field.label} from
      </label>{' '}
      <select
        id={`${id}-mode`}
        aria-label={`${field.label} from`}
        value={mode}
        onChange={(e) => {
          const next = e.target.value === 'reference' ? 'reference' : 'value';
          setMode(next);
          if (next === 'value' && referenced) onValue(initial);
        }}
      >
        <option value="value">a value</option>
        <option value="reference">a secret or block</option>
      </select>
      {mode === 'value' ? (
        <FieldEditor field={field} value={value} externalError={externalError} onCommit={onValue} />
      ) : (
        <CredentialPicker field={field} binding={referenced ? binding : undefined} onPick={onReference} />
      )}
    </div>
  );
}

function CredentialPicker({
  field,
  binding,
  onPick,
}: {
  field: FieldSpec;
  binding: CredentialBinding | undefined;
  onPick: (binding: CredentialBinding) => void;
}) {
  const id = useId();
  const { client } = useServices();
  const blocks = usePolled(() => client.listBlocks(), 'builder-credential-blocks', BLOCKS_REFRESH_MS);
  const choices = blocks.data ? credentialChoices(field, blocks.data) : [];
  const current = binding ? choiceKey(binding) : '';
  const known = choices.some((c) => c.key === current);
  const fitting = fittingTypesText(field);
  return (
    <div className="fd-field" data-field={field.name}>
      <label htmlFor={id}>
        {field.label}
        {field.required ? <span className="fd-required"> *</span> : null}
      </label>
      <select
        id={id}
        name={field.name}
        data-testid={`credential-${field.name}`}
        value={current}
        onChange={(e) => {
          const choice = choices.find((c) => c.key === e.target.value);
          if (choice) onPick(choice.binding);
        }}
      >
        <option value="">{blocks.data === null && !blocks.error ? 'Loading…' : '(pick one)'}</option>
        {binding && !known ? <option value={current}>{current.replace(/^(secret|block):/, '')} (not found on the server)</option> : null}
        {choices.map((choice) => (
          <option key={choice.key} value={choice.key}>
            {choice.label}
          </option>
        ))}
      </select>
      {blocks.error ? (
        <div className="fd-field-error" role="alert">
          Could not read the server's blocks: {blocks.error}
        </div>
      ) : blocks.data !== null && choices.length === 0 ? (
        <div className="fd-field-help" data-testid="credential-empty">
          The server has no {fitting} yet. <a href={routeHash({ page: 'blocks' })}>Create one on the Blocks page</a>.
        </div>
      ) : (
        <div className="fd-field-help">Loaded by name when the run starts, so the value is never written into the file.</div>
      )}
    </div>
  );
}
