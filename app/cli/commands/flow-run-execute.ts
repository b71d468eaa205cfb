import type { ApiClient } from '../../core/api/client.js';
import type { FlowRun } from '../../core/index.js';
import { findFlowRun, flag, stringOption } from '../command-helpers.js';
import type { CommandRun } from '../command.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { executeFlow, prepareEngine } from '../flow-files/execute-flow.js';
import { loadFlowExport } from '../flow-files/load-flow-file.js';
import { listenToWorker } from '../worker/worker-pipe.js';
import { retryReuse } from '../flow-files/retry-reuse.js';

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

async function deploymentEntrypoint(client: ApiClient, run: FlowRun): Promise<string> {
  if (!run.deploymentId) throw new UsageError(`flow run '${run.name}' is not a run of a deployment; run a flow file with 'flowdeck run FILE'`);
  const deployment = await client.getDeployment({ params: { id: run.deploymentId } });
  return deployment.entrypoint;
}

/**
 * Listens to the worker that started this process, when it asked to: a closed pipe (the worker
 * is gone) stops the run as a SIGTERM does; a cancellation lets the next signal record nothing.
 */
function followWorker(ctx: CliContext): { cancelling: () => boolean } {
  let cancelling = false;
  listenToWorker(process.stdin, {
    cancel: () => (cancelling = true),
    handBack: () => {
      ctx.note('the worker hands this run back to the server: stopping without recording anything');
      process.exit(EXIT_HANDED_BACK);
    },
    gone: () => {
      ctx.note('the worker that started this process is gone: stopping');
      process.kill(process.pid, 'SIGTERM');
    },
  });
  return { cancelling: () => cancelling };
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
  const worker = flag(args, 'from-worker') ? followWorker(ctx) : null;
  const { createApiClient } = await import('../../core/api/client.js');
  const client = createApiClient({ baseUrl: server.apiUrl, apiKey: ctx.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: 30_000 });
  const flowRun = await findFlowRun(await ctx.runs(), args.positionals[0]);
  if (!STARTABLE.has(flowRun.state.type)) {
    throw new UsageError(`flow run '${flowRun.name}' is ${flowRun.state.name}; only a Scheduled or Pending run can be executed`);
  }
  const due = flowRun.state.type === 'SCHEDULED' ? (flowRun.state.scheduledTime ?? null) : null;
  if (due !== null && due > Date.now()) {
    ctx.note(`flow run '${flowRun.name}' is scheduled for ${new Date(due).toISOString()}; it starts then`);
  }
  const entrypoint = splitEntrypoint(await deploymentEntrypoint(client, flowRun));
  const given = stringOption(args, 'file');
  if (given !== undefined && given.trim() === '') throw new UsageError('--file needs the path of the flow file');
  const progress = await prepareEngine(ctx);
  let flow;
  let reuse;
  try {
    ({ flow } = await loadFlowExport(given ?? entrypoint.file, ctx.cwd, ctx.home, entrypoint.exportName));
    // A run retried after it ended runs as that retry's attempt.
    reuse = await retryReuse(flowRun.id, await client.listFlowRunStates({ params: { id: flowRun.id } }), (text) => ctx.note(text));
  } catch (error) {
    progress.finish();
    throw error;
  }
  const request = { flowRunId: flowRun.id, flowRunName: flowRun.name, ...(reuse ? { reuse } : {}) };
  return executeFlow(ctx, progress, flow, flowRun.parameters, request, flag(args, 'json'), {
    endsOnItsOwn: () => worker?.cancelling() ?? false,
  });
};
