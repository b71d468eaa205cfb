/**
 * Workers: from a run's scheduled time to its Running state, with real `flowdeck worker start`
 * processes taking runs from a real server, each run in a flow process of its own (the spare the
 * worker keeps ready, or a new one). Two loads: a burst of runs becoming due at one instant over 4
 * workers (a paused pool resumed), and a steady stream from interval schedules. Each is put beside
 * floors measured in the same run: a bare Node process start, and an empty claim's round trip.
 * A third load: 1,000 runs due at once over 4 workers of a pool whose runs share warm flow
 * processes (runsPerProcess 250), beside the server's own claim of 1,000 runs and one report of
 * their 1,000 Running states.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../../app/core/api/client.js';
import { createApiClient } from '../../app/core/api/index.js';
import type { Bundle } from '../../app/core/api/bundles.js';
import { newId } from '../../app/core/ids.js';
import { bundleHash } from '../../app/server/bundles/bundle-hash.js';
import { cleanEnv, spawnNode, type BenchChild } from '../lib/children.js';
import { makeTempHome } from '../lib/env.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { max, median, nowMs, percentile } from '../lib/stats.js';

const CLI_PATH = fileURLToPath(new URL('../../../bin/flowdeck.js', import.meta.url));

/** Runs of the burst: a process each, so as many Node starts; 200 keep it to a minute on 2 cores. */
export const BURST_RUNS = 200;
export const BURST_WORKERS = 4;
/** Runs each worker runs at once: 4 x 8 flow processes on the machine at a time. */
export const WORKER_LIMIT = 8;
export const STREAM_DEPLOYMENTS = 10;
export const STREAM_INTERVAL_SECONDS = 5;
export const STREAM_SECONDS = 40;
/** The shared burst: 4 workers, each holding 250 runs in one warm flow process. */
export const SHARED_BURST_RUNS = 1_000;
export const SHARED_RUNS_PER_PROCESS = 250;
export const SHARED_WORKER_LIMIT = 250;
const CLAIM_SAMPLES = 200;
const PROCESS_SAMPLES = 20;

/** The flow every run runs: it does nothing, so the figure is the path to Running alone. */
const FLOW_FILE = `import { flow } from 'flowdeck';\nexport const tick = flow({ name: 'tick' }, async () => 1);\n`;

export interface LatencyFigures {
  runs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From the first run's scheduled time to the last run's Running. */
  spanMs: number;
}

export interface WorkersBench {
  burst: LatencyFigures;
  /** SHARED_BURST_RUNS due at once, runs sharing flow processes. */
  sharedBurst: LatencyFigures;
  /** The server claims SHARED_BURST_RUNS due runs in one request, then stores their Running states in one report. */
  sharedFloorMs: number;
  sharedFloorClaimMs: number;
  stream: LatencyFigures;
  /** Spawn to exit of `node -e 0`, the least a flow process costs. */
  nodeStartP50Ms: number;
  nodeStartP99Ms: number;
  /** BURST_RUNS bare Node starts through as many at once as the workers run: when the last would be done. */
  burstProcessFloorP99Ms: number;
  /** An empty claim (nothing due, no wait) over HTTP. */
  claimRoundTripP99Ms: number;
}

function spawnBareNode(): Promise<number> {
  const start = nowMs();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(nowMs() - start));
  });
}

/** Spawn-to-exit of bare Node processes, one after another. */
async function nodeStarts(samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await spawnBareNode());
  return times;
}

/** `count` bare Node starts, `parallel` at a time from one instant: when each one is done. */
async function processFloor(count: number, parallel: number): Promise<number[]> {
  const start = nowMs();
  const done: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        await spawnBareNode();
        done.push(nowMs() - start);
      }
    }),
  );
  return done;
}

async function claimRoundTrips(client: ApiClient, samples: number): Promise<number[]> {
  await client.workerHeartbeat({ params: { pool: 'idle' }, body: { name: 'probe' } });
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = nowMs();
    await client.claimRuns({ params: { pool: 'idle' }, body: { worker: 'probe', limit: 1, waitMs: 0 } });
    times.push(nowMs() - start);
  }
  return times;
}

async function deployTick(
  client: ApiClient,
  name: string,
  schedules: { interval: number; anchorDate: string }[] = [],
  workPool = 'bench',
): Promise<string> {
  const bundle: Bundle = { files: [{ path: 'tick.ts', content: Buffer.from(FLOW_FILE).toString('base64') }] };
  const hash = bundleHash(bundle);
  await client.putBundle({ params: { hash }, body: bundle });
  const deployment = await client.deploy({
    body: { name, flowName: 'tick', entrypoint: 'tick.ts:tick', workPool, bundle: hash, schedules },
  });
  return deployment.id;
}

async function startWorkers(
  server: ServerProcess,
  client: ApiClient,
  count: number,
  pool = 'bench',
  limit = WORKER_LIMIT,
): Promise<{ stop(): Promise<void> }> {
  const homes = Array.from({ length: count }, (_, i) => makeTempHome(`worker-${i}`));
  const workers: BenchChild[] = homes.map((home, i) =>
    spawnNode([CLI_PATH, 'worker', 'start', '--pool', pool, '--limit', String(limit), '--name', `${pool}-${i}`], {
      cwd: home.home,
      env: cleanEnv({ FLOWDECK_HOME: home.home, FLOWDECK_API_URL: server.api }),
    }),
  );
  // Taking runs once every one is listed ONLINE. The safety net only keeps a broken worker from hanging the bench.
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    const online = (await client.listWorkers({ params: { pool } })).filter((w) => w.status === 'ONLINE').length;
    if (online >= count) break;
    if (Date.now() > giveUpAt) throw new Error(`the workers did not all come ONLINE:\n${workers.map((w) => w.output()).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    async stop() {
      await Promise.all(workers.map((worker) => worker.stop('SIGINT', 30_000)));
      for (const home of homes) home.cleanup();
    },
  };
}

interface Sample {
  latency: number;
  expected: number;
  running: number;
}

/** Every run of the deployments, through the API's pages. */
async function runsOf(client: ApiClient, deploymentIds: readonly string[]): Promise<{ id: string; expected: number }[]> {
  const runs: { id: string; expected: number }[] = [];
  for (const deploymentId of deploymentIds) {
    let cursor: string | undefined;
    do {
      const page = await client.listFlowRuns({ query: { deploymentId, limit: 200, ...(cursor ? { cursor } : {}) } });
      // Checked here too: the listing's filter by deployment is the server's to keep.
      const own = page.items.filter((run) => run.deploymentId === deploymentId);
      runs.push(...own.map((run) => ({ id: run.id, expected: run.expectedStartTime ?? Number.NaN })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return runs;
}

/** Scheduled time to Running of each run that reached Running, from each run's state history. */
async function latencies(client: ApiClient, deploymentIds: readonly string[]): Promise<Sample[]> {
  const runs = await runsOf(client, deploymentIds);
  const samples: Sample[] = [];
  for (let at = 0; at < runs.length; at += 20) {
    await Promise.all(
      runs.slice(at, at + 20).map(async (run) => {
        const states = await client.listFlowRunStates({ params: { id: run.id } });
        const running = states.find((state) => state.type === 'RUNNING');
        if (running) samples.push({ expected: run.expected, running: running.timestamp, latency: running.timestamp - run.expected });
      }),
    );
  }
  return samples;
}

/** Whether any run of the deployment still waits to start. */
async function anyWaiting(client: ApiClient, deploymentId: string): Promise<boolean> {
  const page = await client.listFlowRuns({ query: { deploymentId, stateTypes: ['SCHEDULED', 'PENDING'], limit: 200 } });
  return page.items.some((run) => run.deploymentId === deploymentId);
}

function figures(samples: readonly Sample[]): LatencyFigures {
  const values = samples.map((s) => s.latency);
  return {
    runs: samples.length,
    p50Ms: median(values),
    p99Ms: percentile(values, 99),
    maxMs: max(values),
    spanMs: max(samples.map((s) => s.running)) - Math.min(...samples.map((s) => s.expected)),
  };
}

/**
 * 1,000 runs due at one instant over 4 waiting workers: made due now in a paused pool, so that
 * all of them become due to the workers when the pool is resumed; each is timed from then.
 */
async function burst(
  server: ServerProcess,
  client: ApiClient,
  { pool, runs, limit }: { pool: string; runs: number; limit: number } = { pool: 'bench', runs: BURST_RUNS, limit: WORKER_LIMIT },
): Promise<LatencyFigures> {
  await client.updateWorkPool({ params: { pool }, body: { paused: true } });
  const id = await deployTick(client, `burst-${pool}`, [], pool);
  const workers = await startWorkers(server, client, BURST_WORKERS, pool, limit);
  let dueAt: number;
  try {
    for (let made = 0; made < runs; made += 50) {
      await Promise.all(Array.from({ length: Math.min(50, runs - made) }, () => client.runDeployment({ params: { id }, body: {} })));
    }
    dueAt = Date.now();
    await client.updateWorkPool({ params: { pool }, body: { paused: false } });
    while (await anyWaiting(client, id)) await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await workers.stop();
  }
  return figures((await latencies(client, [id])).map((s) => ({ expected: dueAt, running: s.running, latency: s.running - dueAt })));
}

/** Interval schedules making a steady stream of runs, for a while, over 4 workers. */
async function stream(server: ServerProcess, client: ApiClient): Promise<LatencyFigures> {
  const workers = await startWorkers(server, client, BURST_WORKERS);
  const ids: string[] = [];
  const from = Date.now();
  try {
    // Anchors spread over the interval, so runs come due one at a time rather than all ten together.
    const step = (STREAM_INTERVAL_SECONDS * 1000) / STREAM_DEPLOYMENTS;
    for (let i = 0; i < STREAM_DEPLOYMENTS; i++) {
      const anchorDate = new Date(Date.UTC(2020, 0, 1) + i * step).toISOString();
      ids.push(await deployTick(client, `stream-${i}`, [{ interval: STREAM_INTERVAL_SECONDS, anchorDate }]));
    }
    await new Promise((resolve) => setTimeout(resolve, STREAM_SECONDS * 1000));
    for (const id of ids) await client.pauseDeployment({ params: { id } });
  } finally {
    await workers.stop();
  }
  // Runs due after the schedules were made and before the pause: the steady part of the stream.
  const until = from + STREAM_SECONDS * 1000;
  return figures((await latencies(client, ids)).filter((s) => s.expected > from && s.expected < until - 5_000));
}

/**
 * The least the shared burst can cost: the server claims SHARED_BURST_RUNS due runs for one worker
 * in one request and stores their Running states in one report, as a worker and its flow
 * processes' reporters at best would. Answers both times: the claim, and claim plus report.
 */
async function sharedFloor(client: ApiClient): Promise<{ claimMs: number; totalMs: number }> {
  await client.createWorkPool({ body: { name: 'floor' } });
  const id = await deployTick(client, 'floor', [], 'floor');
  for (let made = 0; made < SHARED_BURST_RUNS; made += 50) {
    await Promise.all(Array.from({ length: 50 }, () => client.runDeployment({ params: { id }, body: {} })));
  }
  await client.workerHeartbeat({ params: { pool: 'floor' }, body: { name: 'probe' } });
  const start = nowMs();
  const { runs } = await client.claimRuns({ params: { pool: 'floor' }, body: { worker: 'probe', limit: SHARED_BURST_RUNS, waitMs: 0 } });
  const claimMs = nowMs() - start;
  if (runs.length !== SHARED_BURST_RUNS) throw new Error(`the floor's claim took ${runs.length} runs, not ${SHARED_BURST_RUNS}`);
  await client.report({
    body: {
      operations: runs.map((run) => ({
        kind: 'setState' as const,
        request: { kind: 'flow' as const, runId: run.flowRun.id, transitionId: newId(), state: { type: 'RUNNING' as const, name: 'Running' } },
      })),
    },
  });
  return { claimMs, totalMs: nowMs() - start };
}

export async function runWorkersBench(): Promise<WorkersBench> {
  const nodeStartTimes = await nodeStarts(PROCESS_SAMPLES);
  const processFloorTimes = await processFloor(BURST_RUNS, BURST_WORKERS * WORKER_LIMIT);
  const server = await startServerProcess('workers');
  try {
    const client = createApiClient({ baseUrl: server.api });
    await client.createWorkPool({ body: { name: 'idle' } });
    const claimTimes = await claimRoundTrips(client, CLAIM_SAMPLES);
    await client.createWorkPool({ body: { name: 'bench' } });
    const floor = await sharedFloor(client);
    const burstFigures = await burst(server, client);
    await client.createWorkPool({ body: { name: 'shared', jobTemplate: { runsPerProcess: SHARED_RUNS_PER_PROCESS } } });
    const sharedFigures = await burst(server, client, { pool: 'shared', runs: SHARED_BURST_RUNS, limit: SHARED_WORKER_LIMIT });
    const streamFigures = await stream(server, client);
    return {
      burst: burstFigures,
      sharedBurst: sharedFigures,
      sharedFloorMs: floor.totalMs,
      sharedFloorClaimMs: floor.claimMs,
      stream: streamFigures,
      nodeStartP50Ms: median(nodeStartTimes),
      nodeStartP99Ms: percentile(nodeStartTimes, 99),
      burstProcessFloorP99Ms: percentile(processFloorTimes, 99),
      claimRoundTripP99Ms: percentile(claimTimes, 99),
    };
  } finally {
    await server.stop();
  }
}
