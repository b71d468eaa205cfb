// Workers in separate processes claiming from one database file at once: each claim is one
// IMMEDIATE write transaction, so no run is ever claimed twice and none is left behind.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const CLAIMER = fileURLToPath(new URL('../../fixtures/run-claimer.mjs', import.meta.url));
const PROCESSES = 5;
const RUNS = 500;

let temp: ReturnType<typeof makeTempHome>;
let store: RunStore;
beforeEach(async () => {
  temp = makeTempHome();
  store = await openTestStore({ path: temp.dbPath });
});
afterEach(async () => {
  await store.close();
  temp.cleanup();
});

interface Claimer {
  ready: Promise<void>;
  go: () => void;
  claimed: Promise<string[]>;
}

function startClaimer(worker: string): Claimer {
  const child = spawn(process.execPath, [CLAIMER, temp.dbPath, 'race', worker], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const claimed = new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`claimer ${worker} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.slice('ready\n'.length)) as string[]);
    });
  });
  // A claimer that fails before it is ready must not leave the test waiting for it.
  claimed.catch(() => markReady());
  return { ready, go: () => child.stdin.end('go\n'), claimed };
}

it(`claims each of ${RUNS} due runs exactly once across ${PROCESSES} processes claiming at once`, async () => {
  await store.createWorkPool({ name: 'race', type: 'process' });
  await store.createWorkQueue('race', { name: 'second', priority: 2 });
  const [first] = await store.deploy([{ name: 'first', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'race' }]);
  const [second] = await store.deploy([{ name: 'second', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'race', workQueue: 'second' }]);
  const due = Date.now() - 60_000;
  const ids = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    const run = await store.createDeploymentRun(i % 2 === 0 ? first.id : second.id, { parameters: {}, scheduledTime: due + i });
    ids.add(run.id);
  }

  const claimers = Array.from({ length: PROCESSES }, (_, i) => startClaimer(`w${i}`));
  await Promise.all(claimers.map((c) => c.ready));
  for (const claimer of claimers) claimer.go();
  const byWorker = await Promise.all(claimers.map((c) => c.claimed));

  const all = byWorker.flat();
  expect(all).toHaveLength(RUNS);
  expect(new Set(all)).toEqual(ids);
  // Every run names the worker that claimed it, and was made Pending once.
  const runs = await store.listFlowRuns({ deploymentId: first.id, limit: RUNS });
  runs.push(...(await store.listFlowRuns({ deploymentId: second.id, limit: RUNS })));
  const claimedBy = new Map(byWorker.flatMap((list, i) => list.map((id) => [id, `w${i}`] as const)));
  for (const run of runs) {
    expect(run.state.type).toBe('PENDING');
    expect(run.workerName).toBe(claimedBy.get(run.id));
  }
  const histories = await Promise.all([...ids].slice(0, 50).map((id) => store.listStates(id)));
  for (const history of histories) expect(history.map((s) => s.name)).toEqual(['Scheduled', 'Pending']);
});
