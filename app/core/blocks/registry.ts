import { z } from 'zod';
import { resourceNameProblem } from '../api/work-pool-rules.js';
import type { BlockTypeInfo } from '../api/blocks.js';
import type { BlockType } from './block-type.js';
import { BLOCK_TYPES } from './block-types.js';

/** What every read shows in place of a secret field's value; sent back unchanged, it keeps the stored value. */
export const SECRET_PLACEHOLDER = '********';

const BY_SLUG = new Map(BLOCK_TYPES.map((type) => [type.slug, type]));

export function findBlockType(slug: string): BlockType | undefined {
  return BY_SLUG.get(slug);
}

export function blockTypeSlugs(): string[] {
  return BLOCK_TYPES.map((type) => type.slug);
}

/** Why a slug names no block type, listing those that exist. */
export function unknownBlockTypeMessage(slug: string): string {
  return `no block type '${slug}'; the types are ${blockTypeSlugs().join(', ')}`;
}

/** A block type's fields as JSON Schema (what a person writes: defaults may be left out), for forms and the API. */
export function blockTypeJsonSchema(type: BlockType): Record<string, unknown> {
  return z.toJSONSchema(type.schema, { io: 'input', unrepresentable: 'any' });
}

/** Every block type as the API lists it: its fields as JSON Schema and which of them are secret. */
export function blockTypeInfos(): BlockTypeInfo[] {
  return BLOCK_TYPES.map((type) => ({
    slug: type.slug,
    title: type.title,
    description: type.description,
    schema: blockTypeJsonSchema(type),
    secretFields: [...type.secretFields],
  }));
}

/** `TYPE/NAME` taken apart, or why it cannot be. */
export function parseBlockAddress(text: string): { type: string; name: string } | { problem: string } {
  const parts = text.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { problem: `'${text}' is not TYPE/NAME, such as secret/db-password` };
  const [type, name] = parts;
  if (!findBlockType(type)) return { problem: unknownBlockTypeMessage(type) };
  const nameProblem = resourceNameProblem(name);
  if (nameProblem) return { problem: `block name '${name}' ${nameProblem}` };
  return { type, name };
}

/** The document with each secret field that holds a value shown as the placeholder (each value of an object field). */
export function maskBlockData(type: BlockType, data: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...data };
  for (const field of type.secretFields) {
    const value = shown[field];
    if (value === undefined) continue;
    shown[field] =
      value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).map((key) => [key, SECRET_PLACEHOLDER]))
        : SECRET_PLACEHOLDER;
  }
  return shown;
}
