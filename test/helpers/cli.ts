// Runs the real `flowdeck` command (bin/flowdeck.js, which runs the compiled dist/) as a child
// process, the way a person or a script would, and reads what it recorded in the store.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FlowRun, State, StoredLog, TaskRun } from '../../app/core/index.js';
import { openTestStore } from './store-factory.js';
import { afterEach, beforeEach } from 'vitest';
import { makeTempHome } from './temp-home.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_PATH = fileURLToPath(new URL('../../bin/flowdeck.js', import.meta.url));
export const EXAMPLES_DIR = fileURLToPath(new URL('../../resources/examples/', import.meta.url));
export const FLOW_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/flows/', import.meta.url));

export function example(name: string): string {
  return `${EXAMPLES_DIR}${name}.ts`;
}

export function fixtureFlow(name: string): string {
  return `${FLOW_FIXTURES_DIR}${name}.ts`;
}

export interface CliOptions {
  /** FLOWDECK_HOME for the child. */
  home: string;
  /** Working directory; the repository root unless given. */
  cwd?: string;
  /** Extra environment, e.g. FLOWDECK_HEARTBEAT_SECONDS. */
  env?: Record<string, string>;
  /** Written to the child's stdin, which is then closed; no stdin at all when left out. */
  input?: string;
}

export interface CliResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without any Flowdeck setting, so no test sees a real profile or server. */
function childEnv(options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('FLOWDECK_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FLOWDECK_HOME: options.home, ...options.env };
}

/** A running `flowdeck` process whose output is collected as it comes. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Resolves once the process has exited and its output streams are closed. */
  readonly exited: Promise<CliResult>;
  private result: CliResult | null = null;

  constructor(args: readonly string[], options: CliOptions) {
    this.child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: childEnv(options),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) this.child.stdin!.end(options.input);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.result = { code, signal, stdout: this.stdout, stderr: this.stderr };
        resolve(this.result);
      });
    });
  }

  /** True once the process has exited. */
  get done(): boolean {
    return this.result !== null;
  }

  /**
   * Waits for the exit; fails (and kills the process) if it has not exited within the safety net,
   * which is far beyond what any command here needs and below vitest's own test timeout.
   */
  async wait(safetyNetMs = 45_000): Promise<CliResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(
          new Error(
            `flowdeck ${this.describe()} had not exited after ${safetyNetMs / 1000}s\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
          ),
        );
      }, safetyNetMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until stdout (or stderr) contains the text or matches the pattern. */
  async waitForOutput(pattern: string | RegExp, stream: 'stdout' | 'stderr' = 'stdout', safetyNetMs = 30_000): Promise<void> {
    const matches = () => {
      const text = stream === 'stdout' ? this.stdout : this.stderr;
      return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
    };
    await waitUntil(() => matches() || this.done, { what: `${stream} of flowdeck ${this.describe()} to show ${pattern}`, safetyNetMs });
    if (!matches()) {
      throw new Error(
        `flowdeck ${this.describe()} exited before its ${stream} showed ${pattern}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
      );
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.done && this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private describe(): string {
    return this.child.spawnargs.slice(2).join(' ');
  }
}

const running = new Set<CliProcess>();

/** Starts `flowdeck ARGS...` without waiting for it. */
export function spawnCli(args: readonly string[], options: CliOptions): CliProcess {
  const proc = new CliProcess(args, options);
  running.add(proc);
  void proc.exited.finally(() => running.delete(proc)).catch(() => {});
  return proc;
}

/** Runs `flowdeck ARGS...` to its end. */
export function runCli(args: readonly string[], options: CliOptions, safetyNetMs = 45_000): Promise<CliResult> {
  return spawnCli(args, options).wait(safetyNetMs);
}

/** Kills every CLI process a test started and left running (call it in afterEach). */
export async function killStrayProcesses(): Promise<void> {
  const left = [...running];
  for (const proc of left) proc.kill('SIGKILL');
  await Promise.allSettled(left.map((proc) => proc.exited));
}

/** What `flowdeck run --json` prints as its last stdout line. */
export interface RunJson {
  flowRunId: string;
  state: { type: string; name: string };
  result: unknown;
  error?: string;
}

/** The last non-empty stdout line, parsed as JSON. */
export function lastJsonLine<T = RunJson>(stdout: string): T {
  const lines = stdout
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '');
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error('no output on stdout');
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`the last stdout line is not JSON: ${last}\n--- stdout\n${stdout}`);
  }
}

/** Output of a CLI result, for assertion messages. */
export function showOutput(result: Pick<CliResult, 'code' | 'stdout' | 'stderr'>): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** Polls until the probe returns something truthy. The limit is a safety net, never an assertion on speed. */
export async function waitUntil<T>(
  probe: () => T | Promise<T>,
  { what, safetyNetMs = 30_000, intervalMs = 50 }: { what: string; safetyNetMs?: number; intervalMs?: number },
): Promise<NonNullable<T>> {
  const deadline = Date.now() + safetyNetMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${safetyNetMs / 1000}s`);
    await sleep(intervalMs);
  }
}

/** What a test reads from a FLOWDECK_HOME's database. */
export interface StoreReader {
  flowRuns(): Promise<FlowRun[]>;
  flowRun(id: string): Promise<FlowRun | null>;
  taskRuns(flowRunId: string): Promise<TaskRun[]>;
  states(runId: string): Promise<State[]>;
  logs(flowRunId: string): Promise<StoredLog[]>;
}

/**
 * Opens the database just long enough to read it. It does not sweep for crashed runs, so what
 * it sees is what the CLI processes wrote, never something this test process concluded.
 */
export async function readStore<T>(dbPath: string, read: (store: StoreReader) => T | Promise<T>): Promise<T> {
  if (!existsSync(dbPath)) throw new Error(`no database at ${dbPath}`);
  const store = await openTestStore({ path: dbPath, sweepOnOpen: false });
  try {
    return await read({
      flowRuns: () => store.listFlowRuns({ limit: 10_000 }),
      flowRun: (id) => store.getFlowRun(id),
      taskRuns: (flowRunId) => store.listTaskRuns(flowRunId),
      states: (runId) => store.listStates(runId),
      logs: (flowRunId) => store.listLogs(flowRunId, { limit: 100_000 }),
    });
  } finally {
    await store.close();
  }
}

/** How many flow runs the database holds; 0 when there is no database at all. */
export async function countFlowRuns(dbPath: string): Promise<number> {
  if (!existsSync(dbPath)) return 0;
  return readStore(dbPath, async (store) => (await store.flowRuns()).length);
}

/** State names of a history, oldest first. */
export function stateNames(states: readonly State[]): string[] {
  return states.map((state) => state.name);
}

/**
 * The spans during which a run held the RUNNING type: from each RUNNING state to the state that
 * followed it. A concurrency slot is held exactly that long. An unfinished span ends at Infinity.
 */
export function runningSpans(states: readonly State[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  states.forEach((state, i) => {
    if (state.type === 'RUNNING') spans.push({ start: state.timestamp, end: states[i + 1]?.timestamp ?? Infinity });
  });
  return spans;
}

/** The largest number of spans open at one instant (a span ending when another starts does not count). */
export function maxOverlap(spans: readonly { start: number; end: number }[]): number {
  const events = spans.flatMap((s) => [
    { at: s.start, delta: 1 },
    { at: s.end, delta: -1 },
  ]);
  // Ends before starts at the same instant: a slot released and taken in the same millisecond.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const event of events) {
    open += event.delta;
    most = Math.max(most, open);
  }
  return most;
}

/**
 * Waits until the flow run started by `proc` (the only one in the store) has a task run in the
 * RUNNING state and, if `logged` is given, a stored log line starting with it. Log lines are
 * written in small batches, so a test that kills the process and then looks for a line waits
 * for it first.
 */
export async function waitForRunningTask(
  proc: CliProcess,
  dbPath: string,
  options: { logged?: string } = {},
): Promise<{ flowRun: FlowRun; taskRun: TaskRun }> {
  return waitUntil(
    () => {
      if (proc.done) throw new Error(`the flow process ended early\n--- stdout\n${proc.stdout}\n--- stderr\n${proc.stderr}`);
      if (!existsSync(dbPath)) return null;
      return readStore(dbPath, async (store) => {
        const [flowRun] = await store.flowRuns();
        const taskRun = flowRun ? (await store.taskRuns(flowRun.id)).find((t) => t.state.type === 'RUNNING') : undefined;
        if (!flowRun || !taskRun) return null;
        if (options.logged !== undefined && !(await store.logs(flowRun.id)).some((l) => l.message.startsWith(options.logged!))) return null;
        return { flowRun, taskRun };
      });
    },
    { what: `a task run of the flow to be RUNNING${options.logged ? ` and '${options.logged}' to be logged` : ''}` },
  );
}

/**
 * A fresh FLOWDECK_HOME for each test of the file, with every CLI process the test started
 * stopped afterwards. Read `home` and `dbPath` inside tests.
 */
export function useCliHome(): { readonly home: string; readonly dbPath: string } {
  let temp: ReturnType<typeof makeTempHome>;
  beforeEach(() => {
    temp = makeTempHome();
  });
  afterEach(async () => {
    await killStrayProcesses();
    temp.cleanup();
  });
  return {
    get home() {
      return temp.home;
    },
    get dbPath() {
      return temp.dbPath;
    },
  };
}
