import { describe, expect, it } from 'vitest';
import type { BlockRead } from '../../app/core/api/blocks.js';
import { blockTypeInfos } from '../../app/core/blocks/index.js';
import { parseRoute, routeHash } from '../../app/renderer/app/routes.js';
import { blockFields, blocksByType, collectBlockData, initialBlockValues } from '../../app/renderer/blocks/model/block-form.js';

const types = blockTypeInfos();
const typeOf = (slug: string) => types.find((type) => type.slug === slug)!;

function stored(overrides: Partial<BlockRead>): BlockRead {
  return {
    id: 'b1',
    type: 'sql-connection',
    name: 'w',
    data: {},
    secretFields: ['password'],
    secretFieldsSet: [],
    createdAt: 0,
    updatedAt: 0,
    lastLoadedAt: null,
    lastLoadedBy: null,
    ...overrides,
  };
}

describe('block forms', () => {
  it('make a field per property of the type, secret ones as password fields and string lists as comma-separated text', () => {
    const fields = blockFields(typeOf('smtp-email'));
    expect(fields.map((field) => [field.name, field.control, field.required])).toEqual([
      ['host', 'text', true],
      ['port', 'integer', false],
      ['tls', 'boolean', false],
      ['user', 'text', false],
      ['password', 'secret', false],
      ['from', 'text', true],
      ['to', 'list', true],
    ]);
    expect(blockFields(typeOf('webhook')).find((field) => field.name === 'headers')).toMatchObject({ control: 'secret', json: true });
  });

  it('start secret fields empty and keep a stored value when they are left so', () => {
    const fields = blockFields(typeOf('sql-connection'));
    const block = stored({ data: { url: 'postgres://ada@db/app', password: '********' }, secretFieldsSet: ['password'] });
    const values = initialBlockValues(fields, block);
    expect(values).toEqual({ url: 'postgres://ada@db/app', password: '' });
    expect(collectBlockData(fields, values, block)).toEqual({ data: { url: 'postgres://ada@db/app', password: '********' }, errors: {} });
    expect(collectBlockData(fields, { ...values, password: 'new' }, block).data.password).toBe('new');
    // A new block has nothing to keep: an empty optional secret is left out, a required one is refused.
    expect(collectBlockData(fields, { url: 'sqlite:x', password: '' }, null).data).toEqual({ url: 'sqlite:x' });
    const secretFields = blockFields(typeOf('secret'));
    expect(collectBlockData(secretFields, { value: '' }, null).errors).toEqual({ value: 'Value is required' });
  });

  it('read lists and JSON secrets, naming the field that does not parse', () => {
    const smtp = blockFields(typeOf('smtp-email'));
    const values = { ...initialBlockValues(smtp, null), host: 'mail', from: 'a@b.co', to: ' x@y.co , z@y.co ,' };
    expect(collectBlockData(smtp, values, null).data).toMatchObject({ host: 'mail', port: 587, tls: true, to: ['x@y.co', 'z@y.co'] });
    const webhook = blockFields(typeOf('webhook'));
    expect(collectBlockData(webhook, { url: 'https://h', headers: '{"A": "b"}' }, null).data).toEqual({ url: 'https://h', headers: { A: 'b' } });
    expect(collectBlockData(webhook, { url: 'https://h', headers: '{' }, null).errors.headers).toMatch(/must be JSON/);
  });

  it('group blocks by type in the order of the types, and have a page of their own', () => {
    const groups = blocksByType(types, [stored({ name: 'b' }), stored({ id: 'b2', type: 'secret', name: 'z' }), stored({ id: 'b3', name: 'a' })]);
    expect(groups.map((group) => [group.type.slug, group.blocks.map((block) => block.name)])).toEqual([
      ['secret', ['z']],
      ['sql-connection', ['a', 'b']],
    ]);
    expect(parseRoute('#/blocks')).toEqual({ page: 'blocks' });
    expect(routeHash({ page: 'blocks' })).toBe('#/blocks');
  });
});
