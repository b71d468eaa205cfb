import type { ApiClient } from '../../core/api/client.js';
import type { FlowRun } from '../../core/index.js';
import { runIdProblemMessage } from '../../core/api/run-id-rules.js';
import { findFlowRun, flag, stringOption } from '../command-helpers.js';
import type { CommandRun } from '../command.js';
import type { CliContext } from '../context.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { checkServer, crashRunsAndExit, executeFlow, prepareEngine } from '../flow-files/execute-flow.js';
import { loadFlowExport } from '../flow-files/load-flow-file.js';
import { retryReuse } from '../flow-files/retry-reuse.js';
import type { RunProgress } from '../output/run-progress.js';
import { ENDED_WORD, listenToWorker, sayOfRun, sayTaken, TAKEN_LINE, type HandedRun } from '../worker/worker-pipe.js';

/** Exit code of a process that handed its run back to its worker: nothing was recorded. */
const EXIT_HANDED_BACK = 75;

/** States a run waits in for a process to start it. */
const STARTABLE = new Set(['SCHEDULED', 'PENDING']);

/** `path/file.ts:exportName` split at the last colon; `default` when no export is named. */
function splitEntrypoint(entrypoint: string): { file: string; exportName: string } {
  const at = entrypoint.lastIndexOf(':');
  // A colon right after a drive letter (C:\...) is part of the path.
  if (at <= 1) return { file: entrypoint, exportName: 'default' };
  return { file: entrypoint.slice(0, at), exportName: entrypoint.slice(at + 1) || 'default' };
}

/** Entrypoints read by a shared process: its many runs of one deployment ask once. */
const entrypoints = new Map<string, Promise<string>>();

async function deploymentEntrypoint(client: ApiClient, run: FlowRun, remember = false): Promise<string> {
  const deploymentId = run.deploymentId;
  if (!deploymentId) throw new UsageError(`flow run '${run.name}' is not a run of a deployment; run a flow file with 'flowdeck run FILE'`);
  const read = () => client.getDeployment({ params: { id: deploymentId } }).then((deployment) => deployment.entrypoint);
  if (!remember) return read();
  let entrypoint = entrypoints.get(deploymentId);
  if (!entrypoint) {
    entrypoint = read();
    entrypoints.set(deploymentId, entrypoint);
    // A failed read is asked again by the next run.
    entrypoint.catch(() => entrypoints.delete(deploymentId));
  }
  return entrypoint;
}

interface FollowedWorker {
  cancelling(): boolean;
  /** For a spare process: the run the worker hands it. */
  handed: Promise<HandedRun>;
}

/**
 * Listens to the worker that started this process, when it asked to: a closed pipe (the worker
 * is gone) stops the run as a SIGTERM does, and ends a spare that has no run yet; a cancellation
 * lets the next signal record nothing.
 */
function followWorker(ctx: CliContext): FollowedWorker {
  let cancelling = false;
  let running = false;
  let hand: (run: HandedRun) => void = () => undefined;
  const handed = new Promise<HandedRun>((resolve) => (hand = resolve));
  listenToWorker(process.stdin, {
    cancel: () => (cancelling = true),
    handBack: () => {
      ctx.note('the worker hands this run back to the server: stopping without recording anything');
      process.exit(EXIT_HANDED_BACK);
    },
    gone: () => {
      // A spare that never got a run has nothing to record.
      if (!running) process.exit(EXIT_OK);
      ctx.note('the worker that started this process is gone: stopping');
      process.kill(process.pid, 'SIGTERM');
    },
    run: (run) => {
      if (running) return;
      running = true;
      sayTaken();
      hand(run);
    },
  });
  return { cancelling: () => cancelling, handed };
}

/** `flowdeck flow-run execute`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  await ctx.prepare();
  const server = ctx.server;
  if (server.kind === 'local') {
    throw new UsageError(
      "flow-run execute runs a deployment's run from a server, and FLOWDECK_API_URL is not set; point it at the server (flowdeck config set FLOWDECK_API_URL=http://HOST:PORT/api)",
    );
  }
  const waits = flag(args, 'wait-for-run');
  const fromWorker = flag(args, 'from-worker');
  if (flag(args, 'shared-runs')) {
    if (!fromWorker) throw new UsageError('--shared-runs takes its runs from the worker that started this process: give --from-worker too');
    if (waits || args.positionals.length > 0 || stringOption(args, 'file') !== undefined) {
      throw new UsageError('--shared-runs takes its runs from the worker; give no flow run ID, --file or --wait-for-run');
    }
    const { createApiClient } = await import('../../core/api/client.js');
    const client = createApiClient({ baseUrl: server.apiUrl, apiKey: ctx.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: 30_000 });
    return runShared(ctx, client, flag(args, 'json'));
  }
  if (waits && !fromWorker) throw new UsageError('--wait-for-run takes its run from the worker that started this process: give --from-worker too');
  if (waits && args.positionals.length > 0) throw new UsageError('--wait-for-run takes its run from the worker; give no flow run ID');
  if (waits && stringOption(args, 'file') !== undefined) throw new UsageError('--wait-for-run takes its flow file from the worker; give no --file');
  if (!waits && args.positionals.length === 0)
    throw new UsageError("give the ID of the flow run to execute (or --wait-for-run, as a worker's spare process)");
  const worker = fromWorker ? followWorker(ctx) : null;
  const { createApiClient } = await import('../../core/api/client.js');
  const client = createApiClient({ baseUrl: server.apiUrl, apiKey: ctx.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: 30_000 });
  if (!waits) {
    const flowRun = await startableRun(ctx, args.positionals[0]);
    const given = stringOption(args, 'file');
    if (given !== undefined && given.trim() === '') throw new UsageError('--file needs the path of the flow file');
    return execute(ctx, client, flowRun, { file: given, cwd: ctx.cwd }, await prepareEngine(ctx), worker, flag(args, 'json'));
  }
  // A spare: everything a run needs is loaded, and the server checked, before the worker hands one over.
  const progress = await prepareEngine(ctx);
  // A server that does not answer now may by the time a run comes: it is then checked again.
  const [, serverChecked] = await Promise.all([
    ctx.runs(),
    checkServer(ctx).then(
      () => true,
      () => false,
    ),
  ]);
  const handed = await worker!.handed;
  let flowRun: FlowRun;
  try {
    process.chdir(handed.cwd);
    // The worker gives the run's whole id: no prefix to resolve first.
    flowRun = await startableRun(ctx, { id: handed.flowRunId });
  } catch (error) {
    progress.finish();
    throw error;
  }
  return execute(ctx, client, flowRun, { file: handed.entryFile, cwd: handed.cwd }, progress, worker, flag(args, 'json'), serverChecked);
};

/**
 * A worker's shared process: with everything loaded, it runs each run the worker writes to stdin,
 * all at once, in the one working folder of its first run, and says `taken ID` and `ended ID` on
 * descriptor 3. The worker gone (stdin closed) or a SIGTERM records the runs still going Crashed;
 * `hand-back` stops at once and records nothing. Ends when the worker closes stdin and no run is left.
 */
async function runShared(ctx: CliContext, client: ApiClient, json: boolean): Promise<never> {
  const progress = await prepareEngine(ctx);
  const [, serverChecked] = await Promise.all([
    ctx.runs(),
    checkServer(ctx).then(
      () => true,
      () => false,
    ),
  ]);
  const active = new Set<string>();
  let folder: string | null = null;
  let stopping = false;
  let workerGone = false;
  const stop = (why: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    ctx.note(`${why}: recording ${active.size} unfinished run(s) as Crashed`);
    crashRunsAndExit(ctx, progress, why, exitCode);
  };
  const runOne = async (handed: HandedRun) => {
    const id = handed.flowRunId;
    let endedAs: string | undefined;
    active.add(id);
    sayOfRun(TAKEN_LINE, id);
    try {
      // The working folder is the process's: every run here shares the first one's.
      if (folder === null) {
        process.chdir(handed.cwd);
        folder = handed.cwd;
      } else if (folder !== handed.cwd) {
        throw new Error(`this shared process works in ${folder}, not ${handed.cwd}; the worker hands such a run to another process`);
      }
      // The run as the worker claimed it: no need to ask the server again.
      const flowRun = handed.claimed ? startable(ctx, handed.claimed.flowRun) : await startableRun(ctx, { id });
      await execute(ctx, client, flowRun, { file: handed.entryFile, cwd: handed.cwd }, progress, null, json, serverChecked, {
        entrypoint: handed.claimed?.entrypoint,
        onEnded: (state) => (endedAs = state.name),
      });
    } catch (error) {
      ctx.note(`run ${id}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      active.delete(id);
      sayOfRun(ENDED_WORD, id, endedAs);
      if (workerGone && active.size === 0) process.exit(EXIT_OK);
    }
  };
  listenToWorker(process.stdin, {
    cancel: () => undefined,
    // The engine learns of the cancellation through the run's heartbeat and ends it Cancelled.
    cancelRun: (id) => ctx.note(`the worker cancels run ${id}: it ends Cancelled`),
    handBack: () => {
      ctx.note('the worker hands every run here back to the server: stopping without recording anything');
      process.exit(EXIT_HANDED_BACK);
    },
    gone: () => {
      workerGone = true;
      if (active.size === 0) process.exit(EXIT_OK);
      stop('the worker that started this process is gone', EXIT_OK);
    },
    run: (handed) => {
      if (!stopping) void runOne(handed);
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(`received ${signal}`, signal === 'SIGINT' ? 130 : 143));
  // The process ends through the worker's pipe or a signal.
  return new Promise<never>(() => undefined);
}

/** Flows loaded by a shared process: its runs of one flow load (and compile) the file once, and share its module. */
const sharedFlows = new Map<string, ReturnType<typeof loadFlowExport>>();

function loadSharedFlow(file: string, cwd: string, home: string, exportName: string): ReturnType<typeof loadFlowExport> {
  const key = JSON.stringify([file, cwd, exportName]);
  let loaded = sharedFlows.get(key);
  if (!loaded) {
    loaded = loadFlowExport(file, cwd, home, exportName);
    sharedFlows.set(key, loaded);
    // A file that failed to load is tried again by the next run.
    loaded.catch(() => sharedFlows.delete(key));
  }
  return loaded;
}

/** The run by its id or a prefix of it (a string), or by its whole id. */
async function startableRun(ctx: CliContext, run: string | { id: string }): Promise<FlowRun> {
  const runs = await ctx.runs();
  const flowRun = typeof run === 'string' ? await findFlowRun(runs, run) : await runs.getFlowRun(run.id);
  if (!flowRun) throw new UsageError(runIdProblemMessage('flow', (run as { id: string }).id, 'unknown'));
  return startable(ctx, flowRun);
}

/** The run, when it waits to be started. */
function startable(ctx: CliContext, flowRun: FlowRun): FlowRun {
  if (!STARTABLE.has(flowRun.state.type)) {
    throw new UsageError(`flow run '${flowRun.name}' is ${flowRun.state.name}; only a Scheduled or Pending run can be executed`);
  }
  const due = flowRun.state.type === 'SCHEDULED' ? (flowRun.state.scheduledTime ?? null) : null;
  if (due !== null && due > Date.now()) {
    ctx.note(`flow run '${flowRun.name}' is scheduled for ${new Date(due).toISOString()}; it starts then`);
  }
  return flowRun;
}

/** Loads the run's flow (from `file`, or the deployment's entrypoint from `cwd`) and runs it to its end. */
async function execute(
  ctx: CliContext,
  client: ApiClient,
  flowRun: FlowRun,
  { file, cwd }: { file: string | undefined; cwd: string },
  progress: RunProgress,
  worker: FollowedWorker | null,
  json: boolean,
  serverChecked = false,
  shared: { entrypoint: string | undefined; onEnded: (state: { type: string; name: string }) => void } | null = null,
) {
  const sharedProcess = shared !== null;
  let flow;
  let reuse;
  try {
    const entrypoint = splitEntrypoint(shared?.entrypoint ?? (await deploymentEntrypoint(client, flowRun, sharedProcess)));
    ({ flow } = await (sharedProcess ? loadSharedFlow : loadFlowExport)(file ?? entrypoint.file, cwd, ctx.home, entrypoint.exportName));
    // A run retried after it ended runs as that retry's attempt; one that never ran has nothing to reuse.
    if (flowRun.runCount > 0) {
      reuse = await retryReuse(flowRun.id, await client.listFlowRunStates({ params: { id: flowRun.id } }), (text) => ctx.note(text));
    }
  } catch (error) {
    progress.finish();
    throw error;
  }
  const request = { flowRunId: flowRun.id, flowRunName: flowRun.name, ...(reuse ? { reuse } : {}) };
  return executeFlow(ctx, progress, flow, flowRun.parameters, request, json, {
    endsOnItsOwn: () => worker?.cancelling() ?? false,
    serverChecked,
    sharedProcess,
    ...(shared ? { onEnded: shared.onEnded } : {}),
  });
}
