// What the Variables page says and checks without a page: previews, tags, the dialog's checks, the filter.
import { describe, expect, it } from 'vitest';
import type { StoredVariable } from '../../app/core/api/variables.js';
import { parseRoute, routeHash } from '../../app/renderer/app/routes.js';
import { checkVariableForm, filterVariables, parseTags, valuePreview, variableFormFields } from '../../app/renderer/variables/model/variable-form.js';

const variable = (name: string, value: unknown, tags: string[] = []): StoredVariable => ({ name, value, tags, createdAt: 0, updatedAt: 0 });

describe('the Variables page model', () => {
  it('previews values as one line of JSON, cut with an ellipsis', () => {
    expect(valuePreview('text')).toBe('"text"');
    expect(valuePreview({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(valuePreview('x'.repeat(100), 10)).toBe('"xxxxxxxx…');
  });

  it('reads tags separated by commas, each once', () => {
    expect(parseTags(' prod, db ,, prod ')).toEqual(['prod', 'db']);
    expect(parseTags('')).toEqual([]);
  });

  it('fills the dialog from a variable, its value as indented JSON', () => {
    expect(variableFormFields(variable('db', { port: 1 }, ['a', 'b']))).toEqual({ name: 'db', value: '{\n  "port": 1\n}', tags: 'a, b' });
    expect(variableFormFields(null)).toEqual({ name: '', value: '', tags: '' });
  });

  it('says what is wrong with each field before saving: bad JSON, over the limit, a bad name', () => {
    expect(checkVariableForm({ name: 'ok', value: '{"a": 1}', tags: 'x' })).toEqual({ ok: true, name: 'ok', value: { a: 1 }, tags: ['x'] });
    const bad = checkVariableForm({ name: 'has space', value: '{oops', tags: '' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.name).toBe('The name may hold only letters, digits, "-", "_" and ".".');
    expect(bad.errors.value).toMatch(/^Not valid JSON \(.+\); text goes in quotes: "hello"\.$/);
    const big = checkVariableForm({ name: 'big', value: JSON.stringify('x'.repeat(5_310)), tags: '' });
    expect(big).toEqual({ ok: false, errors: { value: 'The value is 5,312 characters when serialised; at most 5,000.' } });
    expect(checkVariableForm({ name: '', value: '', tags: '' })).toMatchObject({
      ok: false,
      errors: { name: 'The name must not be empty.', value: expect.stringMatching(/^Give a JSON value/) },
    });
  });

  it('filters by text in the name or a tag, in any case', () => {
    const all = [variable('DB_URL', 1, ['prod']), variable('retries', 2, ['etl']), variable('mode', 3)];
    expect(filterVariables(all, 'db').map((v) => v.name)).toEqual(['DB_URL']);
    expect(filterVariables(all, 'ETL').map((v) => v.name)).toEqual(['retries']);
    expect(filterVariables(all, '  ').map((v) => v.name)).toEqual(['DB_URL', 'retries', 'mode']);
  });
});

describe('the Variables route', () => {
  it('is #/variables both ways', () => {
    expect(parseRoute('#/variables')).toEqual({ page: 'variables' });
    expect(parseRoute('#/variables/')).toEqual({ page: 'variables' });
    expect(routeHash({ page: 'variables' })).toBe('#/variables');
  });
});
