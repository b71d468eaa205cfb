import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

describe('variables in the store', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  let clock = T0;

  beforeEach(async () => {
    clock = T0;
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath, now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  it('keeps any JSON value by name with its tags and times, and replaces it in place', async () => {
    const made = await store.setVariable('db.settings', {
      value: { host: 'db', port: 5432, flags: [true, null] },
      tags: ['prod', 'db'],
      overwrite: false,
    });
    expect(made).toEqual({
      name: 'db.settings',
      value: { host: 'db', port: 5432, flags: [true, null] },
      tags: ['prod', 'db'],
      createdAt: T0,
      updatedAt: T0,
    });
    for (const value of ['text', 42, false, null, [1, 'two']]) {
      await store.setVariable(`v-${JSON.stringify(value).length}`, { value, overwrite: false });
    }
    expect(await store.getVariable('v-4')).toMatchObject({ value: null, tags: [] });

    clock += 1000;
    // Tags left out stay as they were; given, they replace.
    const replaced = await store.setVariable('db.settings', { value: 'moved', overwrite: true });
    expect(replaced).toEqual({ name: 'db.settings', value: 'moved', tags: ['prod', 'db'], createdAt: T0, updatedAt: T0 + 1000 });
    expect(await store.setVariable('db.settings', { value: 'moved', tags: [], overwrite: true })).toMatchObject({ tags: [] });
    expect(await store.getVariable('nope')).toBeNull();
  });

  it('refuses to replace one that exists without overwrite, keeping it as it was', async () => {
    await store.setVariable('limit', { value: 10, overwrite: false });
    await expect(store.setVariable('limit', { value: 20, overwrite: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining("variable 'limit' already exists"),
    });
    expect(await store.getVariable('limit')).toMatchObject({ value: 10 });
  });

  it('refuses a bad name, an oversized value or a bad tag, naming the field and the limit, and stores nothing', async () => {
    const refusal = (name: string, value: unknown, tags?: string[]) =>
      store.setVariable(name, { value, tags, overwrite: true }).catch((e: unknown) => e);
    expect(await refusal('', 1)).toMatchObject({ code: 'INVALID', message: 'name: must not be empty' });
    expect(await refusal('x'.repeat(256), 1)).toMatchObject({ message: 'name: 256 characters; at most 255' });
    expect(await refusal('has space', 1)).toMatchObject({ message: expect.stringMatching(/^name: may hold only letters, digits/) });
    expect(await refusal('a/b', 1)).toMatchObject({ code: 'INVALID' });
    // 5,312 characters once serialised: the quotes count.
    expect(await refusal('big', 'x'.repeat(5310))).toMatchObject({ message: 'value: 5,312 characters when serialised; at most 5,000' });
    expect(await refusal('nothing', undefined)).toMatchObject({ message: expect.stringMatching(/^value: must be a JSON value/) });
    expect(await refusal('tagged', 1, [''])).toMatchObject({ message: 'tags: a tag must not be empty' });
    expect(await store.listVariables()).toEqual([]);
    // Exactly at the limits is fine.
    await store.setVariable('x'.repeat(255), { value: 'x'.repeat(4998), overwrite: false });
    expect((await store.listVariables()).map((v) => v.name.length)).toEqual([255]);
  });

  it('lists by name, filtered by every tag given and by text in the name in any case', async () => {
    await store.setVariable('zeta', { value: 1, tags: ['a'], overwrite: false });
    await store.setVariable('Alpha_URL', { value: 2, tags: ['a', 'b'], overwrite: false });
    await store.setVariable('beta-1', { value: 3, overwrite: false });
    expect((await store.listVariables()).map((v) => v.name)).toEqual(['Alpha_URL', 'beta-1', 'zeta']);
    expect((await store.listVariables({ tags: ['a'] })).map((v) => v.name)).toEqual(['Alpha_URL', 'zeta']);
    expect((await store.listVariables({ tags: ['a', 'b'] })).map((v) => v.name)).toEqual(['Alpha_URL']);
    expect((await store.listVariables({ nameContains: 'url' })).map((v) => v.name)).toEqual(['Alpha_URL']);
    // The text is taken as it is: `%` and `_` are no wildcards.
    expect((await store.listVariables({ nameContains: '%' })).map((v) => v.name)).toEqual([]);
    expect((await store.listVariables({ nameContains: '_' })).map((v) => v.name)).toEqual(['Alpha_URL']);
  });

  it('deletes by name, saying whether there was one, and keeps what it holds across reopening', async () => {
    await store.setVariable('keep', { value: { n: 1 }, tags: ['t'], overwrite: false });
    await store.setVariable('drop', { value: 2, overwrite: false });
    expect(await store.deleteVariable('drop')).toBe(true);
    expect(await store.deleteVariable('drop')).toBe(false);
    await store.close();
    store = await openTestStore({ path: temp.dbPath, now: () => clock });
    expect(await store.listVariables()).toEqual([{ name: 'keep', value: { n: 1 }, tags: ['t'], createdAt: T0, updatedAt: T0 }]);
  });
});
