import { isAbsolute, resolve } from 'node:path';
import {
  chooseWorkspace,
  createServer,
  DEFAULT_HOST,
  DEFAULT_PORT,
  describeWorkspace,
  EncryptionKeySource,
  openStore,
  SERVER_HEARTBEAT_TIMEOUT_SECONDS,
  WorkspaceChoiceError,
  type ChosenWorkspace,
  type FlowdeckServer,
  type WorkspaceChange,
} from '../../server/index.js';
import { hostNameList, originList, parseHostNames, SettingValueError } from '../../core/index.js';
import type { CommandRun } from '../command.js';
import { flag, parseWholeNumber, stringListOption, stringOption } from '../command-helpers.js';
import type { CliContext } from '../context.js';
import { EXIT_OK, UsageError } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function databasePath(raw: string | undefined, ctx: CliContext): string {
  if (raw === undefined) return ctx.databasePath;
  if (/^postgres(ql)?:\/\//i.test(raw.trim())) {
    throw new UsageError(
      'PostgreSQL support is not available yet; give --database the path of a SQLite file (the default is $FLOWDECK_HOME/flowdeck.db)',
    );
  }
  if (raw.trim() === '') throw new UsageError('--database needs the path of a SQLite file');
  return isAbsolute(raw) ? raw : resolve(ctx.cwd, raw);
}

/** The folder of flow files the server may read, write and run: --workspace, FLOWDECK_WORKSPACE, the last one opened, or FLOWDECK_HOME's own. */
function workspaceFolder(raw: string | undefined, ctx: CliContext): ChosenWorkspace {
  try {
    return chooseWorkspace({ given: raw, setting: ctx.settings.FLOWDECK_WORKSPACE, home: ctx.home, cwd: ctx.cwd });
  } catch (error) {
    if (error instanceof WorkspaceChoiceError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Whether the web UI may point the server at another folder: yes for a server of this machine
 * alone; a shared one (a key, other names or origins, another address) only when told to.
 */
function workspaceChange(allow: boolean, shared: { apiKey?: string; host: string; allowedHosts: string[]; corsOrigins: string[] }): WorkspaceChange {
  const told = 'start it with --allow-workspace-change to allow it';
  if (allow) return { allowed: true };
  if (shared.apiKey) return { allowed: false, because: `this server requires an API key, so it may be shared; ${told}` };
  if (!LOOPBACK.has(shared.host)) return { allowed: false, because: `this server listens on ${shared.host}, beyond this machine; ${told}` };
  if (shared.allowedHosts.length > 0) return { allowed: false, because: `this server is reached by other host names; ${told}` };
  if (shared.corsOrigins.length > 0) return { allowed: false, because: `pages of other origins may use this server; ${told}` };
  return { allowed: true };
}

/** The names given with --allowed-host, with those of FLOWDECK_SERVER_ALLOWED_HOSTS. */
function allowedHostNames(given: readonly string[], setting: string | null): string[] {
  const names = hostNameList(setting);
  for (const raw of given) {
    try {
      names.push(...hostNameList(parseHostNames(raw)));
    } catch (error) {
      if (error instanceof SettingValueError) throw new UsageError(`--allowed-host ${error.message}`);
      throw error;
    }
  }
  return [...new Set(names)];
}

/** Listening failures a person can fix, said in one line. */
function listenProblem(error: unknown, host: string, port: number): UsageError | null {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new UsageError(`port ${port} on ${host} is already in use; pick another with --port`);
  if (code === 'EACCES') return new UsageError(`not allowed to listen on port ${port}; pick one above 1023 with --port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UsageError(`cannot listen on host '${host}' (${code}); give --host an address of this machine, such as 127.0.0.1`);
  }
  return null;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveSignal(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `flowdeck server start`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const host = (stringOption(args, 'host') ?? DEFAULT_HOST).trim();
  if (host === '') throw new UsageError('--host needs an address, such as 127.0.0.1 or 0.0.0.0');
  const rawPort = stringOption(args, 'port');
  const port = rawPort === undefined ? DEFAULT_PORT : parseWholeNumber(rawPort, '--port', 0, 65_535);
  const database = databasePath(stringOption(args, 'database'), ctx);
  const settings = ctx.settings;
  const apiKey = settings.FLOWDECK_SERVER_API_KEY ?? undefined;
  const corsOrigins = originList(settings.FLOWDECK_SERVER_CORS_ORIGINS);
  const allowedHosts = allowedHostNames(stringListOption(args, 'allowed-host'), settings.FLOWDECK_SERVER_ALLOWED_HOSTS);
  // The server's own, shorter default, unless the environment or profile sets one.
  const timeoutIsDefault = ctx.loadedSettings.resolved.sources.FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS.kind === 'default';
  const heartbeatTimeoutSeconds = timeoutIsDefault ? SERVER_HEARTBEAT_TIMEOUT_SECONDS : settings.FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS;
  const workspace = workspaceFolder(stringOption(args, 'workspace'), ctx);
  const change = workspaceChange(flag(args, 'allow-workspace-change'), { apiKey, host, allowedHosts, corsOrigins });

  // Listened for from the start, so a signal during startup still ends in a clean stop.
  const stopped = untilSignal();
  const store = await openStore({
    kind: 'sqlite',
    path: database,
    heartbeatTimeoutSeconds,
    silenceFromOpen: true,
    onWarning: (message) => ctx.note(`warning: ${message}`),
  });
  let server: FlowdeckServer;
  let url: string;
  try {
    server = await createServer({
      store,
      host,
      port,
      apiKey,
      corsOrigins,
      allowedHosts,
      workspace: workspace.folder,
      workspaceChange: change,
      home: ctx.home,
      encryptionKey: new EncryptionKeySource({ setting: settings.FLOWDECK_SERVER_ENCRYPTION_KEY, home: ctx.home }),
    });
    url = await server.listen();
  } catch (error) {
    await store.close();
    throw listenProblem(error, host, port) ?? error;
  }
  ctx.print(`Flowdeck server listening on ${url}`);
  ctx.print(`  API:       ${url}/api (described at ${url}/api/openapi.json)`);
  ctx.print(`  database:  ${database}`);
  ctx.print(`  workspace: ${describeWorkspace(workspace)}`);
  ctx.print(`             ${change.allowed ? 'open another folder from the Open dialog of the builder' : 'fixed: the web UI cannot change it'}`);
  for (const note of workspace.notes) ctx.note(`warning: ${note}`);
  ctx.print(`  API key:   ${apiKey ? 'required (FLOWDECK_SERVER_API_KEY)' : 'none; set FLOWDECK_SERVER_API_KEY to require one'}`);
  if (allowedHosts.length > 0)
    ctx.print(
      `  host names: ${allowedHosts.join(', ')} besides ${LOOPBACK.has(host) ? 'loopback' : `loopback and ${host}`} (FLOWDECK_SERVER_ALLOWED_HOSTS)`,
    );
  if (corsOrigins.length > 0) ctx.print(`  browsers:  pages from ${corsOrigins.join(', ')} may use it too (FLOWDECK_SERVER_CORS_ORIGINS)`);
  if (!apiKey && corsOrigins.length > 0) {
    ctx.note('warning: other web pages may use this server without an API key; set FLOWDECK_SERVER_API_KEY');
  }
  if (!apiKey && !LOOPBACK.has(host)) {
    ctx.note(`warning: listening on ${host} without an API key; anyone who can reach this port can read and change runs`);
  }
  ctx.print('Stop with Ctrl+C.');

  const signal = await stopped;
  ctx.note(`${signal}: finishing requests in flight and closing the database...`);
  await server.close();
  await store.close();
  ctx.note('Flowdeck server stopped.');
  return EXIT_OK;
};
