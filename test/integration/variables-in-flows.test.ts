// A flow that reads and writes variables with Variable.get, Variable.set and Variable.unset, run by
// the real `flowdeck run` as a child process: on the local database, and against a real server on
// loopback that requires an API key, where the values are the server's.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureFlow, killStrayProcesses, lastJsonLine, runCli, showOutput } from '../helpers/cli.js';
import { openTestStore } from '../helpers/store-factory.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../server/http/support.js';
import type { RunStore } from '../../app/server/index.js';

let temp: ReturnType<typeof makeTempHome>;

beforeEach(() => {
  temp = makeTempHome();
});
afterEach(async () => {
  await killStrayProcesses();
  temp.cleanup();
});

const REFUSED = "variable 'greeting' already exists";
const TOO_BIG = "Variable.set('big'): value: 5,002 characters when serialised; at most 5,000";

async function withStore<T>(path: string, read: (store: RunStore) => Promise<T>): Promise<T> {
  const store = await openTestStore({ path });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

describe('Variable in a flow run by `flowdeck run`', () => {
  it('reads, sets and unsets variables of the local database', async () => {
    const first = await runCli(['run', fixtureFlow('variables'), '--json'], { home: temp.home });
    expect(first.code, showOutput(first)).toBe(0);
    // Nothing set yet: the fallback, undefined with none, and nothing to unset.
    expect(lastJsonLine(first.stdout).result).toEqual({
      greeting: 'hello (fallback)',
      missing: 'undefined',
      runs: 1,
      refused: '',
      tooBig: TOO_BIG,
      removed: false,
    });
    // Set without overwrite: there was no greeting, so the flow's own set made it.
    expect((await runCli(['variable', 'get', 'greeting'], { home: temp.home })).stdout).toBe('replaced without overwrite\n');

    await runCli(['variable', 'set', 'greeting', 'hi from the CLI', '--overwrite'], { home: temp.home });
    await runCli(['variable', 'set', 'scratch', '{"a": 1}'], { home: temp.home });
    const second = await runCli(['run', fixtureFlow('variables'), '--json'], { home: temp.home });
    expect(second.code, showOutput(second)).toBe(0);
    const result = lastJsonLine<{ result: Record<string, unknown> }>(second.stdout).result;
    expect(result).toMatchObject({ greeting: 'hi from the CLI', runs: 2, tooBig: TOO_BIG, removed: true });
    expect(result.refused).toContain(REFUSED);

    const stored = await withStore(temp.dbPath, (store) => store.listVariables());
    expect(stored.map((v) => [v.name, v.value, v.tags])).toEqual([
      ['greeting', 'hi from the CLI', []],
      ['runs', 2, ['counter']],
    ]);
  });

  it('reaches them from a task on a worker thread too', async () => {
    await runCli(['variable', 'set', 'factor', '6'], { home: temp.home });
    const run = await runCli(['run', fixtureFlow('variables-on-threads'), '--json'], { home: temp.home });
    expect(run.code, showOutput(run)).toBe(0);
    const result = lastJsonLine<{ result: { scaled: number; refused: string } }>(run.stdout).result;
    expect(result.scaled).toBe(42);
    expect(result.refused).toContain("variable 'factor' already exists");
    expect(await withStore(temp.dbPath, (store) => store.getVariable('scaled-7'))).toMatchObject({ value: 42 });
  });

  describe('against a server with an API key', () => {
    const KEY = 'variables-flow-key';
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer({ apiKey: KEY });
    });
    afterEach(async () => {
      await server.close();
      expect(server.unexpected).toEqual([]);
    });

    it("reads and writes the server's variables, never a local database", async () => {
      await server.store.setVariable('greeting', { value: 'hi from the server', overwrite: false });
      await server.store.setVariable('runs', { value: 41, overwrite: false });
      await server.store.setVariable('scratch', { value: true, overwrite: false });
      const env = { FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY };
      const run = await runCli(['run', fixtureFlow('variables'), '--json'], { home: temp.home, env });
      expect(run.code, showOutput(run)).toBe(0);
      const result = lastJsonLine<{ result: Record<string, unknown> }>(run.stdout).result;
      expect(result).toMatchObject({ greeting: 'hi from the server', missing: 'undefined', runs: 42, tooBig: TOO_BIG, removed: true });
      expect(result.refused).toContain(REFUSED);
      expect((await server.store.listVariables()).map((v) => [v.name, v.value, v.tags])).toEqual([
        ['greeting', 'hi from the server', []],
        ['runs', 42, ['counter']],
      ]);
      expect(existsSync(temp.dbPath)).toBe(false);
    });
  });
});
