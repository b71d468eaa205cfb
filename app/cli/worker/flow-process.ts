import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { JobTemplate } from '../../core/api/work-pools.js';
import { CANCEL_LINE, HAND_BACK_LINE, runLine, TAKEN_FD, TAKEN_LINE, type HandedRun } from './worker-pipe.js';

/** How long a spare has to say it took its run. */
const HAND_TIMEOUT_MS = 10_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** A shared process said the run ended, and goes on with its others: code and signal are null. */
  runEnded?: boolean;
  /** With runEnded: the final state the run reached, as the shared process reported it. */
  endedAs?: string;
}

/** What a worker holds of a run's process: a process of its own, or its part of a shared one. */
export interface RunHost {
  readonly pid: number | undefined;
  readonly logPath: string;
  /** When the run's process is done with it. */
  readonly exited: Promise<ExitStatus>;
  cancel(): void;
  handBack(): void;
  kill(signal: NodeJS.Signals): void;
}

/** What every flow process of a worker starts from. */
export interface FlowProcessBase {
  jobTemplate: JobTemplate;
  /** The program and first arguments of this installation's `flowdeck`. */
  flowdeck: readonly string[];
  /** The worker's own environment. */
  env: Record<string, string | undefined>;
  apiUrl: string;
  apiKey: string | null;
  /** Where the process's output goes. */
  logPath: string;
}

export interface FlowProcessRequest extends FlowProcessBase {
  flowRunId: string;
  /** The flow file inside the bundle's folder. */
  entryFile: string;
  bundleFolder: string;
}

/**
 * The process running one claimed flow run: `flowdeck flow-run execute`, or the job template's
 * command with the same arguments. Its stdin is a pipe the worker holds: closed when the worker
 * dies, so the process stops and its run is Crashed rather than left running unwatched. A spare
 * process is started before its run and handed it later (see worker-pipe.ts).
 */
export class FlowProcess implements RunHost {
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | null = null;
  private taken = false;

  private constructor(
    private readonly child: ChildProcess,
    private path: string,
  ) {
    const takenPipe = child.stdio[TAKEN_FD] as Readable | null | undefined;
    takenPipe?.setEncoding('utf8');
    let said = '';
    takenPipe?.on('data', (chunk: string) => {
      said += chunk;
      if (said.includes(TAKEN_LINE)) this.taken = true;
    });
    takenPipe?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      const done = (status: ExitStatus) => {
        this.status ??= status;
        resolve(this.status);
      };
      child.once('error', () => done({ code: null, signal: null }));
      // After every pipe of the child closed: a 'taken' it wrote has been read by then.
      child.once('close', (code, signal) => done({ code, signal }));
    });
    // A child that ends first closes its end; writing to it then is nothing to report.
    child.stdin?.on('error', () => undefined);
  }

  /** A process for one run, started now. */
  static start(request: FlowProcessRequest): FlowProcess {
    const args = ['flow-run', 'execute', request.flowRunId, `--file=${request.entryFile}`, '--from-worker', '--json'];
    return FlowProcess.spawn(request, args, request.jobTemplate.workingDir ?? request.bundleFolder, false);
  }

  /**
   * A spare: `flowdeck flow-run execute --wait-for-run` loads the CLI, its settings and the engine,
   * then waits for `hand`. Only for a job template without a command of its own, which need not
   * know the wait.
   */
  static startSpare(request: FlowProcessBase, cwd: string): FlowProcess {
    if (request.jobTemplate.command !== null) throw new Error("a job template's own command is started per run, never as a spare");
    return FlowProcess.spawn(request, ['flow-run', 'execute', '--wait-for-run', '--from-worker', '--json'], cwd, true);
  }

  private static spawn(request: FlowProcessBase, args: string[], cwd: string, spare: boolean): FlowProcess {
    return new FlowProcess(spawnFlowChild(request, args, cwd, spare), request.logPath);
  }

  /**
   * Hands a spare its run, its output file renamed to `logPath` (the process's descriptor stays
   * valid). True once the process has taken it; false when it exited first, and the run is still
   * to be started.
   */
  async hand(run: HandedRun, logPath: string): Promise<boolean> {
    if (this.status !== null || !this.child.stdin?.writable) return false;
    this.child.stdin.write(`${runLine(run)}\n`);
    const takenPipe = this.child.stdio[TAKEN_FD] as Readable | null | undefined;
    if (!takenPipe) return false;
    // The spare writes 'taken' and closes the pipe; or it dies and the pipe closes with nothing in it.
    await new Promise<void>((resolve) => {
      // A spare that hangs instead is killed, and the run started another way.
      const hung = setTimeout(() => this.kill('SIGKILL'), HAND_TIMEOUT_MS);
      const done = () => (clearTimeout(hung), resolve());
      if (takenPipe.destroyed || takenPipe.readableEnded) done();
      takenPipe.once('close', done);
      takenPipe.once('end', done);
    });
    if (!this.taken) return false;
    try {
      renameSync(this.path, logPath);
      this.path = logPath;
    } catch {
      // The output stays where it was; the run's state message points there.
    }
    return true;
  }

  get logPath(): string {
    return this.path;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exit(): ExitStatus | null {
    return this.status;
  }

  /** The run is being cancelled: the process ends it Cancelled on its own; SIGTERM only hurries it. */
  cancel(): void {
    this.tell(CANCEL_LINE);
    this.kill('SIGTERM');
  }

  /** The run goes back to the server: the process stops at once and records nothing. */
  handBack(): void {
    this.tell(HAND_BACK_LINE);
  }

  /** A spare no longer needed: its stdin closes, and with no run it exits. */
  dismiss(): void {
    this.child.stdin?.end();
  }

  kill(signal: NodeJS.Signals): void {
    if (this.status === null) this.child.kill(signal);
  }

  private tell(line: string): void {
    if (this.status === null && this.child.stdin?.writable) this.child.stdin.write(`${line}\n`);
  }
}

/**
 * Starts `flowdeck ARGS` (or the job template's command) for a worker: stdin a pipe the worker
 * holds, output to the log file, and with `reportPipe` a second pipe at descriptor 3 for the
 * process to answer on.
 */
export function spawnFlowChild(request: FlowProcessBase, args: string[], cwd: string, reportPipe: boolean): ChildProcess {
  const { jobTemplate } = request;
  const [program, ...first] = jobTemplate.command ?? request.flowdeck;
  const env: NodeJS.ProcessEnv = { ...request.env, ...jobTemplate.env, FLOWDECK_API_URL: request.apiUrl };
  if (request.apiKey) env.FLOWDECK_API_KEY = request.apiKey;
  else delete env.FLOWDECK_API_KEY;
  // Inside the desktop app execPath is Electron itself, which this makes behave as plain Node.
  if (process.versions.electron && jobTemplate.command === null) env.ELECTRON_RUN_AS_NODE = '1';
  mkdirSync(join(request.logPath, '..'), { recursive: true, mode: 0o700 });
  const log = openSync(request.logPath, 'a', 0o600);
  try {
    return spawn(program, [...first, ...args], {
      cwd,
      env,
      stdio: reportPipe ? ['pipe', log, log, 'pipe'] : ['pipe', log, log],
      // Its own process group: Ctrl+C in the worker's terminal is the worker's to handle, not every run's.
      detached: true,
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(log);
  }
}
