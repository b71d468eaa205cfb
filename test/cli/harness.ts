import { afterEach, beforeEach, expect } from 'vitest';
import { newId, type ProposedState, type RetryPolicy, type RunKind, type StateType } from '../../app/core/index.js';
import { CliContext } from '../../app/cli/context.js';
import { runCli } from '../../app/cli/main.js';
import type { RunStore } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { makeTempHome } from '../helpers/temp-home.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the real CLI against a FLOWDECK_HOME, collecting what it writes. */
export async function cli(home: string, ...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const ctx = new CliContext(
    { FLOWDECK_HOME: home, NO_COLOR: '1' },
    { write: (text) => void (out += text), isTTY: false },
    { write: (text) => void (err += text), isTTY: false },
    home,
  );
  const code = await runCli(argv, ctx);
  return { code, out, err };
}

export function retries(count: number): RetryPolicy {
  return { retries: count, retryDelaySeconds: [0] };
}

/** Seeds runs through the store's public API, checking each transition is accepted. */
export class Seed {
  constructor(readonly store: RunStore) {}

  async flowRun(options: { flowName?: string; name?: string; parameters?: Record<string, unknown>; tags?: string[] } = {}): Promise<string> {
    const id = newId();
    const result = await this.store.createFlowRun({
      id,
      flowName: options.flowName ?? 'etl',
      name: options.name ?? 'calm-otter',
      parameters: options.parameters ?? {},
      tags: options.tags ?? [],
      retryPolicy: retries(0),
      transitionId: newId(),
      state: { type: 'PENDING', name: 'Pending' },
    });
    expect(result.status).toBe('ACCEPT');
    return id;
  }

  async taskRun(
    flowRunId: string,
    options: { name?: string; taskKey?: string; tags?: string[]; retries?: number; inputs?: string; upstream?: string[]; cacheKey?: string } = {},
  ): Promise<string> {
    const id = newId();
    const name = options.name ?? 'extract-0';
    const result = await this.store.createTaskRun({
      id,
      flowRunId,
      taskKey: options.taskKey ?? name.replace(/-\d+$/, ''),
      name,
      dynamicKey: 0,
      tags: options.tags ?? [],
      retryPolicy: retries(options.retries ?? 0),
      inputs: options.inputs ?? null,
      upstream: options.upstream ?? [],
      cacheKey: options.cacheKey ?? null,
      transitionId: newId(),
      state: { type: 'PENDING', name: 'Pending' },
    });
    expect(result.status).toBe('ACCEPT');
    return id;
  }

  /** Proposes a state and returns the one the store recorded (rules may rename it). */
  async move(kind: RunKind, runId: string, type: StateType, name: string, extra: Partial<ProposedState> = {}): Promise<string> {
    const result = await this.store.setState({ kind, runId, transitionId: newId(), state: { type, name, ...extra } });
    expect(result.status).toBe('ACCEPT');
    return result.state!.name;
  }
}

/** The first column of a table's body rows: the ids a person would copy. */
export function idColumn(table: string): string[] {
  return table
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0]);
}

/** A fresh FLOWDECK_HOME with an open store and a Seed for each test of the file. */
export function useSeededStore(): { readonly home: string; readonly dbPath: string; readonly store: RunStore; readonly seed: Seed } {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  let seed: Seed;
  beforeEach(async () => {
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath });
    seed = new Seed(store);
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });
  return {
    get home() {
      return temp.home;
    },
    get dbPath() {
      return temp.dbPath;
    },
    get store() {
      return store;
    },
    get seed() {
      return seed;
    },
  };
}
