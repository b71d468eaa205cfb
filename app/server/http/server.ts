import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { resolveFlowdeckHome } from '../../core/index.js';
import { BundleStore, localBundleFolder } from '../bundles/bundle-store.js';
import { FlowProcesses } from '../flow-files/flow-processes.js';
import { flowdeckCliPath } from '../package-root.js';
import { startCrashSweeps } from '../services/crash-sweeps.js';
import { startDeploymentUpkeep } from '../services/deployment-upkeep.js';
import { startScheduler, type Scheduler } from '../services/scheduler.js';
import { logWriteHealth } from '../services/write-health-log.js';
import type { RunStore } from '../store/run-store.js';
import { Workspace, type WorkspaceChange } from '../workspace/workspace.js';
import { allowBrowserOrigins } from './browser-origins.js';
import { requireBearerKey } from './auth.js';
import { errorBody, errorHandler } from './errors.js';
import { EventHub } from './event-hub.js';
import { homePage } from './home-page.js';
import { useJsonBodies } from './json-body.js';
import { guardRequests } from './request-guard.js';
import { openApiDocument, registerOpenApi } from './openapi.js';
import { artifactRoutes } from './routes/artifacts.js';
import { concurrencyLimitRoutes } from './routes/concurrency-limits.js';
import type { RouteDeps } from './routes/deps.js';
import { eventRoutes } from './routes/events.js';
import { flowFileRoutes } from './routes/flow-files.js';
import { flowRunRoutes } from './routes/flow-runs.js';
import { flowRoutes } from './routes/flows.js';
import { healthRoutes } from './routes/health.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { reportRoutes } from './routes/reports.js';
import { runIdRoutes } from './routes/run-ids.js';
import { taskRunRoutes } from './routes/task-runs.js';
import { breakpointRoutes } from './routes/breakpoints.js';
import { bundleRoutes } from './routes/bundles.js';
import { deploymentRoutes } from './routes/deployments.js';
import { workPoolRoutes } from './routes/work-pools.js';
import { variableRoutes } from './routes/variables.js';
import { resultRoutes } from './routes/results.js';
import { ServerResults, serverResultsFolder } from '../results/server-results.js';
import { RESULT_MAX_BYTES } from '../../core/api/results.js';
import { blockRoutes } from './routes/blocks.js';
import { automationRoutes } from './routes/automations.js';
import { startAutomations, type AutomationServiceOptions } from '../services/automation-deliveries.js';
import { Blocks } from '../blocks/blocks.js';
import { EncryptionKeySource } from '../blocks/encryption-key.js';
import { closeUnusedConnectionsWhileClosing } from './unused-connections.js';
import { workspaceRoutes } from './routes/workspace.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4300;
const DEFAULT_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/**
 * Runs report over the network, so the server gives up on a silent one sooner than the local
 * default (30 s). With a beat every second and a sweep every second, a run whose process died is
 * Crashed at most 8 + 1 + 1 = 10 seconds later.
 */
export const SERVER_HEARTBEAT_TIMEOUT_SECONDS = 8;
const DEFAULT_CRASH_SWEEP_INTERVAL_MS = 1000;
const DEFAULT_SCHEDULER_INTERVAL_MS = 5000;
/** Late runs are named, and silent workers' claims given back, within a second. */
const DEFAULT_DEPLOYMENT_UPKEEP_INTERVAL_MS = 1000;
/** A flow run's state reaches its automations' actions within half a second. */
const DEFAULT_AUTOMATION_INTERVAL_MS = 500;

/** Every resource of the API, one plugin each; each owns its routes. */
const RESOURCES: readonly FastifyPluginAsync<RouteDeps>[] = [
  healthRoutes,
  dashboardRoutes,
  flowRoutes,
  flowRunRoutes,
  taskRunRoutes,
  breakpointRoutes,
  runIdRoutes,
  concurrencyLimitRoutes,
  reportRoutes,
  eventRoutes,
  workspaceRoutes,
  flowFileRoutes,
  deploymentRoutes,
  workPoolRoutes,
  bundleRoutes,
  artifactRoutes,
  variableRoutes,
  blockRoutes,
  automationRoutes,
  resultRoutes,
];

export interface ServerOptions {
  /** The caller opens the store and closes it after the server. */
  store: RunStore;
  /** Loopback unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** When set, every /api route requires `Authorization: Bearer <key>` (the WebSocket also takes `?token=<key>`). */
  apiKey?: string;
  bodyLimitBytes?: number;
  /** How often runs whose process went silent are marked Crashed; 0 turns it off. */
  crashSweepIntervalMs?: number;
  /** How often the scheduler makes the runs of schedules ahead (it also does at once after a deploy or resume); 0 turns it off. */
  schedulerIntervalMs?: number;
  /** How often Scheduled runs are named Late and silent workers' claims given back; 0 turns it off. */
  deploymentUpkeepIntervalMs?: number;
  /** How often automations are matched against new flow-run states and their due actions done; 0 turns it off. */
  automationIntervalMs?: number;
  /** How failed automation actions are tried again (waits, attempts, the lease of one under way). */
  automationRetries?: Pick<AutomationServiceOptions, 'firstRetryDelayMs' | 'maxRetryDelayMs' | 'maxAttempts' | 'leaseMs'>;
  /** The largest result `PUT /api/results/:key` takes; 64 MiB by default. */
  resultMaxBytes?: number;
  /** Where deployments' code is kept; `<home>/storage/bundles` by default. */
  bundleFolder?: string;
  /** Told of failures that are the server's own fault; written to stderr by default. */
  onUnexpectedError?: (error: unknown) => void;
  /** Told when the database stops taking writes and when it takes them again; written to stderr by default. */
  onNotice?: (line: string) => void;
  /** A folder of flow files the API may list, read, write and run; none when left out. */
  workspace?: string;
  /** Whether `PUT /api/workspace` may point the server at another folder; fixed by default. */
  workspaceChange?: WorkspaceChange;
  /**
   * Origins of other web UIs that may call this server from a browser (FLOWDECK_SERVER_CORS_ORIGINS);
   * `*` for any. The desktop app's pages may always.
   */
  corsOrigins?: readonly string[];
  /**
   * Names other than loopback and the listen address that clients reach the server by
   * (FLOWDECK_SERVER_ALLOWED_HOSTS), such as a reverse proxy's; requests addressed to any other
   * name are refused.
   */
  allowedHosts?: readonly string[];
  /** Where the key that seals blocks' secret fields comes from; a key file in `home` by default. */
  encryptionKey?: EncryptionKeySource;
  /** FLOWDECK_HOME of the flow processes the server starts (their logs go to its runs/); the usual home by default. */
  home?: string;
}

export interface FlowdeckServer {
  readonly app: FastifyInstance;
  /** Starts listening and resolves to the server's base URL, e.g. `http://127.0.0.1:4300`. */
  listen(): Promise<string>;
  /** The base URL once listening. */
  readonly url: string;
  /** The folder of flow files it serves, null when none. */
  readonly workspace: Workspace | null;
  /**
   * The live event stream: how many sockets follow it, how many of those are still being sent
   * what they missed, and whether its poller is running.
   */
  readonly events: { readonly subscribers: number; readonly catchingUp: number; readonly polling: boolean };
  /** Stops accepting, lets requests in flight finish, stops the sweeps and flushes the store. */
  close(): Promise<void>;
}

function logToStderr(error: unknown): void {
  process.stderr.write(`flowdeck server: ${(error as Error)?.stack ?? String(error)}\n`);
}

function noticeToStderr(line: string): void {
  process.stderr.write(`flowdeck server: ${line}\n`);
}

/** The API base of a listening server as a process on the same machine reaches it. */
function selfApiUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo | null;
  if (!address) throw new Error('the server is not listening yet');
  const host =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '[::1]'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;
  return `http://${host}:${address.port}/api`;
}

/** The REST API over the store, the API document, and a placeholder page at `/`. */
export async function createServer(options: ServerOptions): Promise<FlowdeckServer> {
  const { store } = options;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const onUnexpectedError = options.onUnexpectedError ?? logToStderr;
  const apiKey = options.apiKey ? options.apiKey : undefined;
  const app = Fastify({
    logger: false,
    bodyLimit,
    // Ids may be long; longer than this the route would not match at all and answer a vague 404.
    routerOptions: { maxParamLength: 1024 },
    // Said in our own words below, as every other refusal is.
    return503OnClosing: false,
  });
  // At the root and first, so every upgrade request goes through the router and its hooks (auth,
  // 404) and open sockets are closed when the server closes; its own hook marks upgrade requests,
  // so that a socket refused by any later hook is closed with the answer.
  await app.register(fastifyWebsocket);
  const unused = closeUnusedConnectionsWhileClosing(app.server);
  let closing = false;
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      return reply.code(503).header('connection', 'close').send(errorBody(503, 'the server is shutting down; try again once it is back'));
    }
  });
  guardRequests(app, { listenHost: options.host ?? DEFAULT_HOST, allowedHosts: options.allowedHosts, corsOrigins: options.corsOrigins });
  allowBrowserOrigins(app, options.corsOrigins);
  useJsonBodies(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler(bodyLimit, onUnexpectedError));
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(404, `nothing at ${request.method} ${request.url.split('?')[0]}`)));

  await registerOpenApi(app, { apiKey: apiKey !== undefined });
  await app.register(homePage);
  const events = new EventHub(store, { onError: onUnexpectedError });
  const home = options.home ?? resolveFlowdeckHome(process.env, homedir());
  const workspace = options.workspace === undefined ? null : new Workspace(options.workspace, { home, change: options.workspaceChange });
  const flowProcesses = new FlowProcesses({ cliPath: flowdeckCliPath(), home });
  const closingSignal = new AbortController();
  let scheduler: Scheduler | null = null;
  const blocks = new Blocks(store, options.encryptionKey ?? new EncryptionKeySource({ setting: null, home }));
  const deps: RouteDeps = {
    store,
    onUnexpectedError,
    events,
    workspace,
    flowProcesses,
    selfApiUrl: () => selfApiUrl(app),
    apiKey,
    blocks,
    results: new ServerResults(serverResultsFolder(home)),
    resultMaxBytes: options.resultMaxBytes ?? RESULT_MAX_BYTES,
    bundles: new BundleStore(options.bundleFolder ?? localBundleFolder(home)),
    schedulesChanged: () => scheduler?.poke(),
    closing: closingSignal.signal,
  };
  await app.register(
    async (api) => {
      if (apiKey !== undefined) api.addHook('onRequest', requireBearerKey(apiKey));
      api.setNotFoundHandler((request, reply) =>
        reply.code(404).send(errorBody(404, `no API route ${request.method} ${request.url.split('?')[0]}; see /api/openapi.json`)),
      );
      await api.register(openApiDocument);
      for (const resource of RESOURCES) await api.register(resource, deps);
    },
    { prefix: '/api' },
  );

  const stopWriteLog = logWriteHealth(store, options.onNotice ?? noticeToStderr);
  let url = '';
  let stopSweeps: (() => void) | null = null;
  let stopUpkeep: (() => Promise<void>) | null = null;
  let stopAutomations: (() => Promise<void>) | null = null;
  let closed: Promise<void> | null = null;
  return {
    app,
    get url() {
      return url;
    },
    workspace,
    events: {
      get subscribers() {
        return events.subscriberCount;
      },
      get catchingUp() {
        return events.catchingUpCount;
      },
      get polling() {
        return events.isPolling;
      },
    },
    async listen() {
      url = await app.listen({ host: options.host ?? DEFAULT_HOST, port: options.port ?? DEFAULT_PORT });
      const interval = options.crashSweepIntervalMs ?? DEFAULT_CRASH_SWEEP_INTERVAL_MS;
      if (interval > 0) stopSweeps = startCrashSweeps(store, interval, onUnexpectedError);
      const schedulerInterval = options.schedulerIntervalMs ?? DEFAULT_SCHEDULER_INTERVAL_MS;
      if (schedulerInterval > 0) scheduler = startScheduler(store, schedulerInterval, onUnexpectedError);
      const upkeepInterval = options.deploymentUpkeepIntervalMs ?? DEFAULT_DEPLOYMENT_UPKEEP_INTERVAL_MS;
      if (upkeepInterval > 0) stopUpkeep = startDeploymentUpkeep(store, upkeepInterval, onUnexpectedError);
      const automationInterval = options.automationIntervalMs ?? DEFAULT_AUTOMATION_INTERVAL_MS;
      if (automationInterval > 0) {
        const base = url;
        stopAutomations = startAutomations(store, blocks, {
          ...options.automationRetries,
          intervalMs: automationInterval,
          runPageUrl: (flowRunId) => `${base}/#/runs/${encodeURIComponent(flowRunId)}`,
          onError: onUnexpectedError,
        });
      }
      return url;
    },
    close() {
      closed ??= (async () => {
        // Flow processes are stopped first, while the server still takes the Crashed states they report.
        await flowProcesses.stopAll();
        closing = true;
        // Claims waiting for runs answer with none now, rather than hold the close up.
        closingSignal.abort();
        stopSweeps?.();
        stopSweeps = null;
        await Promise.all([scheduler?.stop(), stopUpkeep?.(), stopAutomations?.()]);
        scheduler = null;
        stopUpkeep = null;
        stopAutomations = null;
        const closingApp = app.close();
        const stopClosingUnused = unused.closing();
        try {
          await closingApp;
        } finally {
          stopClosingUnused();
        }
        events.close();
        await store.flush();
        stopWriteLog();
      })();
      return closed;
    },
  };
}
