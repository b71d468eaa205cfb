import type { BlockTypeInfo } from '../../core/api/blocks.js';
import { UsageError } from '../errors.js';
import { TerminalQuestions } from './terminal-input.js';

interface FieldSchema {
  type?: string;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  items?: { type?: string };
}

/** What a person typed for one field, as the field's type takes it; undefined leaves it out. */
function fieldValue(name: string, field: FieldSchema, typed: string): unknown {
  const text = typed.trim();
  if (text === '') return undefined;
  switch (field.type) {
    case 'integer':
    case 'number': {
      const value = Number(text);
      if (!Number.isFinite(value)) throw new UsageError(`${name}: must be a number, got '${text}'`);
      return value;
    }
    case 'boolean':
      if (/^(y|yes|true)$/i.test(text)) return true;
      if (/^(n|no|false)$/i.test(text)) return false;
      throw new UsageError(`${name}: answer yes or no, got '${text}'`);
    case 'array':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'string':
      return typed;
    default:
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new UsageError(`${name}: must be JSON, got '${text}'`);
      }
  }
}

function hint(field: FieldSchema, required: boolean): string {
  const parts: string[] = [];
  if (field.enum) parts.push(field.enum.join('/'));
  else if (field.type === 'array') parts.push('comma-separated');
  else if (field.type === 'boolean') parts.push('y/n');
  else if (field.type !== 'string' && field.type !== 'integer' && field.type !== 'number') parts.push('JSON');
  if (field.default !== undefined) parts.push(`default ${JSON.stringify(field.default)}`);
  else if (!required) parts.push('optional');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/**
 * Asks for a block's fields one by one, as its type's schema lists them; secret fields are
 * typed without echo. An empty answer leaves a field out (its default, if it has one).
 */
export async function promptBlockData(type: BlockTypeInfo): Promise<Record<string, unknown>> {
  const properties = (type.schema.properties ?? {}) as Record<string, FieldSchema>;
  const required = new Set((type.schema.required ?? []) as string[]);
  const data: Record<string, unknown> = {};
  const questions = new TerminalQuestions();
  try {
    for (const [name, field] of Object.entries(properties)) {
      const secret = type.secretFields.includes(name);
      const label = `${name}${field.description ? ` - ${field.description}` : ''}${hint(field, required.has(name))}: `;
      const value = fieldValue(name, field, await questions.ask(label, { hidden: secret }));
      if (value !== undefined) data[name] = value;
    }
  } finally {
    questions.close();
  }
  return data;
}
