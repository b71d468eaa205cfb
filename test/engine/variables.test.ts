import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureEngine } from '../../app/engine/hosting.js';
import { flow, task, Variable } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';

describe('Variable', () => {
  let engine: EngineStore;
  beforeEach(async () => {
    engine = await useEngineStore();
    configureEngine({ variables: engine.store });
  });
  afterEach(async () => {
    configureEngine({ variables: null });
    await engine.dispose();
  });

  it('gets the fallback or undefined when unset, sets only with overwrite once set, and unsets', async () => {
    expect(await Variable.get('limit')).toBeUndefined();
    expect(await Variable.get('limit', 10)).toBe(10);
    await Variable.set('limit', 25, { tags: ['etl'] });
    // Typed as asked: a number here.
    const limit: number = await Variable.get<number>('limit', 0);
    expect(limit).toBe(25);
    await expect(Variable.set('limit', 30)).rejects.toThrow("variable 'limit' already exists");
    expect(await Variable.set('limit', 30, { overwrite: true })).toMatchObject({ name: 'limit', value: 30, tags: ['etl'] });
    // A variable set to null is set.
    await Variable.set('nothing', null);
    expect(await Variable.get('nothing', 'fallback')).toBeNull();
    expect(await Variable.unset('limit')).toBe(true);
    expect(await Variable.unset('limit')).toBe(false);
    expect(await Variable.get('limit', 'gone')).toBe('gone');
  });

  it('is reached from flows and tasks', async () => {
    await Variable.set('factor', 3);
    const times = task({ name: 'times' }, async (n: number) => n * (await Variable.get<number>('factor', 1)));
    const scaled = flow({ name: 'scaled' }, async () => {
      const result = await times(7);
      await Variable.set('last-result', result, { overwrite: true });
      return result;
    });
    expect(await scaled()).toBe(21);
    expect(await Variable.get('last-result')).toBe(21);
  });

  it('refuses what no store takes before asking, naming the field and the limit', async () => {
    await expect(Variable.set('big', 'x'.repeat(5_000))).rejects.toThrow(
      "Variable.set('big'): value: 5,002 characters when serialised; at most 5,000",
    );
    await expect(Variable.set('has space', 1)).rejects.toThrow(/^Variable\.set\('has space'\): name: may hold only letters/);
    await expect(Variable.set('fn', () => 1)).rejects.toThrow(/value: must be a JSON value/);
    await expect(Variable.get('')).rejects.toThrow("Variable.get(''): name: must not be empty");
    expect(await engine.store.listVariables()).toEqual([]);
  });

  it('says how to reach variables when nothing handed the engine any', async () => {
    configureEngine({ variables: null });
    await expect(Variable.get('limit', 1)).rejects.toThrow(
      /^Variable\.get\('limit'\): no variables are within reach: run flow files with `flowdeck run FILE`/,
    );
    await expect(Variable.set('limit', 1)).rejects.toThrow(/no variables are within reach/);
  });
});
