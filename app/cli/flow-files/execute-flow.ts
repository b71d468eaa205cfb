import type { RunReporter } from '../../core/index.js';
import { LOG_LEVELS } from '../../core/log-levels.js';
import {
  configureEngine,
  crashActiveRuns,
  engineSettings,
  maskingReporter,
  maskSecrets,
  maskSecretsDeep,
  previewOf,
  type FlowRunOutcome,
  type FlowRunRequest,
} from '../../engine/hosting.js';
import { CliBlockSource } from '../blocks/cli-block-source.js';
import type { ConnectionEvent, HttpReporter } from '../../engine/reporting/index.js';
import { ParameterValidationError } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { lazyArtifactSink } from '../artifacts/open-artifacts.js';
import { CliDeploymentHost } from '../serving/cli-deployment-host.js';
import { EXIT_OK, EXIT_RUN_FAILED, EXIT_SERVER, UsageError, type ExitCode } from '../errors.js';
import { formatStateName } from '../output/format.js';
import { RunProgress } from '../output/run-progress.js';
import { openVariables } from '../variables/variables-source.js';
import type { AnyFlow } from './load-flow-file.js';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** How long a stopped process waits for the server to take its Crashed states before it leaves them in the outbox. */
const STOP_DELIVERY_MS = 5_000;

function describeConnection(event: ConnectionEvent, apiUrl: string): string {
  switch (event.kind) {
    case 'lost':
      return `lost contact with ${apiUrl} (${event.reason}); the run goes on where it can and its reports wait in ${event.outbox} until the server is back (Ctrl+C leaves them for the next run to deliver)`;
    case 'unstored':
      return `the server at ${apiUrl} cannot store reports now (${event.reason}); the run goes on where it can and its reports wait in ${event.outbox}, sent again until the server stores them (Ctrl+C leaves them for the next run to deliver)`;
    case 'restored':
      return event.after === 'lost'
        ? `reached ${apiUrl} again; delivering the reports that waited`
        : `the server at ${apiUrl} stores reports again; delivering the reports that waited`;
    case 'kept':
      return `the server at ${apiUrl} kept failing to store ${event.operations} operation(s) and ${event.logLines} log line(s) (${event.reason}); they are kept in ${event.outbox} for the next run against this server to deliver`;
    case 'overruled':
      return `the server did not take a start this process had already made (run ${event.runId}: ${event.answer}); the server's record stands`;
    case 'leftovers':
      return `delivering ${event.batches} report${event.batches === 1 ? '' : 's'} that an earlier flow process left undelivered for ${apiUrl}`;
  }
}

/** The local store, or a reporter to the server the settings name. */
async function reporterFor(ctx: CliContext, progress: RunProgress): Promise<RunReporter> {
  const server = ctx.server;
  if (server.kind === 'local') return ctx.openStore();
  // Loaded only for a server: it brings the API client and its schemas.
  const { HttpReporter } = await import('../../engine/reporting/index.js');
  return new HttpReporter({
    apiUrl: server.apiUrl,
    apiKey: ctx.settings.FLOWDECK_API_KEY,
    home: ctx.home,
    onConnection: (event) => progress.note(describeConnection(event, server.apiUrl)),
  });
}

/**
 * Before any flow code runs: the server answers and takes the key, so a wrong URL or key is one
 * clear error rather than a run that waits for a server that will never take it.
 */
export async function checkServer(ctx: CliContext): Promise<void> {
  const server = ctx.server;
  if (server.kind === 'local') return;
  const { createApiClient } = await import('../../core/api/client.js');
  const client = createApiClient({ baseUrl: server.apiUrl, apiKey: ctx.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: 30_000 });
  await client.report({ body: { operations: [], logs: [] } });
}

/**
 * Points the engine at the local store or the configured server, with progress shown on stderr.
 * `deploymentCalls: 'carry-out'` is for a file run for its own sake (`flowdeck run`): its
 * `deploy()` and `serve()` calls register and serve. Otherwise the file is loaded to run one of its
 * runs, and they are not carried out again.
 */
export async function prepareEngine(ctx: CliContext, options: { deploymentCalls?: 'carry-out' | 'skip' } = {}): Promise<RunProgress> {
  const progress = new RunProgress(ctx);
  // Before the reporter: a default result storage that cannot be had stops the run before anything is recorded.
  // Loaded only when it is set: runs without it load no block schemas.
  const results =
    ctx.settings.FLOWDECK_DEFAULT_RESULT_STORAGE === null ? null : await (await import('../results/open-result-stores.js')).openResultStores(ctx);
  // Secrets the run loads are masked in what it records and shows.
  const reporter = maskingReporter(await reporterFor(ctx, progress));
  configureEngine({
    reporter,
    home: ctx.home,
    consoleSink: (line, runName) => progress.logLine({ ...line, message: maskSecrets(line.message) }, runName),
    onEvent: (event) => progress.event(maskSecretsDeep(event)),
    logLevel: LOG_LEVELS[ctx.settings.FLOWDECK_LOGGING_LEVEL],
    heartbeatSeconds: ctx.settings.FLOWDECK_HEARTBEAT_SECONDS,
    cancelGraceSeconds: ctx.settings.FLOWDECK_CANCEL_GRACE_SECONDS,
    deploymentHost: new CliDeploymentHost(ctx, options.deploymentCalls === 'carry-out'),
    artifacts: lazyArtifactSink(ctx, () => reporter.flush()),
    variables: await openVariables(ctx),
    blocks: new CliBlockSource(ctx),
    results,
  });
  return progress;
}

export interface ExecuteOptions {
  /**
   * Asked on a SIGINT or SIGTERM before anything is recorded: true when the run ends on its own
   * (it is being cancelled), so the signal records nothing and a second one ends the process.
   */
  endsOnItsOwn?: (signal: NodeJS.Signals) => boolean;
  /** The caller made checkServer's check already (a worker's spare, before its run came). */
  serverChecked?: boolean;
  /**
   * Other runs go on in this process (a worker's shared process): signals are the process's to
   * handle, and the reporter stays open for them.
   */
  sharedProcess?: boolean;
  /** Told the run's final state once the server has stored it. */
  onEnded?: (state: { type: string; name: string }) => void;
}

/**
 * Runs a flow in this process until its final state, prints the outcome and returns the exit
 * code. A SIGINT or SIGTERM records the unfinished runs as Crashed before the process ends.
 */
export async function executeFlow(
  ctx: CliContext,
  progress: RunProgress,
  flow: AnyFlow,
  params: Record<string, unknown>,
  request: FlowRunRequest,
  json: boolean,
  options: ExecuteOptions = {},
): Promise<ExitCode> {
  const reporter = engineSettings().reporter!;
  // prepareEngine gave the engine an HttpReporter exactly when the settings name a server.
  const http = ctx.server.kind === 'remote' ? (reporter as HttpReporter) : null;
  try {
    if (!options.serverChecked) await checkServer(ctx);
  } catch (error) {
    progress.finish();
    throw error;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (options.endsOnItsOwn?.(signal)) {
      ctx.note(`received ${signal} while the run is being cancelled: it ends Cancelled on its own`);
      return;
    }
    ctx.note(`received ${signal}: recording unfinished runs as Crashed`);
    crashRunsAndExit(ctx, progress, `the flow process received ${signal}`, SIGNAL_EXIT[signal] ?? 1);
  };
  const watchSignals = !options.sharedProcess;
  if (watchSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  let outcome: FlowRunOutcome;
  try {
    outcome = await flow.run(params, request);
  } catch (error) {
    progress.finish();
    if (error instanceof ParameterValidationError) throw new UsageError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // Everything the run reported is stored before its outcome is printed.
  if (http && !options.sharedProcess) await http.close();
  else await reporter.flush();
  // The task-run summary counts the whole process's task runs: for one run only.
  options.onEnded?.(outcome.state);
  const summary = options.sharedProcess ? null : progress.finish();
  if (summary) ctx.note(ctx.colors.gray(summary));
  printOutcome(ctx, outcome, json);
  const undelivered = http?.undelivered() ?? null;
  if (http && undelivered) {
    // The server's record of the run is incomplete: whatever the run's own outcome, that is no success.
    ctx.note(
      `${ctx.colors.red('error:')} the server at ${http.target} did not store ${undelivered.operations} operation(s) and ${undelivered.logLines} log line(s) of this run; ` +
        `they are kept in ${undelivered.outbox} and delivered by the next 'flowdeck run' against this server`,
    );
    return EXIT_SERVER;
  }
  return outcome.state.type === 'COMPLETED' ? EXIT_OK : EXIT_RUN_FAILED;
}

/** Records every run still going in this process Crashed (for a while at most), then ends the process. */
export function crashRunsAndExit(ctx: CliContext, progress: RunProgress, why: string, exitCode: number): void {
  progress.finish();
  const reporter = engineSettings().reporter;
  const http = ctx.server.kind === 'remote' ? (reporter as HttpReporter) : null;
  const recorded = crashActiveRuns(why);
  const waited = http ? Promise.race([recorded, delay(STOP_DELIVERY_MS)]) : recorded;
  void waited
    .finally(() => {
      const kept = http ? http.abandon() : null;
      if (kept) ctx.note(`the server did not take every report in time; they are kept in ${kept} and delivered by the next run`);
    })
    .finally(() => process.exit(exitCode));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function printOutcome(ctx: CliContext, outcome: FlowRunOutcome, json: boolean): void {
  const { state } = outcome;
  if (json) {
    ctx.printJson({
      flowRunId: outcome.flowRunId,
      state: { type: state.type, name: state.name },
      result: outcome.ok ? (JSON.parse(maskSecrets(previewOf(outcome.result ?? null, Number.MAX_SAFE_INTEGER))) as unknown) : null,
      ...(outcome.ok ? {} : { error: maskSecrets(state.message ?? errorText(outcome.error)) }),
    });
    return;
  }
  const c = ctx.colors;
  ctx.print(`${c.bold('Flow run')}  ${outcome.flowRunName} ${c.gray(outcome.flowRunId)}`);
  ctx.print(`${c.bold('State')}     ${formatStateName(state, c)}`);
  if (outcome.ok) ctx.print(`${c.bold('Result')}    ${maskSecrets(previewOf(outcome.result ?? null, 500))}`);
  else if (outcome.error !== undefined) ctx.print(`${c.bold('Error')}     ${maskSecrets(errorText(outcome.error))}`);
}
