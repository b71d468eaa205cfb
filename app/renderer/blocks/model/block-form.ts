import type { BlockRead, BlockTypeInfo } from '../../../core/api/blocks.js';
import { collectParameters, parameterFields, type FormField, type ParameterField, type ParameterValues } from '../../shared/parameter-form.js';

/** What the server takes, in a secret field, for "keep the stored value". */
export const KEEP_SECRET = '********';

/** One input of a block's form, from a property of its type's JSON Schema. */
export interface BlockField extends FormField {
  /** For a secret field: whether its value is JSON (an object of secrets, such as headers) rather than text. */
  json?: boolean;
}

function isStringList(property: unknown): boolean {
  const schema = property as { type?: unknown; items?: { type?: unknown } } | undefined;
  return schema?.type === 'array' && schema.items?.type === 'string';
}

/** The fields of a block type's form, in the order its schema declares them. */
export function blockFields(type: BlockTypeInfo): BlockField[] {
  const properties = (type.schema.properties ?? {}) as Record<string, unknown>;
  return parameterFields(type.schema).map((field): BlockField => {
    if (type.secretFields.includes(field.name)) return { ...field, control: 'secret', json: field.control === 'json' };
    if (isStringList(properties[field.name])) return { ...field, control: 'list' };
    return field;
  });
}

function shown(field: BlockField, value: unknown): string | boolean {
  if (field.control === 'boolean') return value === true;
  if (value === undefined || value === null) return '';
  if (field.control === 'list' && Array.isArray(value)) return value.join(', ');
  if (typeof value === 'string') return field.control === 'json' ? JSON.stringify(value) : value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/**
 * The form's starting values: a block's own (a new one's defaults), and every secret field empty,
 * since its stored value is never sent to the page; left empty, it keeps that value.
 */
export function initialBlockValues(fields: readonly BlockField[], block: BlockRead | null): ParameterValues {
  const values: ParameterValues = {};
  for (const field of fields) {
    if (field.control === 'secret') values[field.name] = '';
    else values[field.name] = shown(field, block ? block.data[field.name] : field.default);
  }
  return values;
}

/** Whether the block holds a value for this secret field, kept when the field is left empty. */
export function secretIsSet(block: BlockRead | null, field: string): boolean {
  return block?.secretFieldsSet.includes(field) ?? false;
}

/** The document to send, or an error per field; the server checks it against the type's schema again. */
export function collectBlockData(
  fields: readonly BlockField[],
  values: ParameterValues,
  block: BlockRead | null,
): { data: Record<string, unknown>; errors: Record<string, string> } {
  const plain = fields.filter((field) => field.control !== 'secret' && field.control !== 'list') as ParameterField[];
  const { parameters: data, errors } = collectParameters(plain, values);
  for (const field of fields) {
    const text = typeof values[field.name] === 'string' ? (values[field.name] as string) : '';
    if (field.control === 'list') {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (items.length > 0) data[field.name] = items;
      else if (field.required) errors[field.name] = `${field.label} is required`;
    } else if (field.control === 'secret') {
      if (text === '') {
        if (secretIsSet(block, field.name)) data[field.name] = KEEP_SECRET;
        else if (field.required) errors[field.name] = `${field.label} is required`;
      } else if (field.json) {
        try {
          data[field.name] = JSON.parse(text);
        } catch {
          errors[field.name] = `${field.label} must be JSON, e.g. {"Authorization": "Bearer …"}`;
        }
      } else {
        data[field.name] = text;
      }
    }
  }
  return { data, errors };
}

/** Blocks by type, in the order the types are listed, each type's by name. */
export function blocksByType(types: readonly BlockTypeInfo[], blocks: readonly BlockRead[]): { type: BlockTypeInfo; blocks: BlockRead[] }[] {
  return types
    .map((type) => ({ type, blocks: blocks.filter((block) => block.type === type.slug).sort((a, b) => a.name.localeCompare(b.name)) }))
    .filter((group) => group.blocks.length > 0);
}
