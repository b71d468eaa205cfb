import type { ParameterValues } from '../../shared/parameter-form.js';
import { ParameterFields } from '../../shared/ParameterFields.js';
import { secretIsSet, type BlockField } from '../model/block-form.js';
import type { BlockRead } from '../../../core/api/blocks.js';

const KEPT_HELP = 'Stored and hidden; leave empty to keep it, or type a new value to replace it';

/**
 * The inputs of a block's form: one per field of its type, secret ones as password inputs that
 * start empty (the stored value is never on the page) and keep that value when left so.
 */
export function BlockFields({
  fields,
  values,
  errors,
  block,
  onChange,
}: {
  fields: readonly BlockField[];
  values: ParameterValues;
  errors: Readonly<Record<string, string>>;
  block: BlockRead | null;
  onChange: (values: ParameterValues) => void;
}) {
  return (
    <ParameterFields
      fields={fields}
      values={values}
      errors={errors}
      onChange={onChange}
      idPrefix="fd-block-field"
      emptyChoice="(none)"
      lookOf={(field) => (field.control === 'secret' && secretIsSet(block, field.name) ? { kept: true, help: KEPT_HELP } : {})}
    />
  );
}
