import type { ChildProcess } from 'node:child_process';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { JobTemplate } from '../../core/api/work-pools.js';
import { spawnFlowChild, type ExitStatus, type FlowProcessBase, type RunHost } from './flow-process.js';
import { CANCEL_LINE, ENDED_WORD, HAND_BACK_LINE, runLine, TAKEN_FD, type HandedRun } from './worker-pipe.js';

/**
 * One warm flow process of a pool with runsPerProcess above 1 (`flowdeck flow-run execute
 * --shared-runs`): the worker writes it run after run, it runs them at once and says `ended ID` on
 * descriptor 3 as each ends. Every run in it works in one folder: the first run's.
 */
export class SharedFlowProcess {
  readonly exited: Promise<ExitStatus>;
  /** The runs it holds now. */
  readonly runIds = new Set<string>();
  /** The folder its runs work in; null until its first run. */
  cwd: string | null = null;
  /** Told to stop: it takes no more runs. */
  retired = false;
  private status: ExitStatus | null = null;
  private readonly endings = new Map<string, (status: ExitStatus) => void>();
  private path: string;

  private constructor(
    private readonly child: ChildProcess,
    logPath: string,
    readonly jobTemplate: JobTemplate,
    private readonly onRunEnded: (process: SharedFlowProcess) => void,
  ) {
    this.path = logPath;
    const said = child.stdio[TAKEN_FD] as Readable | null | undefined;
    said?.setEncoding('utf8');
    let buffered = '';
    said?.on('data', (chunk: string) => {
      buffered += chunk;
      for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
        const line = buffered.slice(0, at).trim();
        buffered = buffered.slice(at + 1);
        if (!line.startsWith(`${ENDED_WORD} `)) continue;
        const [id, ...name] = line.slice(ENDED_WORD.length + 1).split(' ');
        this.ended(id, { code: null, signal: null, runEnded: true, ...(name.length > 0 ? { endedAs: name.join(' ') } : {}) });
      }
    });
    said?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      const done = (status: ExitStatus) => {
        this.status ??= status;
        for (const id of [...this.endings.keys()]) this.ended(id, this.status);
        resolve(this.status);
      };
      child.once('error', () => done({ code: null, signal: null }));
      // After every pipe closed: each `ended` it wrote has been read by then.
      child.once('close', (code, signal) => done({ code, signal }));
    });
    child.stdin?.on('error', () => undefined);
  }

  /** Started with no run yet; its output goes to `runs/shared-PID.log` under `home`. */
  static start(
    base: Omit<FlowProcessBase, 'logPath'>,
    { home, cwd, tempName }: { home: string; cwd: string; tempName: string },
    onRunEnded: (process: SharedFlowProcess) => void,
  ): SharedFlowProcess {
    const started = join(home, 'runs', `${tempName}.log`);
    const child = spawnFlowChild({ ...base, logPath: started }, ['flow-run', 'execute', '--shared-runs', '--from-worker', '--json'], cwd, true);
    let logPath = started;
    if (child.pid !== undefined) {
      try {
        logPath = join(home, 'runs', `shared-${child.pid}.log`);
        renameSync(started, logPath);
      } catch {
        logPath = started;
      }
    }
    return new SharedFlowProcess(child, logPath, base.jobTemplate, onRunEnded);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get logPath(): string {
    return this.path;
  }

  get exit(): ExitStatus | null {
    return this.status;
  }

  /** True while it can take a run working in `cwd`. */
  takes(jobTemplate: JobTemplate, cwd: string): boolean {
    return (
      !this.retired &&
      this.status === null &&
      (this.cwd === null || this.cwd === cwd) &&
      this.runIds.size < jobTemplate.runsPerProcess &&
      JSON.stringify(this.jobTemplate) === JSON.stringify(jobTemplate)
    );
  }

  /** Hands it a run; the answer is the run's part of this process. */
  hand(run: HandedRun): RunHost {
    this.cwd ??= run.cwd;
    this.runIds.add(run.flowRunId);
    const exited = new Promise<ExitStatus>((resolve) => {
      if (this.status !== null) resolve(this.status);
      else this.endings.set(run.flowRunId, resolve);
    });
    this.tell(runLine(run));
    const id = run.flowRunId;
    return {
      pid: this.pid,
      logPath: this.path,
      exited,
      // The run ends Cancelled through the engine; the others go on.
      cancel: () => this.tell(`${CANCEL_LINE} ${id}`),
      // Hands back every run in the process: the worker asks this of all its runs at once.
      handBack: () => this.tell(HAND_BACK_LINE),
      kill: (signal) => this.kill(signal),
    };
  }

  /** No longer needed: its stdin closes, and once its runs have ended it exits. */
  dismiss(): void {
    this.retired = true;
    this.child.stdin?.end();
  }

  kill(signal: NodeJS.Signals): void {
    if (this.status === null) this.child.kill(signal);
  }

  private ended(id: string, status: ExitStatus): void {
    const resolve = this.endings.get(id);
    if (!resolve) return;
    this.endings.delete(id);
    this.runIds.delete(id);
    resolve(status);
    if (status.runEnded) this.onRunEnded(this);
  }

  private tell(line: string): void {
    if (this.status === null && this.child.stdin?.writable) this.child.stdin.write(`${line}\n`);
  }
}
