// What the worker tests share: a real `flowdeck server start` on loopback, projects deployed with
// `flowdeck deploy` from flowdeck.yaml, and `flowdeck worker start` processes, each with its own
// FLOWDECK_HOME; every process is killed and every folder removed after each test.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { createApiClient, type ApiClient } from '../../app/core/api/client.js';
import type { FlowRun, StateType } from '../../app/core/index.js';
import { isTerminal } from '../../app/core/state-model.js';
import { killStrayProcesses, runCli, showOutput, spawnCli, waitUntil, type CliProcess } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

const PROJECT_FIXTURE = fileURLToPath(new URL('../fixtures/worker-project/', import.meta.url));

/** Quick heartbeats and cancellations; nothing here measures them. */
export const FAST_ENV = { FLOWDECK_HEARTBEAT_SECONDS: '0.2', FLOWDECK_CANCEL_GRACE_SECONDS: '2' };

const folders: string[] = [];

/** A temporary folder removed after the test. */
export function tempFolder(prefix = 'flowdeck-worker-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** A fresh FLOWDECK_HOME removed after the test. */
export function tempHome(): string {
  const { home } = makeTempHome();
  folders.push(home);
  return home;
}

/**
 * Flow processes a worker started live in process groups of their own, so they outlive a worker
 * killed by a test; one whose flow holds its thread never notices its worker is gone. Found by
 * their working folder or FLOWDECK_HOME in a test's folders (Linux's /proc), and killed.
 */
function killFlowProcessesIn(roots: readonly string[]): void {
  if (roots.length === 0 || !existsSync('/proc')) return;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const inside = roots.some((root) => cwd === root || cwd.startsWith(`${root}/`) || environ.includes(`FLOWDECK_HOME=${root}`));
      if (inside) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already, or not ours to read.
    }
  }
}

afterEach(async () => {
  await killStrayProcesses();
  killFlowProcessesIn(folders);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

export interface TestServer {
  proc: CliProcess;
  home: string;
  port: number;
  api: string;
  client: ApiClient;
  dbPath: string;
  /** Stops it with SIGTERM, as Ctrl+C would, and waits for it to exit. */
  stop(): Promise<void>;
}

/** `flowdeck server start` on loopback with its own FLOWDECK_HOME (or the one given, for a restart). */
export async function startServer(options: { home?: string; port?: number } = {}): Promise<TestServer> {
  const home = options.home ?? tempHome();
  const proc = spawnCli(['server', 'start', '--port', String(options.port ?? 0)], { home, env: FAST_ENV });
  await proc.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.stdout)![1]);
  const api = `http://127.0.0.1:${port}/api`;
  return {
    proc,
    home,
    port,
    api,
    client: createApiClient({ baseUrl: api }),
    dbPath: join(home, 'flowdeck.db'),
    stop: async () => {
      proc.kill('SIGTERM');
      const ended = await proc.wait();
      expect(ended.code, showOutput(ended)).toBe(0);
    },
  };
}

/** A copy of the fixture project (flows/ and its local module) with the given flowdeck.yaml. */
export function writeProject(yaml: string): string {
  const folder = tempFolder('flowdeck-project-');
  cpSync(join(PROJECT_FIXTURE, 'flows'), join(folder, 'flows'), { recursive: true });
  writeFileSync(join(folder, 'flowdeck.yaml'), yaml);
  return folder;
}

/** `flowdeck deploy` in the project folder, from a home of its own; fails the test when it fails. */
export async function deploy(server: TestServer, project: string, names: readonly string[] = ['--all']): Promise<void> {
  const done = await runCli(['deploy', ...names], { home: tempHome(), cwd: project, env: { FLOWDECK_API_URL: server.api } });
  expect(done.code, showOutput(done)).toBe(0);
}

/** One line of `worker start --json`. */
export interface WorkerEvent {
  event: 'started' | 'ended';
  flowRunId: string;
  flowRunName: string;
  deployment: string;
  pid?: number | null;
  logPath?: string;
  outcome?: string;
}

export interface TestWorker {
  proc: CliProcess;
  home: string;
  events(): WorkerEvent[];
  /** Waits until it has registered and is taking runs. */
  ready(): Promise<void>;
  /** Waits for the line saying it started this run, and answers it. */
  started(flowRunId: string): Promise<WorkerEvent>;
}

/** `flowdeck worker start --pool POOL --json` with its own FLOWDECK_HOME (and working folder, when given). */
export function startWorker(server: TestServer, args: readonly string[] = [], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const home = tempHome();
  const proc = spawnCli(['worker', 'start', '--pool', 'local', '--json', ...args], {
    home,
    cwd: options.cwd ?? tempFolder('flowdeck-worker-cwd-'),
    env: { ...FAST_ENV, FLOWDECK_API_URL: server.api, ...options.env },
  });
  const events = () =>
    proc.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as WorkerEvent);
  const worker: TestWorker = {
    proc,
    home,
    events,
    ready: () => proc.waitForOutput('takes runs of pool', 'stderr'),
    started: (flowRunId) =>
      waitUntil(() => events().find((e) => e.event === 'started' && e.flowRunId === flowRunId) ?? (proc.done ? failExit(proc) : null), {
        what: `worker to start run ${flowRunId}`,
      }),
  };
  return worker;
}

function failExit(proc: CliProcess): never {
  throw new Error(`the worker exited\n--- stdout\n${proc.stdout}\n--- stderr\n${proc.stderr}`);
}

/** The pool the projects deploy to; created through the API as `flowdeck work-pool create` would. */
export async function createPool(
  server: TestServer,
  jobTemplate: { command?: string[]; workingDir?: string; env?: Record<string, string>; runsPerProcess?: number } = {},
) {
  await server.client.createWorkPool({ body: { name: 'local', jobTemplate } });
}

export async function deploymentId(server: TestServer, flow: string, name: string): Promise<string> {
  return (await server.client.getDeploymentByName({ params: { flow, name } })).id;
}

/** Waits for the run to reach a state of this type (or any final state, with 'final'). */
export async function waitForRun(server: TestServer, id: string, type: StateType | 'final', safetyNetMs = 30_000): Promise<FlowRun> {
  return waitUntil(
    async () => {
      const run = await server.client.getFlowRun({ params: { id } });
      const reached = type === 'final' ? isTerminal(run.state.type) : run.state.type === type;
      return reached ? run : null;
    },
    { what: `flow run ${id} to be ${type}`, safetyNetMs, intervalMs: 100 },
  );
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
