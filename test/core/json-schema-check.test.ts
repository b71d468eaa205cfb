// The JSON Schema checker on schemas as zod writes them: what fits, and for what does not, where
// and why.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkJsonSchema, describeJsonSchemaIssue } from '../../app/core/json-schema-check.js';

/** The schema of what a caller may give, as the engine records it for a pause. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function problems(schema: z.ZodType, value: unknown): string[] {
  return checkJsonSchema(jsonSchemaOf(schema), value).map(describeJsonSchemaIssue);
}

describe('checkJsonSchema', () => {
  const approval = z.object({
    approved: z.boolean(),
    by: z.string().min(2).default('someone'),
    count: z.number().int().min(1).max(10).optional(),
    level: z.enum(['low', 'high']),
    note: z.string().max(5).nullable().optional(),
  });

  it('accepts what the zod schema accepts', () => {
    const fitting = [
      { approved: true, level: 'low' },
      { approved: false, by: 'ada', count: 10, level: 'high', note: null },
      { approved: true, level: 'low', count: 1, note: 'short' },
    ];
    for (const value of fitting) {
      expect(approval.safeParse(value).success).toBe(true);
      expect(problems(approval, value), JSON.stringify(value)).toEqual([]);
    }
  });

  it('names the field and the reason for what does not fit', () => {
    expect(problems(approval, { level: 'low' })).toEqual(['approved: is required']);
    expect(problems(approval, { approved: 'yes', level: 'low' })).toEqual(['approved: expected boolean, got string']);
    expect(problems(approval, { approved: true, level: 'mid' })).toEqual(['level: must be one of "low", "high"']);
    expect(problems(approval, { approved: true, level: 'low', count: 0 })).toEqual(['count: must be at least 1']);
    expect(problems(approval, { approved: true, level: 'low', count: 11 })).toEqual(['count: must be at most 10']);
    expect(problems(approval, { approved: true, level: 'low', count: 2.5 })).toEqual(['count: expected a whole number, got 2.5']);
    expect(problems(approval, { approved: true, level: 'low', by: 'a' })).toEqual(['by: must be at least 2 characters long']);
    expect(problems(approval, { approved: true, level: 'low', note: 'too long' })).toEqual(['note: must be at most 5 characters long']);
    expect(problems(approval, { approved: true, level: 'low', note: 7 })).toEqual(['note: expected string or null, got number']);
    expect(problems(approval, [])).toEqual(['expected object, got array']);
    expect(problems(approval, undefined)).toEqual(['expected object, got nothing']);
    // Every field that does not fit, not only the first.
    expect(problems(approval, { approved: 1, level: 2 })).toEqual(['approved: expected boolean, got number', 'level: expected string, got number']);
  });

  it('keeps to the keys a strict object names, and lets a loose one take more', () => {
    expect(problems(z.strictObject({ a: z.string() }), { a: 'x', b: 1 })).toEqual(['b: is not expected here']);
    expect(problems(z.looseObject({ a: z.string() }), { a: 'x', b: 1 })).toEqual([]);
    expect(problems(z.record(z.string(), z.number()), { a: 1, b: 'two' })).toEqual(['b: expected number, got string']);
  });

  it('checks arrays, tuples and nested objects with the index in the path', () => {
    const order = z.object({
      lines: z
        .array(z.object({ sku: z.string(), qty: z.number().positive() }))
        .min(1)
        .max(2),
    });
    expect(problems(order, { lines: [{ sku: 'a', qty: 1 }] })).toEqual([]);
    expect(
      problems(order, {
        lines: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 0 },
        ],
      }),
    ).toEqual(['lines.1.qty: must be more than 0']);
    expect(problems(order, { lines: [] })).toEqual(['lines: must have at least 1 items']);
    expect(
      problems(order, {
        lines: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 1 },
          { sku: 'c', qty: 1 },
        ],
      }),
    ).toEqual(['lines: must have at most 2 items']);
    const pair = z.tuple([z.string(), z.number()]);
    expect(problems(pair, ['a', 1])).toEqual([]);
    expect(problems(pair, ['a', 'b'])).toEqual(['1: expected number, got string']);
    expect(problems(pair, ['a', 1, 2])).toEqual(['must have at most 2 items']);
  });

  it('checks literals, unions and discriminated forms', () => {
    expect(problems(z.literal('yes'), 'yes')).toEqual([]);
    expect(problems(z.literal('yes'), 'no')).toEqual(['must be "yes"']);
    const answer = z.union([z.object({ kind: z.literal('ok') }), z.object({ kind: z.literal('no'), why: z.string() })]);
    expect(problems(answer, { kind: 'ok' })).toEqual([]);
    expect(problems(answer, { kind: 'no', why: 'late' })).toEqual([]);
    expect(problems(answer, 3)).toEqual(['expected object, got number']);
    expect(problems(answer, { kind: 'maybe' })).toEqual(['does not fit any of the allowed forms (object given)']);
    expect(problems(answer, { kind: 'no', why: 3 })).toEqual(['why: expected string, got number']);
    const exclusive = z.xor([z.string(), z.string().min(3)]);
    expect(problems(exclusive, 'ab')).toEqual([]);
    expect(problems(exclusive, 'abcd')).toEqual(['fits more than one of the allowed forms']);
  });

  it('follows local references, and a recursive schema ends', () => {
    interface Tree {
      name: string;
      children: Tree[];
    }
    const tree: z.ZodType<Tree> = z.object({
      name: z.string(),
      get children() {
        return z.array(tree);
      },
    });
    const schema = jsonSchemaOf(tree);
    expect(checkJsonSchema(schema, { name: 'a', children: [{ name: 'b', children: [] }] })).toEqual([]);
    expect(checkJsonSchema(schema, { name: 'a', children: [{ name: 2, children: [] }] }).map(describeJsonSchemaIssue)).toEqual([
      'children.0.name: expected string, got number',
    ]);
    expect(checkJsonSchema({ $ref: '#', anyOf: [{ $ref: '#' }] }, 1)).toEqual([]);
  });

  it('takes the OpenAPI nullable and lets through what it does not know', () => {
    expect(checkJsonSchema({ type: 'string', nullable: true }, null)).toEqual([]);
    expect(checkJsonSchema({ type: 'string', format: 'email', pattern: '^x' }, 'anything')).toEqual([]);
    expect(checkJsonSchema({}, { any: ['thing'] })).toEqual([]);
    expect(checkJsonSchema(null, 1)).toEqual([]);
    expect(checkJsonSchema({ type: 'object', properties: { a: false } }, { a: 1 }).map(describeJsonSchemaIssue)).toEqual(['a: is not allowed here']);
  });
});
