import { describe, expect, it } from 'vitest';
import { BLOCK_TYPES, blockTypeJsonSchema, findBlockType, maskBlockData, parseBlockAddress, secretStrings } from '../../app/core/blocks/index.js';

describe('block type registry', () => {
  it('has the types a flow needs, each with a schema a form can be made from and secret fields it declares', () => {
    expect(BLOCK_TYPES.map((type) => type.slug)).toEqual([
      'secret',
      'json',
      'sql-connection',
      'http-auth',
      'webhook',
      'slack-webhook',
      'smtp-email',
      'result-storage',
    ]);
    for (const type of BLOCK_TYPES) {
      const schema = blockTypeJsonSchema(type);
      expect(schema.type, type.slug).toBe('object');
      const properties = Object.keys(schema.properties as object);
      for (const field of type.secretFields) expect(properties, `${type.slug}.${field}`).toContain(field);
    }
  });

  it('checks documents against each schema, naming the field', () => {
    const auth = findBlockType('http-auth')!;
    expect(auth.schema.safeParse({ scheme: 'bearer', token: 't' }).success).toBe(true);
    const missing = auth.schema.safeParse({ scheme: 'basic' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0].path).toEqual(['user']);
    const storage = findBlockType('result-storage')!;
    expect(storage.schema.safeParse({ kind: 'server' }).success).toBe(true);
    expect(storage.schema.safeParse({ kind: 'folder' }).error?.issues[0].path).toEqual(['path']);
    const smtp = findBlockType('smtp-email')!;
    expect(smtp.schema.parse({ host: 'mail', from: 'a@b.co', to: ['c@d.co'] })).toMatchObject({ port: 587, tls: true });
    expect(smtp.schema.safeParse({ host: 'mail', from: 'nobody', to: ['c@d.co'] }).error?.issues[0].path).toEqual(['from']);
  });

  it('masks secret fields, each value of an object of secrets, and lists their strings', () => {
    const webhook = findBlockType('webhook')!;
    const data = { url: 'https://hooks.example/x', headers: { Authorization: 'Bearer abc', 'X-Team': 'ops' } };
    expect(maskBlockData(webhook, data)).toEqual({ url: 'https://hooks.example/x', headers: { Authorization: '********', 'X-Team': '********' } });
    expect(secretStrings(webhook.secretFields, data)).toEqual(['Bearer abc', 'ops']);
  });

  it('reads TYPE/NAME addresses, naming what is wrong', () => {
    expect(parseBlockAddress('secret/db')).toEqual({ type: 'secret', name: 'db' });
    expect(parseBlockAddress('db')).toEqual({ problem: "'db' is not TYPE/NAME, such as secret/db-password" });
    expect(parseBlockAddress('ftp/db')).toMatchObject({ problem: expect.stringMatching(/^no block type 'ftp'/) });
    expect(parseBlockAddress('secret/a b')).toMatchObject({ problem: expect.stringMatching(/^block name 'a b' /) });
  });
});
