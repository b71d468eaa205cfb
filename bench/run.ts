/**
 * `npm run bench`: every workload through the real engine against a real SQLite file, each
 * beside its physical floor measured in the same run. Prints a table and writes
 * bench/results.json. A missed target is reported, not failed: the exit code is 0.
 * `npm run bench -- replay` (or `w5`, `w0`, `debug`, `rerun`, `workers`) runs that workload alone (see ALONE) and writes no results.json.
 * The workers rows come last in the whole bench, as they start and stop many processes.
 */
import { cpus, platform, release } from 'node:os';
import {
  bareAsyncCalls,
  idleNodeRssKb,
  logLinesFloor,
  mapFloor,
  sequentialTasksFloor,
  timerLateness,
  webSocketOneWay,
  webSocketRoundTrip,
} from './floor.js';
import { sqliteVersion } from './lib/env.js';
import { PACE_MAX_MS, PACE_MIN_MS } from './lib/pace.js';
import { type CpuUse } from './lib/cpu-meter.js';
import { max, median, percentile } from './lib/stats.js';
import { measureInChild } from './memory.js';
import { formatNumber, renderTable, writeResults, type Row } from './report.js';
import { prepareColdStart, W0_RUNS, type ColdStartRound } from './workloads/w0-cold-start.js';
import { runW1, W1_TASKS, W1_UNCALLED_TASK } from './workloads/w1-sequential.js';
import { CONTINUE_WARM_UP, CONTINUES, runDebugContinue } from './workloads/debug-continue.js';
import { runW2, W2_ITEMS } from './workloads/w2-map.js';
import { RERUN_TASKS, rerunFloor, runRerunFromLast } from './workloads/rerun-from-last.js';
import { runW3, W3_TASKS } from './workloads/w3-retries.js';
import { runW4, W4_LINES_PER_TASK, W4_TASKS } from './workloads/w4-logs.js';
import { startW5 } from './workloads/w5-http.js';
import { CODE_TO_GRAPH_TASKS, parseFloor, runCodeToGraph } from './workloads/code-to-graph.js';
import { REST_MS, runServerMemory } from './workloads/server-memory.js';
import { runWsLatency, WS_CHANGES, WS_WARM_UP } from './workloads/ws-latency.js';
import { measurePanFps, measureUiReady, PAN_NODES } from './workloads/ui-ready.js';
import { measureRunPage, RUN_PAGE_LOG_LINES, RUN_PAGE_TASK_RUNS, type RunPageRun } from './workloads/run-page.js';
import { measureRunsList, RUNS_LIST_RUNS } from './workloads/runs-list.js';
import { HEALTH_EVERY_MS, REPLAY_EVENTS, REPLAY_SUBSCRIBERS, runReplay } from './workloads/replay.js';
import {
  BURST_RUNS,
  BURST_WORKERS,
  SHARED_BURST_RUNS,
  SHARED_RUNS_PER_PROCESS,
  SHARED_WORKER_LIMIT,
  runWorkersBench,
  STREAM_DEPLOYMENTS,
  STREAM_INTERVAL_SECONDS,
  WORKER_LIMIT,
  type WorkersBench,
} from './workloads/workers.js';

/** Measured runs per workload, after one warm-up; the median is reported. */
const RUNS = 5;
const LOG_BATCH = 4_000;

const TARGETS = {
  /** From a deployment run's scheduled time to its Running state, through a worker. */
  workersToRunningP99Ms: 250,
  w0ColdStartMs: 150,
  helpMs: 100,
  flowRunLsMs: 100,
  w1TasksPerSecond: 15_000,
  w1MaxRatio: 1.5,
  w2TasksPerSecond: 50_000,
  w2MaxRatio: 1.5,
  w3P99LatenessMs: 20,
  w4LinesPerSecond: 200_000,
  w2PeakRssMb: 200,
  /** W5 over HTTP in the time of W1 embedded, or less. */
  w5MaxRatioToEmbedded: 1,
  codeToGraphMs: 200,
  wsP99LatencyMs: 20,
  serverRestingRssMb: 100,
  uiReadyMs: 1_500,
  panFps: 30,
  runGraphOpenMs: 2_000,
  runLogsOpenMs: 500,
  runLogsSearchMs: 1_000,
  liveChangesPerSecond: 1_000,
  /** A frame longer than this reads as a frozen page. */
  liveWorstFrameMs: 250,
  runsListOpenMs: 1_500,
  runsListScrollFps: 30,
  runsListSearchMs: 1_000,
  replayHealthP99Ms: 100,
  /** Over the resting figure, once the replays' subscribers have left. */
  replayAfterExtraRssMb: 50,
  /** From sending a continue to the task run's Running state arriving over the event stream. */
  debugContinueP99Ms: 50,
  /** W1 as a debug run whose breakpoint never stops it, over W1's time. */
  debugW1MaxRatio: 1.1,
  /** A run from the last of 10,000 recorded task runs: from its call to that task's body starting. */
  rerunFromLastMs: 1_000,
  /** SQL reads the reuse lookup makes, however many task runs it reads. */
  rerunLookupQueries: 5,
} as const;

/**
 * Warm-up rounds of the in-process throughput workloads (W1, W2, W5): each starts on code V8 has
 * not yet optimised (W5's server is a new process; W0 ran in processes of its own), and the first
 * rounds of a 1,000-task run swing by 2x while it does. A server runs for days and a long flow for
 * far longer than a round, so they are measured warm; W1's first round is reported beside.
 */
const ENGINE_WARM_UPS = 3;

/**
 * Rounds of W1 as a debug run beside plain W1: a ratio of two figures that each swing by tens of
 * percent between rounds on this machine needs more of them than the other workloads; a round is
 * a fraction of a second.
 */
const DEBUG_W1_RUNS = 15;

/** Pan runs: each loads a 1,000-node graph into a fresh page, so fewer than the other workloads. */
const PAN_RUNS = 3;

function list(values: readonly number[]): string {
  return values.map((v) => v.toFixed(1)).join(', ');
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A warm-up, then `runs` rounds of engine and floor in turn, so both see the same machine. */
async function rounds<E, F>(
  name: string,
  engine: () => Promise<E>,
  floor: () => F | Promise<F>,
  warmUps = 1,
  runs = RUNS,
): Promise<{ engine: E[]; floor: F[]; warmUp: E[] }> {
  const warmUp: E[] = [];
  for (let w = 1; w <= warmUps; w++) {
    progress(`${name}: warm-up${warmUps > 1 ? ` ${w}/${warmUps}` : ''}`);
    warmUp.push(await engine());
    await floor();
  }
  const result = { engine: [] as E[], floor: [] as F[], warmUp };
  for (let r = 1; r <= runs; r++) {
    progress(`${name}: run ${r}/${runs}`);
    result.engine.push(await engine());
    result.floor.push(await floor());
  }
  return result;
}

/** Medians of the CPU a task cost the engine and its floor, in microseconds, and the engine's share in GC. */
function cpuPerTask(engine: readonly { cpu: CpuUse }[], floor: readonly { cpu: CpuUse }[], tasks: number) {
  const perTask = (runs: readonly { cpu: CpuUse }[]) => median(runs.map((r) => (r.cpu.cpuMs * 1000) / tasks));
  const engineUs = perTask(engine);
  const floorUs = perTask(floor);
  return {
    engineUs,
    floorUs,
    ratio: engineUs / floorUs,
    engineGcShare: median(engine.map((r) => r.cpu.gcMs / r.cpu.cpuMs)),
    engineRunsUs: engine.map((r) => (r.cpu.cpuMs * 1000) / tasks),
    floorRunsUs: floor.map((r) => (r.cpu.cpuMs * 1000) / tasks),
  };
}

function cpuRow(workload: string, cpu: ReturnType<typeof cpuPerTask>): Row {
  return {
    workload: `${workload}: CPU per task`,
    figure: `${formatNumber(cpu.engineUs, 1)} µs (${(cpu.engineGcShare * 100).toFixed(0)}% GC)`,
    floor: `${formatNumber(cpu.floorUs, 1)} µs (raw SQLite)`,
    ratio: cpu.ratio,
    target: 'reference only',
    pass: null,
  };
}

/** W0: new processes, each command beside the floors in every round, so all see the same machine. */
async function w0() {
  progress('W0: warm-up');
  const cold = await prepareColdStart();
  try {
    const rounds: ColdStartRound[] = [];
    for (let r = 1; r <= W0_RUNS; r++) {
      progress(`W0: run ${r}/${W0_RUNS}`);
      rounds.push(await cold.round());
    }
    progress('W0: one run with an empty FLOWDECK_HOME');
    const emptyCacheMs = await cold.emptyCacheRun();
    const pick = (f: (r: (typeof rounds)[number]) => number) => median(rounds.map(f));
    return {
      runs: rounds,
      cacheFiles: cold.cacheFiles,
      runMs: pick((r) => r.runMs),
      helpMs: pick((r) => r.helpMs),
      lsMs: pick((r) => r.lsMs),
      lsNewStoreMs: pick((r) => r.lsNewStoreMs),
      nodeMs: pick((r) => r.nodeMs),
      esbuildMs: pick((r) => r.esbuildMs),
      emptyCacheMs,
    };
  } finally {
    cold.dispose();
  }
}

type W0Results = Awaited<ReturnType<typeof w0>>;

function w0Rows(r: W0Results): Row[] {
  const node = `${r.nodeMs.toFixed(0)} ms (node -e 0)`;
  return [
    {
      workload: 'W0 cold start: flowdeck run, one-task flow',
      figure: `${r.runMs.toFixed(0)} ms (empty cache ${r.emptyCacheMs.toFixed(0)} ms)`,
      floor: `${node}; ${r.esbuildMs.toFixed(0)} ms (node + esbuild transform)`,
      ratio: r.runMs / r.esbuildMs,
      target: `<= ${TARGETS.w0ColdStartMs} ms`,
      pass: r.runMs <= TARGETS.w0ColdStartMs,
    },
    {
      workload: 'W0 cold start: flowdeck --help',
      figure: `${r.helpMs.toFixed(0)} ms`,
      floor: node,
      ratio: r.helpMs / r.nodeMs,
      target: `<= ${TARGETS.helpMs} ms`,
      pass: r.helpMs <= TARGETS.helpMs,
    },
    {
      workload: 'W0 cold start: flowdeck flow-run ls',
      figure: `${r.lsMs.toFixed(0)} ms (new store ${r.lsNewStoreMs.toFixed(0)} ms)`,
      floor: node,
      ratio: r.lsMs / r.nodeMs,
      target: `<= ${TARGETS.flowRunLsMs} ms`,
      pass: r.lsMs <= TARGETS.flowRunLsMs,
    },
  ];
}

function w0Note(r: W0Results): string {
  const cache =
    r.cacheFiles.length > 0 ? `copied from a warm-up run's home (${r.cacheFiles.join(', ')})` : 'none (the warm-up left nothing but the database)';
  return `W0: \`node bin/flowdeck.js\` spawned as a user runs it, a fresh FLOWDECK_HOME per run; caches ${cache}; run = spawn to the final JSON line, the others spawn to exit; run starts with no database (it creates one), ls lists a copy of the warm-up's store (one run), and in a new home creates the database first (new store); ratio of run to the esbuild floor, of the others to node -e 0; per-run run ${list(r.runs.map((x) => x.runMs))} ms, --help ${list(r.runs.map((x) => x.helpMs))} ms, ls ${list(r.runs.map((x) => x.lsMs))} ms, ls in a new home ${list(r.runs.map((x) => x.lsNewStoreMs))} ms, node -e 0 ${list(r.runs.map((x) => x.nodeMs))} ms, esbuild ${list(r.runs.map((x) => x.esbuildMs))} ms`;
}

async function w1() {
  const { engine, floor, warmUp } = await rounds(
    'W1',
    () => runW1(W1_TASKS),
    () => sequentialTasksFloor(W1_TASKS),
    ENGINE_WARM_UPS,
  );
  const bareMs = await bareAsyncCalls(W1_TASKS);
  const engineMs = median(engine.map((r) => r.ms));
  const floorMs = median(floor.map((r) => r.ms));
  return {
    tasks: W1_TASKS,
    runsMs: engine.map((r) => r.ms),
    warmUpRunsMs: warmUp.map((r) => r.ms),
    floorRunsMs: floor.map((r) => r.ms),
    tasksPerSecond: (W1_TASKS / engineMs) * 1000,
    floorTasksPerSecond: (W1_TASKS / floorMs) * 1000,
    ratio: engineMs / floorMs,
    engineCommits: engine[0].commits?.length ?? null,
    floorCommits: floor[0].commits,
    bareAsync: { calls: W1_TASKS, ms: bareMs, callsPerSecond: (W1_TASKS / bareMs) * 1000 },
    cpu: cpuPerTask(engine, floor, W1_TASKS),
  };
}

async function w2() {
  const { engine, floor } = await rounds(
    'W2',
    () => runW2(W2_ITEMS),
    () => mapFloor(W2_ITEMS),
    ENGINE_WARM_UPS,
  );
  const engineMs = median(engine.map((r) => r.ms));
  const floorMs = median(floor.map((r) => r.ms));
  return {
    items: W2_ITEMS,
    runsMs: engine.map((r) => r.ms),
    floorRunsMs: floor.map((r) => r.ms),
    tasksPerSecond: (W2_ITEMS / engineMs) * 1000,
    floorTasksPerSecond: (W2_ITEMS / floorMs) * 1000,
    ratio: engineMs / floorMs,
    engineCommits: engine[0].commits?.length ?? null,
    engineOpsPerCommit: engine[0].commits ? engine[0].commits.reduce((n, c) => n + c.ops, 0) / Math.max(1, engine[0].commits.length) : null,
    floorCommits: floor[0].commits,
    cpu: cpuPerTask(engine, floor, W2_ITEMS),
  };
}

async function w3() {
  progress('W3: warm-up');
  await runW3(W3_TASKS);
  const runs = [];
  const timerRuns = [];
  for (let r = 1; r <= RUNS; r++) {
    progress(`W3: run ${r}/${RUNS}`);
    const run = await runW3(W3_TASKS);
    runs.push(run);
    // The floor: plain timers for exactly the delays the store chose in this run.
    timerRuns.push(await timerLateness(run.delayWaves));
  }
  const summary = (samples: number[]) => ({ p50: percentile(samples, 50), p99: percentile(samples, 99), max: max(samples) });
  const engine = runs.map((r) => ({ p50: r.p50, p99: r.p99, max: r.max, retries: r.lateness.length, ms: r.ms }));
  const timers = timerRuns.map(summary);
  const p99 = median(engine.map((r) => r.p99));
  const timerP99 = median(timers.map((t) => t.p99));
  return {
    tasks: W3_TASKS,
    retriesPerRun: engine[0].retries,
    runs: engine,
    latenessMs: { p50: median(engine.map((r) => r.p50)), p99, max: median(engine.map((r) => r.max)) },
    timerFloorRuns: timers,
    timerFloorMs: { p50: median(timers.map((t) => t.p50)), p99: timerP99, max: median(timers.map((t) => t.max)) },
    ratio: timerP99 > 0 ? p99 / timerP99 : null,
  };
}

async function w4() {
  const lines = W4_TASKS * W4_LINES_PER_TASK;
  const { engine, floor } = await rounds(
    'W4',
    () => runW4(W4_TASKS, W4_LINES_PER_TASK),
    () => logLinesFloor(lines, W4_TASKS, LOG_BATCH),
  );
  const engineMs = median(engine.map((r) => r.ms));
  const floorMs = median(floor.map((r) => r.ms));
  return {
    lines,
    tasks: W4_TASKS,
    storedLines: engine.map((r) => r.lines),
    runsMs: engine.map((r) => r.ms),
    floorRunsMs: floor.map((r) => r.ms),
    linesPerSecond: (lines / engineMs) * 1000,
    floorLinesPerSecond: (lines / floorMs) * 1000,
    ratio: engineMs / floorMs,
    engineCommits: engine[0].commits?.length ?? null,
    floorBatch: LOG_BATCH,
    floorCommits: floor[0].commits,
  };
}

/** W5 beside W1 embedded, in alternating rounds, so both see the same machine. */
async function w5() {
  progress('W5: starting a server process');
  const server = await startW5();
  try {
    const { engine, floor } = await rounds(
      'W5',
      () => server.run(W1_TASKS),
      () => runW1(W1_TASKS),
      ENGINE_WARM_UPS,
    );
    const httpMs = median(engine.map((r) => r.ms));
    const embeddedMs = median(floor.map((r) => r.ms));
    return {
      tasks: W1_TASKS,
      runsMs: engine.map((r) => r.ms),
      reportsPerRun: engine.map((r) => r.reports),
      embeddedRunsMs: floor.map((r) => r.ms),
      tasksPerSecond: (W1_TASKS / httpMs) * 1000,
      embeddedTasksPerSecond: (W1_TASKS / embeddedMs) * 1000,
      ratio: httpMs / embeddedMs,
    };
  } finally {
    await server.stop();
  }
}

function codeToGraph() {
  progress(`code to graph: a ${CODE_TO_GRAPH_TASKS}-task flow module`);
  const parsed = runCodeToGraph();
  const floor = parseFloor();
  return {
    tasks: CODE_TO_GRAPH_TASKS,
    bytes: parsed.bytes,
    ms: parsed.ms,
    runsMs: parsed.runsMs,
    floorMs: floor.ms,
    floorRunsMs: floor.runsMs,
    ratio: parsed.ms / floor.ms,
  };
}

async function wsLatency() {
  const summary = (samples: number[]) => ({ p50: percentile(samples, 50), p99: percentile(samples, 99), max: max(samples) });
  const { engine, floor } = await rounds(
    'WebSocket latency',
    () => runWsLatency(WS_CHANGES, WS_WARM_UP),
    async () => summary(await webSocketOneWay(WS_CHANGES, WS_WARM_UP)),
  );
  const p99 = median(engine.map((r) => r.p99));
  const floorP99 = median(floor.map((f) => f.p99));
  return {
    changes: WS_CHANGES,
    warmUp: WS_WARM_UP,
    runs: engine,
    lost: engine.reduce((n, r) => n + r.lost, 0),
    latencyMs: { p50: median(engine.map((r) => r.p50)), p99, max: median(engine.map((r) => r.max)) },
    floorRuns: floor,
    floorOneWayMs: { p50: median(floor.map((f) => f.p50)), p99: floorP99, max: median(floor.map((f) => f.max)) },
    ratio: floorP99 > 0 ? p99 / floorP99 : null,
  };
}

async function debugContinue() {
  progress(`continue to Running: ${CONTINUE_WARM_UP} + ${CONTINUES} breakpoints of a debug run over HTTP`);
  const run = await runDebugContinue();
  progress('continue to Running: the bare WebSocket round trip');
  const floor = await webSocketRoundTrip(CONTINUES, CONTINUE_WARM_UP);
  const floorMs = { p50: percentile(floor, 50), p99: percentile(floor, 99), max: max(floor) };
  return {
    continues: run.continues,
    warmUp: CONTINUE_WARM_UP,
    latencyMs: { p50: run.p50, p99: run.p99, max: run.max },
    floorRoundTripMs: floorMs,
    ratio: floorMs.p99 > 0 ? run.p99 / floorMs.p99 : null,
  };
}

type DebugContinueResults = Awaited<ReturnType<typeof debugContinue>>;

function debugContinueRow(r: DebugContinueResults): Row {
  return {
    workload: 'Debug run: continue to Running',
    figure: `p50 ${r.latencyMs.p50.toFixed(1)} / p99 ${r.latencyMs.p99.toFixed(1)} / max ${r.latencyMs.max.toFixed(1)} ms`,
    floor: `loopback ws round trip p99 ${r.floorRoundTripMs.p99.toFixed(2)} ms`,
    ratio: r.ratio,
    target: `p99 <= ${TARGETS.debugContinueP99Ms} ms`,
    pass: r.latencyMs.p99 <= TARGETS.debugContinueP99Ms,
  };
}

function debugContinueNote(r: DebugContinueResults): string {
  return `Continue to Running: \`flowdeck server start\` in one process, \`flowdeck run FILE --break step\` reporting to it in another (a flow of ${r.warmUp + r.continues} sequential task runs, each stopped at the breakpoint); this process, subscribed to /api/events, sends POST /api/task-runs/:id/continue at each Breakpoint state and times it to that task run's Running state arriving; ${r.continues} continues after ${r.warmUp} untimed ones, one run; the answer reaches the flow process through its held-open read of answers, its Running state comes back in its next report and through the event hub's 5 ms poll of the database; floor: a bare ws echo round trip between two processes, p50 ${r.floorRoundTripMs.p50.toFixed(2)} ms, in the same run`;
}

/** A run from the last task of a recorded 10,000-task run, beside raw SQLite reading and writing what it must. */
async function rerunFromLast() {
  const { engine, floor } = await rounds(
    `Run from the last of ${formatNumber(RERUN_TASKS)}`,
    () => runRerunFromLast(),
    () => rerunFloor(),
  );
  const toLastBodyMs = median(engine.map((r) => r.toLastBodyMs));
  const floorMs = median(floor.map((f) => f.ms));
  return {
    tasks: RERUN_TASKS,
    toLastBodyMs,
    toCompletedMs: median(engine.map((r) => r.toCompletedMs)),
    recordMs: median(engine.map((r) => r.recordMs)),
    floorMs,
    ratio: toLastBodyMs / floorMs,
    lookupQueries: max(engine.map((r) => r.lookupQueries)),
    lookupCalls: max(engine.map((r) => r.lookupCalls)),
    lookupMs: median(engine.map((r) => r.lookupMs)),
    readsToLastBody: median(engine.map((r) => r.readsToLastBody)),
    bodiesRun: max(engine.map((r) => r.bodiesRun)),
    cachedRuns: Math.min(...engine.map((r) => r.cachedRuns)),
    runsMs: engine.map((r) => r.toLastBodyMs),
    floorRunsMs: floor.map((f) => f.ms),
  };
}

type RerunFromLastResults = Awaited<ReturnType<typeof rerunFromLast>>;

function rerunFromLastRow(r: RerunFromLastResults): Row {
  return {
    workload: `Run from the last of ${formatNumber(r.tasks)} task runs`,
    figure: `${r.toLastBodyMs.toFixed(0)} ms to its body, ${r.lookupQueries} lookup reads`,
    floor: `${r.floorMs.toFixed(0)} ms (raw: 1 read, ${formatNumber(r.tasks)} results, ${formatNumber(r.tasks)} Cached rows)`,
    ratio: r.ratio,
    target: `<= ${formatNumber(TARGETS.rerunFromLastMs)} ms, <= ${TARGETS.rerunLookupQueries} reads`,
    pass: r.toLastBodyMs <= TARGETS.rerunFromLastMs && r.lookupQueries <= TARGETS.rerunLookupQueries && r.bodiesRun === 1,
  };
}

function rerunFromLastNote(r: RerunFromLastResults): string {
  return `Run from the last task: a completed run mapping a task over ${formatNumber(r.tasks)} items (recorded in ${r.recordMs.toFixed(0)} ms, results to its results file), then a run from its last task run as a new linked run; timed from the call to the last item's body starting (${r.toCompletedMs.toFixed(0)} ms to Completed, every row committed); ${formatNumber(r.cachedRuns)} task runs Cached and ${r.bodiesRun} body run; the reuse lookup made ${r.lookupQueries} SQL reads in ${r.lookupCalls} store call(s) taking ${r.lookupMs.toFixed(0)} ms, the re-run ${formatNumber(r.readsToLastBody)} reads in all until the body started; floor: raw SQLite and a file, the store's read of the recorded task runs, ${formatNumber(r.tasks)} V8-serialized results read back from one file, and ${formatNumber(r.tasks)} Cached task run rows with their states, 512 to a transaction; runs ${list(r.runsMs)} ms, floor ${list(r.floorRunsMs)} ms`;
}

/** W1 as a debug run with a breakpoint that never stops it, beside W1, in alternating rounds. */
async function debugW1() {
  const { engine, floor } = await rounds(
    'W1 debug run',
    () => runW1(W1_TASKS, { breakpoints: [W1_UNCALLED_TASK] }),
    () => runW1(W1_TASKS),
    ENGINE_WARM_UPS,
    DEBUG_W1_RUNS,
  );
  const debugMs = median(engine.map((r) => r.ms));
  const plainMs = median(floor.map((r) => r.ms));
  return {
    tasks: W1_TASKS,
    runsMs: engine.map((r) => r.ms),
    plainRunsMs: floor.map((r) => r.ms),
    tasksPerSecond: (W1_TASKS / debugMs) * 1000,
    plainTasksPerSecond: (W1_TASKS / plainMs) * 1000,
    ratio: debugMs / plainMs,
  };
}

type DebugW1Results = Awaited<ReturnType<typeof debugW1>>;

function debugW1Row(r: DebugW1Results): Row {
  return {
    workload: `W1 as a debug run (breakpoint never reached)`,
    figure: `${formatNumber(r.tasksPerSecond)} tasks/s`,
    floor: `${formatNumber(r.plainTasksPerSecond)} tasks/s (W1)`,
    ratio: r.ratio,
    target: `<= ${TARGETS.debugW1MaxRatio}x W1's time`,
    pass: r.ratio <= TARGETS.debugW1MaxRatio,
  };
}

function debugW1Note(r: DebugW1Results): string {
  return `W1 debug run: the W1 flow with a breakpoint on a task of its module it never calls, so nothing stops, alternating with plain W1 runs; ${ENGINE_WARM_UPS} warm-up rounds, medians of ${DEBUG_W1_RUNS}; runs ${list(r.runsMs)} ms, W1 ${list(r.plainRunsMs)} ms`;
}

async function serverMemory() {
  progress('server memory: the server at rest, and an idle node process');
  const server = await runServerMemory();
  const idleKb = await idleNodeRssKb(REST_MS);
  return {
    restingRssMb: server.restingRssKb / 1024,
    startedRssMb: server.startedRssKb / 1024,
    idleNodeRssMb: idleKb / 1024,
    requests: server.requests,
    replayedEvents: server.replayedEvents,
    restMs: server.restMs,
  };
}

async function uiReady() {
  progress(`web UI: ready for input, ${RUNS} loads after a warm-up, in headless Chromium`);
  const runs = (await measureUiReady(RUNS + 1)).slice(1);
  const readyMs = median(runs.map((r) => r.readyMs));
  const floorMs = median(runs.map((r) => r.floorMs));
  return { runs, readyMs, editorReadyMs: median(runs.map((r) => r.editorReadyMs)), floorMs, ratio: readyMs / floorMs };
}

async function uiPan() {
  const runs = [];
  for (let r = 1; r <= PAN_RUNS; r++) {
    progress(`web UI: panning ${PAN_NODES} nodes, run ${r}/${PAN_RUNS}`);
    runs.push(await measurePanFps());
  }
  const fps = median(runs.map((r) => r.fps));
  const floorFps = median(runs.map((r) => r.floorFps));
  return { nodes: PAN_NODES, runs, fps, floorFps, worstFrameMs: median(runs.map((r) => r.worstFrameMs)), ratio: floorFps / fps };
}

async function runPage() {
  const runs: RunPageRun[] = [];
  for (let r = 1; r <= PAN_RUNS; r++) {
    progress(`flow run page: ${RUN_PAGE_TASK_RUNS} task runs and ${RUN_PAGE_LOG_LINES} log lines, run ${r}/${PAN_RUNS}`);
    runs.push(await measureRunPage());
  }
  const pick = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
  return {
    runs,
    graphOpenMs: pick((r) => r.graphOpenMs),
    panFps: pick((r) => r.panFps),
    logsOpenMs: pick((r) => r.logsOpenMs),
    logsHeld: runs[0].logsHeld,
    searchMs: pick((r) => r.searchMs),
    found: runs.map((r) => r.found),
    logsReadFloorMs: pick((r) => r.logsReadFloorMs),
    liveChangesPerSecond: pick((r) => r.liveChangesPerSecond),
    liveFps: pick((r) => r.liveFps),
    liveWorstFrameMs: pick((r) => r.liveWorstFrameMs),
  };
}

async function runsList() {
  const runs = await measureRunsList(PAN_RUNS, progress);
  const pick = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
  return {
    runs,
    seedMs: runs[0].seedMs,
    openMs: pick((r) => r.openMs),
    scrollFps: pick((r) => r.scrollFps),
    scrollWorstFrameMs: pick((r) => r.scrollWorstFrameMs),
    rowsLoaded: pick((r) => r.rowsLoaded),
    searchMs: pick((r) => r.searchMs),
    pageReadFloorMs: pick((r) => r.pageReadFloorMs),
  };
}

async function replay() {
  const run = await runReplay(progress);
  return {
    ...run,
    restingRssMb: run.restingRssKb / 1024,
    peakRssMb: run.peakRssKb / 1024,
    afterRssMb: run.afterRssKb / 1024,
  };
}

type ReplayResults = Awaited<ReturnType<typeof replay>>;

type W5Results = Awaited<ReturnType<typeof w5>>;

function w5Row(r5: W5Results): Row {
  return {
    workload: `W5 W1 over HTTP to a server process`,
    figure: `${formatNumber(r5.tasksPerSecond)} tasks/s`,
    floor: `${formatNumber(r5.embeddedTasksPerSecond)} tasks/s (W1 embedded)`,
    ratio: r5.ratio,
    target: `<= ${TARGETS.w5MaxRatioToEmbedded}x W1 embedded's time`,
    pass: r5.ratio <= TARGETS.w5MaxRatioToEmbedded,
  };
}

function w5Note(r5: W5Results): string {
  return `W5: the flow in this process, \`flowdeck server start\` in another, every task run checked on the server afterwards; ${ENGINE_WARM_UPS} warm-up rounds; ${r5.reportsPerRun.join(', ')} reports per run; runs ${list(r5.runsMs)} ms, W1 embedded ${list(r5.embeddedRunsMs)} ms`;
}

function replayRows(r: ReplayResults): Row[] {
  const name = `${REPLAY_SUBSCRIBERS} replays of ${formatNumber(REPLAY_EVENTS)} events`;
  return [
    {
      workload: `${name}: health answers`,
      figure: `p99 ${r.healthMs.p99.toFixed(1)} ms (max ${r.healthMs.max.toFixed(0)}), all ten done in ${(r.replayMs / 1000).toFixed(0)} s`,
      floor: `p99 ${r.idleHealthMs.p99.toFixed(1)} ms (same server, idle)`,
      ratio: r.healthMs.p99 / r.idleHealthMs.p99,
      target: `p99 <= ${TARGETS.replayHealthP99Ms} ms`,
      pass: r.healthMs.p99 <= TARGETS.replayHealthP99Ms,
    },
    {
      workload: `${name}: server memory`,
      figure: `${formatNumber(r.peakRssMb)} MB peak, ${formatNumber(r.afterRssMb)} MB after`,
      floor: `${formatNumber(r.restingRssMb)} MB (at rest before)`,
      ratio: r.afterRssMb / r.restingRssMb,
      target: `after <= rest + ${TARGETS.replayAfterExtraRssMb} MB`,
      pass: r.afterRssMb <= r.restingRssMb + TARGETS.replayAfterExtraRssMb,
    },
  ];
}

function replayNote(r: ReplayResults): string {
  return `Replay: \`flowdeck server start\` over ${formatNumber(REPLAY_EVENTS)} states and log lines written in SQL (${(r.seedMs / 1000).toFixed(0)} s); ${REPLAY_SUBSCRIBERS} subscribers in another process each replay all of it from a zero cursor while this process asks GET /api/health every ${HEALTH_EVERY_MS} ms (${formatNumber(r.healthMs.samples)} answers, p50 ${r.healthMs.p50.toFixed(1)} ms; idle floor from ${r.idleHealthMs.samples}); one run; resident memory read every 100 ms, at rest ${REST_MS / 1000} s before and ${REST_MS / 1000} s after the last subscriber left. The memory target is an allowance over rest, not a ratio: V8 keeps the heap a burst grew until it next needs to collect, which an idle server does not`;
}

async function memory() {
  progress('memory: W2 in a child process');
  const baseline = await measureInChild('baseline');
  const w2Peak = await measureInChild('w2');
  return {
    w2PeakRssMb: w2Peak.maxRssKb / 1024,
    baselineRssMb: baseline.maxRssKb / 1024,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const r0 = await w0();
  const r1 = await w1();
  const r2 = await w2();
  const r3 = await w3();
  const r4 = await w4();
  const mem = await memory();
  const r5 = await w5();
  const c2g = codeToGraph();
  const ws = await wsLatency();
  const dbg = await debugContinue();
  const dw1 = await debugW1();
  const rfl = await rerunFromLast();
  const srv = await serverMemory();
  const ui = await uiReady();
  const pan = await uiPan();
  const page = await runPage();
  const list1m = await runsList();
  const rp = await replay();
  const wk = await runWorkersBench();
  const needleFound = page.found.every((f) => f.startsWith('1 match'));

  const w1Pass = r1.tasksPerSecond >= TARGETS.w1TasksPerSecond && r1.ratio <= TARGETS.w1MaxRatio;
  const rows: Row[] = [
    ...w0Rows(r0),
    {
      workload: `W1 ${formatNumber(W1_TASKS)} sequential tasks`,
      figure: `${formatNumber(r1.tasksPerSecond)} tasks/s`,
      floor: `${formatNumber(r1.floorTasksPerSecond)} tasks/s (raw SQLite)`,
      ratio: r1.ratio,
      target: `>= ${formatNumber(TARGETS.w1TasksPerSecond)} tasks/s, <= ${TARGETS.w1MaxRatio}x floor`,
      pass: w1Pass,
    },
    {
      workload: `W1 vs bare async calls`,
      figure: `${formatNumber(r1.tasksPerSecond)} tasks/s`,
      floor: `${formatNumber(r1.bareAsync.callsPerSecond)} calls/s (${formatNumber(r1.bareAsync.ms, 3)} ms per ${formatNumber(W1_TASKS)})`,
      ratio: r1.bareAsync.callsPerSecond / r1.tasksPerSecond,
      target: 'reference only',
      pass: null,
    },
    cpuRow(`W1 ${formatNumber(W1_TASKS)} sequential tasks`, r1.cpu),
    {
      workload: `W2 map over ${formatNumber(W2_ITEMS)}`,
      figure: `${formatNumber(r2.tasksPerSecond)} tasks/s`,
      floor: `${formatNumber(r2.floorTasksPerSecond)} tasks/s (raw SQLite)`,
      ratio: r2.ratio,
      target: `>= ${formatNumber(TARGETS.w2TasksPerSecond)} tasks/s, <= ${TARGETS.w2MaxRatio}x floor`,
      pass: r2.tasksPerSecond >= TARGETS.w2TasksPerSecond && r2.ratio <= TARGETS.w2MaxRatio,
    },
    cpuRow(`W2 map over ${formatNumber(W2_ITEMS)}`, r2.cpu),
    {
      workload: `W3 retry lateness (${r3.retriesPerRun} retries)`,
      figure: `p50 ${r3.latenessMs.p50.toFixed(1)} / p99 ${r3.latenessMs.p99.toFixed(1)} / max ${r3.latenessMs.max.toFixed(1)} ms`,
      floor: `timers p99 ${r3.timerFloorMs.p99.toFixed(2)} ms (max ${r3.timerFloorMs.max.toFixed(2)})`,
      ratio: r3.ratio,
      target: `p99 <= ${TARGETS.w3P99LatenessMs} ms`,
      pass: r3.latenessMs.p99 <= TARGETS.w3P99LatenessMs,
    },
    {
      workload: `W4 ${formatNumber(r4.lines)} log lines`,
      figure: `${formatNumber(r4.linesPerSecond)} lines/s`,
      floor: `${formatNumber(r4.floorLinesPerSecond)} lines/s (raw, ${formatNumber(LOG_BATCH)}/tx)`,
      ratio: r4.ratio,
      target: `>= ${formatNumber(TARGETS.w4LinesPerSecond)} lines/s`,
      pass: r4.linesPerSecond >= TARGETS.w4LinesPerSecond,
    },
    {
      workload: 'W2 peak memory (child process)',
      figure: `${formatNumber(mem.w2PeakRssMb)} MB maxRSS`,
      floor: `${formatNumber(mem.baselineRssMb)} MB (idle store)`,
      ratio: mem.w2PeakRssMb / mem.baselineRssMb,
      target: `<= ${TARGETS.w2PeakRssMb} MB`,
      pass: mem.w2PeakRssMb <= TARGETS.w2PeakRssMb,
    },
    w5Row(r5),
    {
      workload: `Code to graph, ${c2g.tasks}-task file`,
      figure: `${c2g.ms.toFixed(1)} ms`,
      floor: `${c2g.floorMs.toFixed(1)} ms (TypeScript parser alone)`,
      ratio: c2g.ratio,
      target: `<= ${TARGETS.codeToGraphMs} ms`,
      pass: c2g.ms <= TARGETS.codeToGraphMs,
    },
    {
      workload: 'State change to WebSocket subscriber',
      figure: `p50 ${ws.latencyMs.p50.toFixed(1)} / p99 ${ws.latencyMs.p99.toFixed(1)} / max ${ws.latencyMs.max.toFixed(1)} ms`,
      floor: `loopback ws one-way p99 ${ws.floorOneWayMs.p99.toFixed(2)} ms`,
      ratio: ws.ratio,
      target: `p99 <= ${TARGETS.wsP99LatencyMs} ms${ws.lost > 0 ? `; ${ws.lost} lost` : ''}`,
      pass: ws.latencyMs.p99 <= TARGETS.wsP99LatencyMs && ws.lost === 0,
    },
    debugContinueRow(dbg),
    debugW1Row(dw1),
    rerunFromLastRow(rfl),
    {
      workload: 'Server memory at rest',
      figure: `${formatNumber(srv.restingRssMb)} MB RSS`,
      floor: `${formatNumber(srv.idleNodeRssMb)} MB (idle node -e)`,
      ratio: srv.restingRssMb / srv.idleNodeRssMb,
      target: `<= ${TARGETS.serverRestingRssMb} MB`,
      pass: srv.restingRssMb <= TARGETS.serverRestingRssMb,
    },
    {
      workload: 'Web UI ready for input',
      figure: `${ui.readyMs.toFixed(0)} ms`,
      floor: `${ui.floorMs.toFixed(0)} ms (bare page, first frame)`,
      ratio: ui.ratio,
      target: `<= ${formatNumber(TARGETS.uiReadyMs)} ms`,
      pass: ui.readyMs <= TARGETS.uiReadyMs,
    },
    {
      workload: `Pan a ${formatNumber(pan.nodes)}-node graph`,
      figure: `${pan.fps.toFixed(1)} fps`,
      floor: `${pan.floorFps.toFixed(1)} fps (bare canvas page)`,
      ratio: pan.ratio,
      target: `>= ${TARGETS.panFps} fps`,
      pass: pan.fps >= TARGETS.panFps,
    },
    {
      workload: `Run page, ${formatNumber(RUN_PAGE_TASK_RUNS)} task runs: graph open`,
      figure: `${page.graphOpenMs.toFixed(0)} ms`,
      floor: `${ui.floorMs.toFixed(0)} ms (bare page, first frame)`,
      ratio: page.graphOpenMs / ui.floorMs,
      target: `<= ${formatNumber(TARGETS.runGraphOpenMs)} ms`,
      pass: page.graphOpenMs <= TARGETS.runGraphOpenMs,
    },
    {
      workload: `Run page, ${formatNumber(RUN_PAGE_TASK_RUNS)} task runs: pan`,
      figure: `${page.panFps.toFixed(1)} fps`,
      floor: `${pan.floorFps.toFixed(1)} fps (bare canvas page)`,
      ratio: pan.floorFps / page.panFps,
      target: `>= ${TARGETS.panFps} fps`,
      pass: page.panFps >= TARGETS.panFps,
    },
    {
      workload: `Run page, live run at ${formatNumber(page.liveChangesPerSecond)} state changes/s`,
      figure: `${page.liveFps.toFixed(1)} fps, worst frame ${page.liveWorstFrameMs.toFixed(0)} ms`,
      floor: `${pan.floorFps.toFixed(1)} fps (bare canvas page)`,
      ratio: pan.floorFps / page.liveFps,
      target: `>= ${formatNumber(TARGETS.liveChangesPerSecond)} changes/s, no frame over ${TARGETS.liveWorstFrameMs} ms`,
      pass: page.liveChangesPerSecond >= TARGETS.liveChangesPerSecond && page.liveWorstFrameMs <= TARGETS.liveWorstFrameMs,
    },
    {
      workload: `Run page, ${formatNumber(RUN_PAGE_LOG_LINES)} log lines: open`,
      figure: `${page.logsOpenMs.toFixed(0)} ms (${formatNumber(page.logsHeld)} held)`,
      floor: `${page.logsReadFloorMs.toFixed(0)} ms (store reads them all)`,
      ratio: page.logsOpenMs / page.logsReadFloorMs,
      target: `<= ${formatNumber(TARGETS.runLogsOpenMs)} ms`,
      pass: page.logsOpenMs <= TARGETS.runLogsOpenMs,
    },
    {
      workload: `Run page, ${formatNumber(RUN_PAGE_LOG_LINES)} log lines: find one`,
      figure: `${page.searchMs.toFixed(0)} ms, ${page.found[0]}`,
      floor: 'none measured',
      ratio: null,
      target: `<= ${formatNumber(TARGETS.runLogsSearchMs)} ms, found`,
      pass: page.searchMs <= TARGETS.runLogsSearchMs && needleFound,
    },
    {
      workload: `Runs page, ${formatNumber(RUNS_LIST_RUNS)} runs: open`,
      figure: `${list1m.openMs.toFixed(0)} ms`,
      floor: `${ui.floorMs.toFixed(0)} ms (bare page, first frame)`,
      ratio: list1m.openMs / ui.floorMs,
      target: `<= ${formatNumber(TARGETS.runsListOpenMs)} ms`,
      pass: list1m.openMs <= TARGETS.runsListOpenMs,
    },
    {
      workload: `Runs page, ${formatNumber(RUNS_LIST_RUNS)} runs: scroll`,
      figure: `${list1m.scrollFps.toFixed(1)} fps, worst frame ${list1m.scrollWorstFrameMs.toFixed(0)} ms, ${formatNumber(list1m.rowsLoaded)} rows loaded`,
      floor: `${pan.floorFps.toFixed(1)} fps (bare canvas page)`,
      ratio: pan.floorFps / list1m.scrollFps,
      target: `>= ${TARGETS.runsListScrollFps} fps`,
      pass: list1m.scrollFps >= TARGETS.runsListScrollFps,
    },
    {
      workload: `Runs page, ${formatNumber(RUNS_LIST_RUNS)} runs: find one by name`,
      figure: `${list1m.searchMs.toFixed(0)} ms`,
      floor: `${list1m.pageReadFloorMs.toFixed(1)} ms (store reads the newest page)`,
      ratio: list1m.searchMs / list1m.pageReadFloorMs,
      target: `<= ${formatNumber(TARGETS.runsListSearchMs)} ms`,
      pass: list1m.searchMs <= TARGETS.runsListSearchMs,
    },
    ...replayRows(rp),
    ...workersRows(wk),
  ];

  const notes = [
    w0Note(r0),
    `W1: ${r1.engineCommits ?? '?'} engine commits per run, ${r1.floorCommits} in the floor; ${ENGINE_WARM_UPS} warm-up rounds first (${list(r1.warmUpRunsMs)} ms, the first on code V8 had not yet optimised); runs ${list(r1.runsMs)} ms, floor ${list(r1.floorRunsMs)} ms`,
    `W2: ${ENGINE_WARM_UPS} warm-up rounds; ${r2.engineCommits ?? '?'} engine commits of ${r2.engineOpsPerCommit?.toFixed(0) ?? '?'} transitions on average, floor ${r2.floorCommits} commits; runs ${list(r2.runsMs)} ms, floor ${list(r2.floorRunsMs)} ms`,
    `W3: ${r3.retriesPerRun} retries per run read from the states table; per-run p99 ${list(r3.runs.map((r) => r.p99))} ms, timer floor p99 ${list(r3.timerFloorRuns.map((t) => t.p99))} ms`,
    `W4: ${formatNumber(r4.lines)} lines stored in every run (counted); ${r4.engineCommits ?? '?'} engine commits, ${r4.floorCommits} in the floor; runs ${list(r4.runsMs)} ms, floor ${list(r4.floorRunsMs)} ms`,
    w5Note(r5),
    `WebSocket: the server in its own process, ${WS_CHANGES} stored state changes per run ${PACE_MIN_MS}-${PACE_MAX_MS} ms apart after ${WS_WARM_UP} warm-up ones, timed from the durable write to the message's arrival; per-run p99 ${list(ws.runs.map((r) => r.p99))} ms, floor (half a ws echo round trip) p99 ${ws.floorRuns.map((f) => f.p99.toFixed(2)).join(', ')} ms${ws.lost > 0 ? `; ${ws.lost} messages never came` : ''}`,
    debugContinueNote(dbg),
    debugW1Note(dw1),
    rerunFromLastNote(rfl),
    `Server memory: RSS ${formatNumber(srv.startedRssMb)} MB once listening; ${srv.requests} requests and a subscriber replaying ${formatNumber(srv.replayedEvents)} events, then ${srv.restMs / 1000} s at rest; one reading of each, the floor after the same rest`,
    `Web UI: headless Chromium, a fresh context per load, served by a real server from dist/renderer; ready = navigation start to the first painted frame of the builder; per-run ${list(ui.runs.map((r) => r.readyMs))} ms; the code editor up at ${ui.editorReadyMs.toFixed(0)} ms (median)`,
    `Pan: ${PAN_NODES} transform steps in a grid, the canvas dragged for 2 s, frames counted in the page; per-run ${list(pan.runs.map((r) => r.fps))} fps, worst frame ${pan.worstFrameMs.toFixed(0)} ms (median); ratio = floor fps / fps`,
    `Run page: runs made by the engine in the server's store (100 tasks each mapped over 100 items; 100 tasks writing 10,000 lines each); graph open = navigation to every group drawn; logs open = navigation to a link to the run's logs (#/runs/ID?view=logs), to its first lines shown; find = a query typed to its count shown; per-run graph ${list(page.runs.map((r) => r.graphOpenMs))} ms, logs ${list(page.runs.map((r) => r.logsOpenMs))} ms; the page holds the latest ${formatNumber(page.logsHeld)} lines, so a line older than those is not found`,
    `Runs page: ${formatNumber(RUNS_LIST_RUNS)} runs copied in SQL from three made through the store (written in ${(list1m.seedMs / 1000).toFixed(0)} s), one server, a fresh browser context per run; open = navigation to the first rows; scroll = a screen a frame for 3 s while pages load; find = a name typed (after the filter's pause for typing) to the one matching row shown; per-run open ${list(list1m.runs.map((r) => r.openMs))} ms, find ${list(list1m.runs.map((r) => r.searchMs))} ms`,
    replayNote(rp),
    workersNote(wk),
    `CPU per task: the process's user and system CPU from the flow's call to its last commit, over its tasks, beside the same for the raw SQLite floor; GC share from V8's gc entries in the same span; per-run W1 ${list(r1.cpu.engineRunsUs)} µs (floor ${list(r1.cpu.floorRunsUs)}), W2 ${list(r2.cpu.engineRunsUs)} µs (floor ${list(r2.cpu.floorRunsUs)})`,
    `Medians of ${RUNS} runs after a warm-up (${ENGINE_WARM_UPS} for W1, W2 and W5); ratio = engine time (or lateness, or memory) / floor in the same run. SQLite: WAL, synchronous=NORMAL.`,
  ];
  const table = renderTable(rows);
  process.stdout.write(`\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\n`);
  const missed = rows.filter((r) => r.pass === false);
  process.stdout.write(
    missed.length === 0 ? 'All targets met.\n' : `MISSED ${missed.length} target(s): ${missed.map((r) => r.workload).join('; ')}\n`,
  );

  const results = {
    timestamp: new Date().toISOString(),
    benchSeconds: (Date.now() - started) / 1000,
    environment: {
      node: process.version,
      sqlite: sqliteVersion(),
      platform: `${platform()} ${release()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
    },
    method: {
      runs: RUNS,
      warmUp: 1,
      engineWarmUps: ENGINE_WARM_UPS,
      statistic: 'median of the measured runs; engine and floor runs alternate',
      durability: 'WAL, synchronous=NORMAL, for the engine and every SQLite floor',
    },
    targets: TARGETS,
    results: {
      w0: r0,
      w1: r1,
      w2: r2,
      w3: r3,
      w4: r4,
      memory: mem,
      w5: r5,
      codeToGraph: c2g,
      wsLatency: ws,
      debugContinue: dbg,
      debugW1: dw1,
      rerunFromLast: rfl,
      serverMemory: srv,
      uiReady: ui,
      uiPan: pan,
      runPage: page,
      runsList: list1m,
      replay: rp,
      workers: wk,
    },
    table: rows,
    notes,
    missed: missed.map((r) => r.workload),
  };
  const out = new URL('../../bench/results.json', import.meta.url);
  writeResults(out, results);
  process.stdout.write(`Wrote ${out.pathname}\n`);
}

function workersRows(r: WorkersBench): Row[] {
  const row = (workload: string, f: WorkersBench['burst'], floorMs: number, floor: string): Row => ({
    workload,
    figure: `p99 ${formatNumber(f.p99Ms)} ms (p50 ${formatNumber(f.p50Ms)}, max ${formatNumber(f.maxMs)}) over ${formatNumber(f.runs)} runs`,
    floor,
    ratio: f.p99Ms / floorMs,
    target: `p99 <= ${TARGETS.workersToRunningP99Ms} ms`,
    pass: f.p99Ms <= TARGETS.workersToRunningP99Ms,
  });
  return [
    row(
      `${formatNumber(BURST_RUNS)} runs due at once, ${BURST_WORKERS} workers, a process per run: scheduled time to Running`,
      r.burst,
      r.burstProcessFloorP99Ms,
      `p99 ${formatNumber(r.burstProcessFloorP99Ms)} ms (${formatNumber(BURST_RUNS)} bare Node starts, ${BURST_WORKERS * WORKER_LIMIT} at a time)`,
    ),
    row(
      `${formatNumber(SHARED_BURST_RUNS)} runs due at once, ${BURST_WORKERS} workers (--limit ${SHARED_WORKER_LIMIT}), ${SHARED_RUNS_PER_PROCESS} runs per flow process: scheduled time to Running`,
      r.sharedBurst,
      r.sharedFloorMs,
      `${formatNumber(r.sharedFloorMs)} ms (the server's claim of ${formatNumber(SHARED_BURST_RUNS)} runs, ${formatNumber(r.sharedFloorClaimMs)} ms, + one report of their Running states)`,
    ),
    row(
      `Interval schedules, ${STREAM_DEPLOYMENTS} every ${STREAM_INTERVAL_SECONDS} s, one due every ${(STREAM_INTERVAL_SECONDS / STREAM_DEPLOYMENTS).toFixed(1)} s: scheduled time to Running`,
      r.stream,
      r.nodeStartP99Ms + r.claimRoundTripP99Ms,
      `p99 ${r.nodeStartP99Ms.toFixed(0)} ms bare Node start + ${r.claimRoundTripP99Ms.toFixed(1)} ms claim round trip`,
    ),
  ];
}

function workersNote(r: WorkersBench): string {
  return (
    `Workers: \`flowdeck server start\` and ${BURST_WORKERS} \`flowdeck worker start --limit ${WORKER_LIMIT}\` processes, each run in its own flow process (\`flow-run execute\`: the worker's one spare, started ahead with the CLI and engine loaded, or a new process when none is ready) of a flow that does nothing; ` +
    `the burst's runs made due in a paused pool and timed from its resume, when all became due at once (last Running ${formatNumber(r.burst.spanMs)} ms after it); ` +
    `the shared burst the same in a pool with runsPerProcess ${SHARED_RUNS_PER_PROCESS}, each worker's runs in its one warm \`flow-run execute --shared-runs\` process (last Running ${formatNumber(r.sharedBurst.spanMs)} ms after the resume); ` +
    `bare Node start (spawn to exit of \`node -e 0\`) p50 ${r.nodeStartP50Ms.toFixed(0)} ms, p99 ${r.nodeStartP99Ms.toFixed(0)} ms; an empty claim's round trip p99 ${r.claimRoundTripP99Ms.toFixed(1)} ms`
  );
}

/** Workloads that `npm run bench -- NAME` runs alone: their rows printed, results.json left as it was. */
const ALONE: Record<string, () => Promise<{ rows: Row[]; notes: string[] }>> = {
  replay: async () => {
    const r = await replay();
    return { rows: replayRows(r), notes: [replayNote(r)] };
  },
  w5: async () => {
    const r = await w5();
    return { rows: [w5Row(r)], notes: [w5Note(r)] };
  },
  w0: async () => {
    const r = await w0();
    return { rows: w0Rows(r), notes: [w0Note(r)] };
  },
  debug: async () => {
    const c = await debugContinue();
    const w = await debugW1();
    return { rows: [debugContinueRow(c), debugW1Row(w)], notes: [debugContinueNote(c), debugW1Note(w)] };
  },
  rerun: async () => {
    const r = await rerunFromLast();
    return { rows: [rerunFromLastRow(r)], notes: [rerunFromLastNote(r)] };
  },
  workers: async () => {
    const r = await runWorkersBench();
    return { rows: workersRows(r), notes: [workersNote(r)] };
  },
};

async function alone(names: readonly string[]): Promise<void> {
  const unknown = names.filter((name) => !(name in ALONE));
  if (unknown.length > 0) {
    throw new Error(`no workload ${unknown.join(', ')} to run alone; give one of: ${Object.keys(ALONE).join(', ')}, or nothing for the whole bench`);
  }
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const name of names) {
    const result = await ALONE[name]();
    rows.push(...result.rows);
    notes.push(...result.notes);
  }
  process.stdout.write(`\n${renderTable(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\n`);
  const missed = rows.filter((r) => r.pass === false);
  process.stdout.write(
    missed.length === 0 ? 'All targets met.\n' : `MISSED ${missed.length} target(s): ${missed.map((r) => r.workload).join('; ')}\n`,
  );
}

const names = process.argv.slice(2);
(names.length > 0 ? alone(names) : main()).catch((error: unknown) => {
  process.stderr.write(`the bench could not finish: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
