import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { FlowFileDescriptionSchema, type DebugRun, type FlowFileDescription } from '../../../core/api/index.js';
import { DeploymentSchema, type Deployment } from '../../../core/api/deployments.js';
import type { Schedule } from '../../../core/schedules/model.js';
import { newId } from '../../../core/index.js';
import { cliFailureMessage } from '../../flow-files/cli-message.js';
import { rerunSource } from '../../flow-files/rerun-source.js';
import { checkRerunRequest, RerunRefusal } from '../../runs/rerun-request.js';
import { retryFlowRun, retryRefusal } from '../../runs/retry-flow-run.js';
import { retryMessage } from '../../../core/reuse.js';
import { StoppingError, type StartedRun } from '../../flow-files/flow-processes.js';
import { shownPath } from '../../workspace/workspace-paths.js';
import type { Workspace } from '../../workspace/workspace.js';
import { HttpError, notFound } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';
import { requireWorkspace } from './workspace.js';

/** Loading a flow file takes well under a second; this much means its top-level code is stuck. */
const DESCRIBE_TIMEOUT_MS = 30_000;
/** A deploy loads the file, bundles it with its local imports and sends both: a load and a little more. */
const DEPLOY_TIMEOUT_MS = 60_000;
/** How long a new flow process may take to create its run before it is given up on. */
const RUN_START_TIMEOUT_MS = 30_000;
const START_POLL_MS = 20;
/** Edited inputs go to the flow process on its command line, which holds about 128 KB per argument. */
const MAX_RERUN_INPUTS = 100 * 1024;
/** Exit codes of `flowdeck` that say the server, not the flow file, is at fault. */
const SERVER_EXIT_CODES = new Set([3, 70]);

function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** `flowdeck deploy`'s options for one schedule: a cron, an interval or an RRULE, with its time zone. */
function scheduleArgs(schedule: Schedule): string[] {
  const zone = schedule.timezone ? [`--timezone=${schedule.timezone}`] : [];
  if ('cron' in schedule) return [`--cron=${schedule.cron}`, ...zone];
  if ('interval' in schedule) return [`--interval=${String(schedule.interval)}`, ...zone];
  return [`--rrule=${schedule.rrule}`, ...zone];
}

/** Why a schedule cannot be given to `flowdeck deploy` on its command line, or null when it can. */
function scheduleRefusal(schedule: Schedule): string | null {
  const extra = (['anchorDate', 'dayOr', 'active', 'parameters'] as const).filter((key) => key in schedule);
  return extra.length > 0 ? `schedule: ${extra.join(', ')} cannot be set here; deploy from flowdeck.yaml for that` : null;
}

/** The deployment `flowdeck deploy --json` printed last: one, or the first of several. */
function printedDeployment(stdout: string): Deployment | null {
  const printed = lastJsonLine(stdout);
  const parsed = DeploymentSchema.safeParse(Array.isArray(printed) ? printed[0] : printed);
  return parsed.success ? parsed.data : null;
}

function roots(workspace: Workspace): string[] {
  return [...new Set([workspace.realRoot, workspace.root])];
}

/** Runs the flow files of the workspace, each in a `flowdeck` process of its own, since loading one runs its code. */
export async function flowFileRoutes(api: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, flowProcesses } = deps;

  function refuseStopping(error: unknown): never {
    if (error instanceof StoppingError) throw new HttpError(409, error.message);
    throw error;
  }

  addRoute(api, 'describeFlowFile', async ({ body }): Promise<FlowFileDescription> => {
    const workspace = requireWorkspace(deps.workspace);
    const file = workspace.flowFile(body.path);
    const outcome = await flowProcesses.runCli(['flow', 'describe', file, '--json'], workspace.realRoot, DESCRIBE_TIMEOUT_MS).catch(refuseStopping);
    if (outcome.timedOut) {
      throw new HttpError(
        400,
        `loading ${shownPath(body.path)} took longer than ${DESCRIBE_TIMEOUT_MS / 1000} s; does its top-level code wait for something?`,
      );
    }
    if (outcome.code !== 0) {
      const message = cliFailureMessage(outcome.stderr, roots(workspace));
      throw new HttpError(
        400,
        message ??
          `loading ${shownPath(body.path)} ended its process (exit code ${outcome.code ?? outcome.signal}) before it said what the file holds`,
      );
    }
    const parsed = FlowFileDescriptionSchema.safeParse(lastJsonLine(outcome.stdout));
    if (!parsed.success) throw new Error(`flowdeck flow describe printed no description of ${file}: ${outcome.stdout.slice(-500)}`);
    return parsed.data;
  });

  addRoute(api, 'deployFlowFile', async ({ body }): Promise<Deployment> => {
    const workspace = requireWorkspace(deps.workspace);
    const file = workspace.flowFile(body.path);
    const refusal = body.schedule ? scheduleRefusal(body.schedule) : null;
    if (refusal) throw new HttpError(400, refusal);
    // Each value is one argument with its option, so a name that looks like an option is still only a name.
    const args = [
      'deploy',
      body.export === undefined ? file : `${file}:${body.export}`,
      `--name=${body.name}`,
      ...(body.workPool ? [`--pool=${body.workPool}`] : []),
      ...(body.workQueue ? [`--queue=${body.workQueue}`] : []),
      ...(body.schedule ? scheduleArgs(body.schedule) : []),
      ...(body.parameters ? [`--params-json=${JSON.stringify(body.parameters)}`] : []),
      '--json',
    ];
    // The CLI deploys through this server's API, as any client does, so the server's checks and scheduler see it.
    const env = { FLOWDECK_API_URL: deps.selfApiUrl(), ...(deps.apiKey ? { FLOWDECK_API_KEY: deps.apiKey } : {}) };
    const outcome = await flowProcesses.runCli(args, workspace.realRoot, DEPLOY_TIMEOUT_MS, env).catch(refuseStopping);
    if (outcome.timedOut) {
      throw new HttpError(
        400,
        `deploying ${shownPath(body.path)} took longer than ${DEPLOY_TIMEOUT_MS / 1000} s; does its top-level code wait for something?`,
      );
    }
    if (outcome.code !== 0) {
      const message = cliFailureMessage(outcome.stderr, roots(workspace));
      const status = outcome.code !== null && SERVER_EXIT_CODES.has(outcome.code) ? 500 : 400;
      throw new HttpError(
        status,
        message ?? `deploying ${shownPath(body.path)} ended its process (exit code ${outcome.code ?? outcome.signal}) before it said why`,
      );
    }
    const deployment = printedDeployment(outcome.stdout);
    if (!deployment) throw new Error(`flowdeck deploy printed no deployment for ${file}: ${outcome.stdout.slice(-500)}`);
    return deployment;
  });

  /** Waits until the run exists (the answer), or the process ends first (its error), or gives up. */
  async function untilCreated(run: StartedRun, flowRunId: string, path: string, workspace: Workspace): Promise<void> {
    const deadline = Date.now() + RUN_START_TIMEOUT_MS;
    for (;;) {
      if (await store.hasFlowRun(flowRunId)) return;
      const exit = run.exit;
      if (exit !== null) {
        if (await store.hasFlowRun(flowRunId)) return;
        const message = cliFailureMessage(readLog(run.logPath), roots(workspace));
        const status = exit.code !== null && SERVER_EXIT_CODES.has(exit.code) ? 500 : 400;
        throw new HttpError(
          status,
          message ??
            `the flow process for ${shownPath(path)} ended (exit code ${exit.code ?? exit.signal}) before its run began; its output is in ${run.logPath}`,
        );
      }
      if (Date.now() > deadline) {
        run.kill('SIGKILL');
        throw new HttpError(
          400,
          `${shownPath(path)} did not start a run within ${RUN_START_TIMEOUT_MS / 1000} s, so its process was stopped; does its top-level code wait for something? Its output is in ${run.logPath}`,
        );
      }
      await sleep(START_POLL_MS);
    }
  }

  /** Waits until a rerun's process has taken the run out of its final state, or says why it could not. */
  async function untilRerun(run: StartedRun, flowRunId: string, before: string, workspace: Workspace): Promise<void> {
    const deadline = Date.now() + RUN_START_TIMEOUT_MS;
    const moved = async () => {
      const current = (await store.getFlowRun(flowRunId))?.state;
      return current !== undefined && `${current.type}:${current.timestamp}` !== before;
    };
    for (;;) {
      if (await moved()) return;
      const exit = run.exit;
      if (exit !== null) {
        if (await moved()) return;
        const message = cliFailureMessage(readLog(run.logPath), roots(workspace));
        throw new HttpError(
          400,
          message ?? `the flow process ended (exit code ${exit.code ?? exit.signal}) before the run started again; its output is in ${run.logPath}`,
        );
      }
      if (Date.now() > deadline) {
        run.kill('SIGKILL');
        throw new HttpError(
          400,
          `the run did not start again within ${RUN_START_TIMEOUT_MS / 1000} s, so its process was stopped; its output is in ${run.logPath}`,
        );
      }
      await sleep(START_POLL_MS);
    }
  }

  /** A stored run with the workspace file it came from, or 404 / 409 saying why not. */
  async function runFromWorkspace(id: string, workspace: Workspace) {
    const run = await store.getFlowRun(id);
    if (!run) throw notFound('flow run', id);
    const source = rerunSource(run, workspace);
    if (!source.possible) throw new HttpError(409, source.reason);
    return { run, ...source };
  }

  addRoute(api, 'rerunFlowRun', async ({ params, body }) => {
    // A deployment's run goes back to its pool's workers, which run it from its bundle.
    const stored = await store.getFlowRun(params.id);
    if (stored?.deploymentId) {
      const outcome = await retryFlowRun(store, stored.id, retryMessage(body.source ?? 'api', body.all === true ? 'all' : 'reuse'));
      if (!outcome.ok) throw new HttpError(409, outcome.message);
      return { flowRunId: stored.id };
    }
    const workspace = requireWorkspace(deps.workspace);
    const { run, real } = await runFromWorkspace(params.id, workspace);
    const refusal = retryRefusal(run);
    if (refusal !== null) throw new HttpError(409, refusal);
    let started: StartedRun;
    try {
      started = flowProcesses.startRetry({
        flowRunId: run.id,
        file: real,
        cwd: workspace.realRoot,
        apiUrl: deps.selfApiUrl(),
        apiKey: deps.apiKey,
        all: body.all === true,
        source: body.source ?? 'api',
      });
    } catch (error) {
      refuseStopping(error);
    }
    await untilRerun(started, run.id, `${run.state.type}:${run.state.timestamp}`, workspace);
    return { flowRunId: run.id };
  });

  addRoute(api, 'runFlowRunFromTask', async ({ params, body }) => {
    const run = await store.getFlowRun(params.id);
    if (!run) throw notFound('flow run', params.id);
    let chosen;
    try {
      chosen = await checkRerunRequest(run, store, body.task, body.inputs);
    } catch (error) {
      if (error instanceof RerunRefusal) throw new HttpError(error.status, error.message);
      throw error;
    }
    if (body.inputs && JSON.stringify(body.inputs).length > MAX_RERUN_INPUTS) {
      throw new HttpError(422, `the inputs are larger than ${MAX_RERUN_INPUTS / 1024} KB; a run from a task takes smaller edited inputs`);
    }
    if (body.code === 'original' && run.codeRef === null) {
      throw new HttpError(
        409,
        `the code flow run '${run.name}' ran was not kept, so it cannot run again as it was; run it with the file as it is now`,
      );
    }
    const workspace = requireWorkspace(deps.workspace);
    const { real, path } = await runFromWorkspace(run.id, workspace);
    const newFlowRunId = newId();
    let started: StartedRun;
    try {
      started = flowProcesses.startRerun({
        flowRunId: run.id,
        newFlowRunId,
        taskRunId: chosen.id,
        ...(body.inputs ? { inputs: body.inputs } : {}),
        ...(body.reuseChangedCode ? { reuseChangedCode: true } : {}),
        code: body.code,
        file: real,
        cwd: workspace.realRoot,
        apiUrl: deps.selfApiUrl(),
        apiKey: deps.apiKey,
      });
    } catch (error) {
      refuseStopping(error);
    }
    await untilCreated(started, newFlowRunId, path, workspace);
    return { flowRunId: newFlowRunId };
  });

  /** Starts a new run of a workspace file's flow and answers once it exists. */
  async function startFileRun(
    workspace: Workspace,
    path: string,
    flowName: string | undefined,
    parameters: Record<string, unknown>,
    debug?: DebugRun,
  ) {
    const file = workspace.flowFile(path);
    const flowRunId = newId();
    let run: StartedRun;
    try {
      run = flowProcesses.startRun({
        file,
        cwd: workspace.realRoot,
        flowRunId,
        flowName,
        parameters,
        apiUrl: deps.selfApiUrl(),
        apiKey: deps.apiKey,
        ...(debug ? { debug } : {}),
      });
    } catch (error) {
      refuseStopping(error);
    }
    await untilCreated(run, flowRunId, path, workspace);
    return { flowRunId };
  }

  addRoute(api, 'runFlowFile', async ({ body }) =>
    startFileRun(requireWorkspace(deps.workspace), body.path, body.flowName, body.parameters, body.debug),
  );

  addRoute(api, 'runFlowRunAgain', async ({ params, body }) => {
    const workspace = requireWorkspace(deps.workspace);
    const { path, flowName } = await runFromWorkspace(params.id, workspace);
    return startFileRun(workspace, path, flowName, body.parameters);
  });
}
