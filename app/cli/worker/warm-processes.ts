import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JobTemplate } from '../../core/api/work-pools.js';
import { newId } from '../../core/ids.js';
import { FlowProcess, type ExitStatus } from './flow-process.js';
import { SharedFlowProcess } from './shared-flow-process.js';
import { retryDelay } from './retry-delays.js';
import { describeError, exitText, plural } from './worker-words.js';

/** Spares that exit on their own, one after another, before the worker stops making them. */
const SPARE_FAILURES_MAX = 5;
/** How long a spare has to exit once told to, before it is killed. */
const SPARE_STOP_GRACE_MS = 5_000;

/** What warm flow processes start with, and where they tell the person who started the worker. */
export interface WarmProcessOptions {
  apiUrl: string;
  apiKey: string | null;
  /** FLOWDECK_HOME: spares' output files go under it, and it is their working folder without a job template's. */
  home: string;
  env: Record<string, string | undefined>;
  flowdeck: readonly string[];
  note(message: string): void;
}

/** What the worker tells its warm processes about itself. */
export interface WarmProcessHost {
  /** Whether the worker still takes runs. */
  taking(): boolean;
  /** How many more runs the worker could take now. */
  freeSlots(): number;
}

/** A flow process started before its run, waiting for one (see FlowProcess.startSpare). */
interface Spare {
  process: FlowProcess;
  jobTemplate: JobTemplate;
  /** Told to stop: its exit is no failure, and its output file is removed. */
  retired: boolean;
}

function sameJobTemplate(a: JobTemplate, b: JobTemplate): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Runs of this template share warm flow processes: more than one a process, each started as `flowdeck`. */
export function sharesProcesses(template: JobTemplate): boolean {
  return template.runsPerProcess > 1 && template.command === null;
}

/**
 * A worker's warm flow processes. While it has a free slot it keeps one spare flow process with
 * the CLI and the engine loaded, which takes the next run it claims; a run then starts without
 * the cost of a new process. One, not one per free slot: runs mostly come due one at a time, a
 * spare is a whole Node process idling, and the next one is ready a few hundred milliseconds
 * after the last was taken.
 *
 * A pool whose job template has runsPerProcess above 1 gets shared processes instead: each takes
 * up to that many runs of one working folder at once; one with room is kept warm.
 */
export class WarmProcesses {
  /** The pool's job template, from the pool at registration and from each claim since. */
  private jobTemplate: JobTemplate | null = null;
  private spare: Spare | null = null;
  private spareTimer: NodeJS.Timeout | null = null;
  private spareFailures = 0;
  /** Spares not yet exited, taken ones apart: the worker waits for them before it says goodbye. */
  private readonly spareExits = new Set<Promise<unknown>>();
  /** Flow processes that run several runs at once (a job template's runsPerProcess above 1), until they exit. */
  private readonly sharedProcesses = new Set<SharedFlowProcess>();

  constructor(
    private readonly options: WarmProcessOptions,
    private readonly host: WarmProcessHost,
  ) {}

  /** The pool's job template as read at registration, unless a claim brought one first. */
  knowJobTemplate(jobTemplate: JobTemplate): void {
    this.jobTemplate ??= jobTemplate;
  }

  /** Settles once every spare and shared process not yet exited, taken spares apart, has exited. */
  allExited(): Promise<unknown> {
    return Promise.all(this.spareExits);
  }

  /** A claim's job template: when the pool's changed, a spare made for the old one is stopped and one made for the new. */
  learnJobTemplate(jobTemplate: JobTemplate): void {
    if (this.jobTemplate && sameJobTemplate(this.jobTemplate, jobTemplate)) return;
    this.jobTemplate = jobTemplate;
    if (this.spare && !sameJobTemplate(this.spare.jobTemplate, jobTemplate)) this.retireSpare();
    this.dismissIdleShared();
    this.refillSpare();
  }

  // ---- shared processes ----

  /** A shared process with room for a run in `cwd`: one already working there first, then a warm one, else a new one. */
  sharedProcessFor(template: JobTemplate, cwd: string): SharedFlowProcess | null {
    const fitting = [...this.sharedProcesses].filter((shared) => shared.takes(template, cwd));
    return fitting.find((shared) => shared.cwd === cwd) ?? fitting[0] ?? this.startShared(template);
  }

  private startShared(template: JobTemplate): SharedFlowProcess | null {
    let shared: SharedFlowProcess;
    try {
      shared = SharedFlowProcess.start(
        { jobTemplate: template, flowdeck: this.options.flowdeck, env: this.options.env, apiUrl: this.options.apiUrl, apiKey: this.options.apiKey },
        { home: this.options.home, cwd: template.workingDir ?? this.options.home, tempName: `shared-${newId()}` },
        () => this.sharedRunEnded(),
      );
    } catch (error) {
      this.options.note(`could not start a shared flow process (${describeError(error)}); its runs start each in a new process`);
      return null;
    }
    this.sharedProcesses.add(shared);
    const exited = shared.exited.then((status) => {
      this.sharedProcesses.delete(shared);
      // One that had runs: their ends are settled with each run.
      if (!shared.retired && shared.cwd === null) {
        this.options.note(`a shared flow process exited (${exitText(status)}) before a run came; its output is in ${shared.logPath}`);
      }
    });
    this.spareExits.add(exited);
    void exited.finally(() => this.spareExits.delete(exited));
    return shared;
  }

  /** A run in a shared process ended: idle processes beyond the one kept warm are stopped. */
  private sharedRunEnded(): void {
    this.dismissIdleShared();
    this.refillSpare();
  }

  /** Stops idle shared processes: all once the worker takes no more runs or the job template changed, else all but one. */
  dismissIdleShared(): void {
    const template = this.jobTemplate;
    const keepOne = this.host.taking() && template !== null && sharesProcesses(template);
    let kept = false;
    for (const shared of this.sharedProcesses) {
      if (shared.retired || shared.runIds.size > 0) continue;
      if (keepOne && !kept && sameJobTemplate(shared.jobTemplate, template)) {
        kept = true;
        continue;
      }
      shared.dismiss();
    }
  }

  // ---- spares ----

  /**
   * The spare, for a run of this job template, now no longer a spare; the next one is started.
   * None when the run's output file exists (a run handed back and taken again here): a new
   * process appends to it, where renaming the spare's would replace it.
   */
  takeSpare(jobTemplate: JobTemplate, logPath: string): FlowProcess | null {
    const spare = this.spare;
    if (!spare) return null;
    if (!sameJobTemplate(spare.jobTemplate, jobTemplate)) {
      this.retireSpare();
      return null;
    }
    if (existsSync(logPath)) {
      // The spare would now be more processes than free slots.
      if (this.host.freeSlots() === 0) this.retireSpare();
      return null;
    }
    this.spare = null;
    this.refillSpare();
    return spare.process;
  }

  /** A taken spare took its run: the count of spares that exited before a run came starts over. */
  spareTookRun(): void {
    this.spareFailures = 0;
  }

  /** Starts a spare when the worker takes runs, has a free slot besides, and its pool's runs start as `flowdeck` (a custom command need not know the wait). */
  refillSpare(): void {
    const template = this.jobTemplate;
    if (!this.host.taking() || this.spare || this.spareTimer || this.spareFailures >= SPARE_FAILURES_MAX) return;
    if (!template || template.command !== null || this.host.freeSlots() === 0) return;
    if (sharesProcesses(template)) {
      const roomy = [...this.sharedProcesses].some(
        (shared) =>
          !shared.retired && shared.exit === null && sameJobTemplate(shared.jobTemplate, template) && shared.runIds.size < template.runsPerProcess,
      );
      if (!roomy) this.startShared(template);
      return;
    }
    const logPath = join(this.options.home, 'runs', `spare-${newId()}.log`);
    let process: FlowProcess;
    try {
      process = FlowProcess.startSpare(
        {
          jobTemplate: template,
          flowdeck: this.options.flowdeck,
          env: this.options.env,
          apiUrl: this.options.apiUrl,
          apiKey: this.options.apiKey,
          logPath,
        },
        template.workingDir ?? this.options.home,
      );
    } catch (error) {
      this.spareFailures = SPARE_FAILURES_MAX;
      this.options.note(`could not start a spare flow process (${describeError(error)}); each run starts in a new process`);
      return;
    }
    const spare: Spare = { process, jobTemplate: template, retired: false };
    this.spare = spare;
    const exited = process.exited.then((status) => this.spareExited(spare, status, logPath));
    this.spareExits.add(exited);
    void exited.finally(() => this.spareExits.delete(exited));
  }

  private spareExited(spare: Spare, status: ExitStatus, logPath: string): void {
    if (spare.retired) {
      rmSync(logPath, { force: true });
      return;
    }
    // Taken: its run's own ending is settled with the run.
    if (this.spare !== spare) return;
    this.spare = null;
    this.spareFailures += 1;
    if (this.spareFailures >= SPARE_FAILURES_MAX) {
      this.options.note(
        `${plural(this.spareFailures, 'spare flow process')} in a row exited (${exitText(status)}) before a run came (the last one's output is in ${logPath}); each run starts in a new process from now on`,
      );
      return;
    }
    const wait = retryDelay(this.spareFailures - 1);
    this.options.note(`a spare flow process exited (${exitText(status)}) before a run came; its output is in ${logPath}; starting another`);
    this.spareTimer = setTimeout(() => {
      this.spareTimer = null;
      this.refillSpare();
    }, wait);
  }

  /** Stops the spare: its stdin closes and it exits, or is killed when it does not. */
  retireSpare(): void {
    if (this.spareTimer) clearTimeout(this.spareTimer);
    this.spareTimer = null;
    const spare = this.spare;
    if (!spare) return;
    this.spare = null;
    spare.retired = true;
    spare.process.dismiss();
    const kill = setTimeout(() => spare.process.kill('SIGKILL'), SPARE_STOP_GRACE_MS);
    void spare.process.exited.finally(() => clearTimeout(kill));
  }
}
