import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { JobTemplate } from '../../core/api/work-pools.js';
import { CANCEL_LINE, HAND_BACK_LINE } from './worker-pipe.js';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface FlowProcessRequest {
  flowRunId: string;
  /** The flow file inside the bundle's folder. */
  entryFile: string;
  bundleFolder: string;
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

/**
 * The process running one claimed flow run: `flowdeck flow-run execute`, or the job template's
 * command with the same arguments. Its stdin is a pipe the worker holds: closed when the worker
 * dies, so the process stops and its run is Crashed rather than left running unwatched.
 */
export class FlowProcess {
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly logPath: string,
  ) {
    this.exited = new Promise((resolve) => {
      const done = (status: ExitStatus) => {
        this.status ??= status;
        resolve(this.status);
      };
      child.once('error', () => done({ code: null, signal: null }));
      child.once('close', (code, signal) => done({ code, signal }));
    });
    // A child that ends first closes its end; writing to it then is nothing to report.
    child.stdin?.on('error', () => undefined);
  }

  static start(request: FlowProcessRequest): FlowProcess {
    const { jobTemplate } = request;
    const [program, ...first] = jobTemplate.command ?? request.flowdeck;
    const args = [...first, 'flow-run', 'execute', request.flowRunId, `--file=${request.entryFile}`, '--from-worker', '--json'];
    const env: NodeJS.ProcessEnv = { ...request.env, ...jobTemplate.env, FLOWDECK_API_URL: request.apiUrl };
    if (request.apiKey) env.FLOWDECK_API_KEY = request.apiKey;
    else delete env.FLOWDECK_API_KEY;
    // Inside the desktop app execPath is Electron itself, which this makes behave as plain Node.
    if (process.versions.electron && jobTemplate.command === null) env.ELECTRON_RUN_AS_NODE = '1';
    mkdirSync(join(request.logPath, '..'), { recursive: true, mode: 0o700 });
    const log = openSync(request.logPath, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        cwd: jobTemplate.workingDir ?? request.bundleFolder,
        env,
        stdio: ['pipe', log, log],
        // Its own process group: Ctrl+C in the worker's terminal is the worker's to handle, not every run's.
        detached: true,
      });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(log);
    }
    return new FlowProcess(child, request.logPath);
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

  kill(signal: NodeJS.Signals): void {
    if (this.status === null) this.child.kill(signal);
  }

  private tell(line: string): void {
    if (this.status === null && this.child.stdin?.writable) this.child.stdin.write(`${line}\n`);
  }
}
