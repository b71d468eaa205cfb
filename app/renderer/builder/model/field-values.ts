import type { FieldControl } from '../../../core/flow-document/node-kinds.js';

/** What a side panel control holds: text for most, a flag for checkboxes. */
export type FormValue = string | boolean;

export interface FieldLike {
  label: string;
  control: FieldControl;
  required: boolean;
  schema: { safeParse(value: unknown): { success: boolean; error?: { issues: readonly { message: string }[] } } };
}

/** A field's value as its control shows it. */
export function toFormValue(control: FieldControl, value: unknown): FormValue {
  if (control === 'boolean') return value === true;
  if (value === undefined || value === null) return '';
  switch (control) {
    case 'list':
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a list written as one value is a string or a number
      return Array.isArray(value) ? value.map(String).join(', ') : String(value);
    case 'keyValue':
      return value && typeof value === 'object'
        ? Object.entries(value as Record<string, unknown>)
            .map(([key, item]) => `${key}: ${String(item)}`)
            .join('\n')
        : '';
    case 'json':
      return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 2);
    default:
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- text, number and choice fields hold primitives
      return String(value);
  }
}

type ParsedField = { kind: 'value'; value: unknown } | { kind: 'unset' } | { kind: 'error'; message: string };

function candidates(control: FieldControl, text: string): unknown[] | string {
  const trimmed = text.trim();
  switch (control) {
    case 'number': {
      const value = Number(trimmed);
      return Number.isFinite(value) ? [value] : 'must be a number';
    }
    case 'list': {
      const items = trimmed
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      const numbers = items.map(Number);
      const allNumbers = items.length > 0 && numbers.every(Number.isFinite);
      // `5` may mean one delay and `1, 5` a delay per retry; the schema decides which fits.
      return allNumbers ? [...(items.length === 1 ? [numbers[0]] : []), numbers, items] : [items];
    }
    case 'keyValue': {
      const record: Record<string, string> = {};
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const at = line.search(/[:=]/);
        if (at <= 0) return `write one "key: value" per line ("${line.trim()}" has no key)`;
        record[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      return [record];
    }
    case 'json':
      try {
        return [JSON.parse(text) as unknown];
      } catch {
        // A bare word is meant as text more often than not.
        return /^[\w ./:-]+$/.test(trimmed) ? [trimmed] : 'must be JSON, e.g. "text", 42, [1, 2] or {"a": 1}';
      }
    default:
      return [text];
  }
}

/**
 * Reads what a person typed into a field's control and checks it with the field's schema. An
 * empty optional field is unset, so the task's default applies.
 */
export function parseFormValue(field: FieldLike, input: FormValue): ParsedField {
  if (field.control === 'boolean') return check(field, [input === true]);
  const text = String(input);
  if (text.trim() === '' && field.control !== 'multiline' && field.control !== 'code') {
    return field.required ? { kind: 'error', message: `${field.label} is required` } : { kind: 'unset' };
  }
  if (text === '' && !field.required) return { kind: 'unset' };
  const options = candidates(field.control, text);
  if (typeof options === 'string') return { kind: 'error', message: `${field.label} ${options}` };
  return check(field, options);
}

function check(field: FieldLike, options: unknown[]): ParsedField {
  let firstError = '';
  for (const value of options) {
    const result = field.schema.safeParse(value);
    if (result.success) return { kind: 'value', value };
    firstError ||= result.error?.issues[0]?.message ?? 'is not valid';
  }
  return { kind: 'error', message: `${field.label}: ${firstError}` };
}
