import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugRun } from '../../core/api/workspace.js';
import type { RetrySource } from '../../core/reuse.js';

/** What a `flowdeck` child process left behind. */
interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when it was stopped for taking longer than allowed. */
  timedOut: boolean;
}

interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A flow run's process, started and left running; its output goes to its log file. */
export interface StartedRun {
  readonly logPath: string;
  /** How it ended, once it has; null while it runs. */
  readonly exit: ExitStatus | null;
  readonly exited: Promise<ExitStatus>;
  kill(signal?: NodeJS.Signals): void;
}

interface RunRequest {
  /** The flow file, as a real path. */
  file: string;
  cwd: string;
  flowRunId: string;
  flowName?: string;
  parameters: Record<string, unknown>;
  /** Where the child reports, with `/api`. */
  apiUrl: string;
  apiKey?: string;
  /** Makes it a debug run. */
  debug?: DebugRun;
}

/** `flowdeck run`'s options for a debug run; each value one argument, so a name that looks like an option is only a name. */
function debugArgs(debug: DebugRun | undefined): string[] {
  if (!debug) return [];
  return [
    '--debug',
    ...debug.breakpoints.map((name) => `--break=${name}`),
    ...(debug.step ? ['--step'] : []),
    ...(debug.breakOnFailure ? ['--break-on-failure'] : []),
    ...debug.stopAfter.map((name) => `--stop-after=${name}`),
    ...(Object.keys(debug.pins).length > 0 ? [`--pins-json=${JSON.stringify(debug.pins)}`] : []),
  ];
}

interface FlowProcessesOptions {
  /** bin/flowdeck.js of this installation. */
  cliPath: string;
  /** FLOWDECK_HOME for the children; run logs go to its runs/ folder. */
  home: string;
  /** The environment children start from; the server's own by default. */
  env?: NodeJS.ProcessEnv;
}

/** Only the tail of a child's output is kept: the CLI's answer and its errors are at the end. */
const KEPT_OUTPUT_CHARS = 1024 * 1024;
/** A stopped flow process takes up to 5 s to hand its last states to the server. */
const DEFAULT_STOP_GRACE_MS = 6000;

/** Settings a child gets from the server that starts it, never from the server's own environment. */
const SERVER_OWNED = ['FLOWDECK_API_URL', 'FLOWDECK_API_KEY', 'FLOWDECK_SERVER_API_KEY', 'FLOWDECK_HOME', 'FORCE_COLOR'];

/** Refused because the server is closing and stopping its flow processes. */
export class StoppingError extends Error {
  constructor() {
    super('the server is shutting down and starts no more flow processes; try again once it is back');
    this.name = 'StoppingError';
  }
}

function keepTail(text: string): string {
  return text.length > KEPT_OUTPUT_CHARS ? text.slice(text.length - KEPT_OUTPUT_CHARS) : text;
}

/**
 * The `flowdeck` processes the server starts: loading flow files runs their code, so that
 * happens in children, never in the server. Every child is tracked until it exits and stopped
 * when the server closes.
 */
export class FlowProcesses {
  private readonly children = new Set<ChildProcess>();
  private stopping = false;

  constructor(private readonly options: FlowProcessesOptions) {}

  /** How many children are running. */
  get running(): number {
    return this.children.size;
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...(this.options.env ?? process.env) };
    for (const key of SERVER_OWNED) delete env[key];
    // Inside the desktop app execPath is Electron itself, which this makes behave as plain Node.
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    return { ...env, NO_COLOR: '1', FLOWDECK_HOME: this.options.home, ...extra };
  }

  private track(child: ChildProcess): Promise<ExitStatus> {
    this.children.add(child);
    return new Promise((resolve) => {
      const done = (status: ExitStatus) => {
        this.children.delete(child);
        resolve(status);
      };
      child.once('error', () => done({ code: null, signal: null }));
      child.once('close', (code, signal) => done({ code, signal }));
    });
  }

  private refuseWhileStopping(): void {
    if (this.stopping) throw new StoppingError();
  }

  /** Runs `flowdeck ARGS` to its end, or stops it after `timeoutMs`; `env` goes over the server's own (e.g. the API to talk to). */
  async runCli(args: readonly string[], cwd: string, timeoutMs: number, env: Record<string, string> = {}): Promise<CliOutcome> {
    this.refuseWhileStopping();
    const child = spawn(process.execPath, [this.options.cliPath, ...args], { cwd, env: this.env(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = keepTail(stdout + chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = keepTail(stderr + chunk)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const status = await this.track(child);
    clearTimeout(timer);
    return { ...status, stdout, stderr, timedOut };
  }

  /** Starts `flowdeck run` for a new flow run with the given id, reporting to `apiUrl`. */
  startRun(request: RunRequest): StartedRun {
    const args = [
      this.options.cliPath,
      'run',
      request.file,
      '--flow-run-id',
      request.flowRunId,
      '--params-json',
      JSON.stringify(request.parameters),
      '--json',
      // One argument, so a name that looks like an option is still only a name.
      ...(request.flowName === undefined ? [] : [`--flow=${request.flowName}`]),
      ...debugArgs(request.debug),
    ];
    return this.startLogged(request.flowRunId, args, request);
  }

  /** A child whose output goes to the run's log file, left running and tracked until it exits. */
  private startLogged(flowRunId: string, args: string[], request: { cwd: string; apiUrl: string; apiKey?: string }): StartedRun {
    this.refuseWhileStopping();
    const logsDir = join(this.options.home, 'runs');
    mkdirSync(logsDir, { recursive: true, mode: 0o700 });
    const logPath = join(logsDir, `${flowRunId}.log`);
    const env = this.env({ FLOWDECK_API_URL: request.apiUrl, ...(request.apiKey ? { FLOWDECK_API_KEY: request.apiKey } : {}) });
    const log = openSync(logPath, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, { cwd: request.cwd, env, stdio: ['ignore', log, log] });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(log);
    }
    let exit: ExitStatus | null = null;
    const exited = this.track(child).then((status) => (exit = status));
    return {
      logPath,
      get exit() {
        return exit;
      },
      exited,
      kill: (signal: NodeJS.Signals = 'SIGTERM') => {
        if (exit === null) child.kill(signal);
      },
    };
  }

  /**
   * Starts `flowdeck flow-run retry` for a finished flow run, reporting to `apiUrl`. It runs
   * `file`, which the caller checked, never the path stored in the run.
   */
  startRetry(request: {
    flowRunId: string;
    file: string;
    cwd: string;
    apiUrl: string;
    apiKey?: string;
    all?: boolean;
    source?: RetrySource;
  }): StartedRun {
    const args = [this.options.cliPath, 'flow-run', 'retry', request.flowRunId, `--file=${request.file}`, '--json'];
    if (request.all) args.push('--all');
    if (request.source) args.push(`--requested-by=${request.source}`);
    return this.startLogged(request.flowRunId, args, request);
  }

  /**
   * Starts `flowdeck flow-run rerun` from a task run of a finished flow run, as a new run with the
   * given id; it runs `file`, which the caller checked, never the path stored in the run.
   */
  startRerun(request: {
    flowRunId: string;
    newFlowRunId: string;
    taskRunId: string;
    inputs?: unknown[];
    reuseChangedCode?: boolean;
    /** The flow file as it is now, or, with `original`, the code the run ran (kept by the CLI). */
    code: 'current' | 'original';
    file: string;
    cwd: string;
    apiUrl: string;
    apiKey?: string;
  }): StartedRun {
    const args = [
      this.options.cliPath,
      'flow-run',
      'rerun',
      request.flowRunId,
      `--from=${request.taskRunId}`,
      ...(request.code === 'original' ? ['--code=original'] : [`--file=${request.file}`]),
      `--flow-run-id=${request.newFlowRunId}`,
      '--json',
      ...(request.inputs ? [`--inputs=${JSON.stringify(request.inputs)}`] : []),
      ...(request.reuseChangedCode ? ['--reuse-changed'] : []),
    ];
    return this.startLogged(request.newFlowRunId, args, request);
  }

  /**
   * Stops every child: SIGTERM first, so flow processes record their runs as Crashed while the
   * server still takes their reports, then SIGKILL for any still there after the grace period.
   */
  async stopAll(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    this.stopping = true;
    const children = [...this.children];
    if (children.length === 0) return;
    const gone = Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve()))),
      ),
    );
    for (const child of children) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([gone.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
    clearTimeout(timer);
    if (late) {
      for (const child of this.children) child.kill('SIGKILL');
      await gone;
    }
  }
}
