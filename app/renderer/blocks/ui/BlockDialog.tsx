import { useMemo, useState, type FormEvent } from 'react';
import type { BlockRead, BlockTypeInfo } from '../../../core/api/blocks.js';
import { ApiError } from '../../../core/api/errors.js';
import { errorMessage } from '../../../core/error-message.js';
import { useServices } from '../../app/services-context.js';
import { showToast } from '../../app/ui-store.js';
import { Modal } from '../../shared/Modal.js';
import type { ParameterValues } from '../../shared/parameter-form.js';
import { placeServerProblems } from '../../shared/server-problems.js';
import { blockFields, collectBlockData, initialBlockValues } from '../model/block-form.js';
import { BlockFields } from './BlockFields.js';

/** The server names a document's field as `data.port`: the form's field is the part after `data`. */
function issuesOfFields(issues: readonly { path: (string | number)[]; message: string }[]) {
  return issues.map((issue) => ({ ...issue, path: issue.path[0] === 'data' ? issue.path.slice(1) : issue.path }));
}

/**
 * Creates a block (its type picked, the form made from the type's schema) or edits one: its
 * fields filled in, its secret fields empty and kept unless a new value is typed.
 */
export function BlockDialog({
  types,
  block,
  onClose,
  onSaved,
}: {
  types: readonly BlockTypeInfo[];
  /** The block to edit; null to create one. */
  block: BlockRead | null;
  onClose(): void;
  onSaved(): void;
}) {
  const { client } = useServices();
  const [typeSlug, setTypeSlug] = useState(block?.type ?? types[0]?.slug ?? '');
  const type = types.find((t) => t.slug === typeSlug) ?? null;
  const fields = useMemo(() => (type ? blockFields(type) : []), [type]);
  const [name, setName] = useState(block?.name ?? '');
  const [values, setValues] = useState<ParameterValues>(() => initialBlockValues(fields, block));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const pickType = (slug: string) => {
    setTypeSlug(slug);
    const picked = types.find((t) => t.slug === slug);
    setValues(picked ? initialBlockValues(blockFields(picked), null) : {});
    setErrors({});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (!type) return;
    const collected = collectBlockData(fields, values, block);
    const nameError = name.trim() === '' ? 'Name is required' : null;
    setErrors({ ...collected.errors, ...(nameError ? { name: nameError } : {}) });
    if (nameError || Object.keys(collected.errors).length > 0) return;
    setSaving(true);
    try {
      if (block) await client.saveBlock({ params: { type: block.type, name: block.name }, body: { data: collected.data } });
      else await client.createBlock({ body: { type: type.slug, name: name.trim(), data: collected.data } });
      showToast(`${block ? 'Saved' : 'Created'} block ${type.slug}/${block?.name ?? name.trim()}`);
      onSaved();
    } catch (e) {
      const issues = e instanceof ApiError ? issuesOfFields(e.issues) : [];
      const placed = placeServerProblems([...fields.map((f) => f.name), 'name'], errorMessage(e), issues);
      setErrors(placed.byField);
      setProblem(placed.rest.length > 0 ? `The server did not save the block: ${placed.rest.join('; ')}` : null);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal title={block ? `Edit ${block.type}/${block.name}` : 'New block'} onCancel={onClose} wide>
      <form onSubmit={(e) => void submit(e)} data-testid="block-form" autoComplete="off">
        {block ? null : (
          <>
            <div className="fd-field">
              <label htmlFor="fd-block-type">Type</label>
              <select id="fd-block-type" value={typeSlug} onChange={(e) => pickType(e.target.value)}>
                {types.map((t) => (
                  <option key={t.slug} value={t.slug}>
                    {t.title} ({t.slug})
                  </option>
                ))}
              </select>
              <div className="fd-field-help">{type?.description ?? ''}</div>
            </div>
            <div className={`fd-field${errors.name ? ' has-error' : ''}`} data-field="name">
              <label htmlFor="fd-block-name">
                Name<span className="fd-required"> *</span>
              </label>
              <input id="fd-block-name" value={name} onChange={(e) => setName(e.target.value)} />
              <div className={errors.name ? 'fd-field-error' : 'fd-field-help'}>
                {errors.name ?? `Flows load it as ${typeSlug}/${name.trim() || 'NAME'}`}
              </div>
            </div>
          </>
        )}
        <BlockFields fields={fields} values={values} errors={errors} block={block} onChange={setValues} />
        {problem ? (
          <p className="fd-field-error" role="alert" data-testid="block-problem">
            {problem}
          </p>
        ) : null}
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="fd-button is-primary" disabled={saving} data-testid="block-save">
            {saving ? 'Saving…' : block ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
