import type { BreakpointAnswer, DebugOptions, DebugRunInfo, RunReporter } from '../core/index.js';
import { onAbort } from './abort-listeners.js';
import type { RunLogger } from './logger.js';
import { sleep } from './sleep.js';

/** How long one read of answers is held open by the store or server before it is made again. */
const ANSWER_WAIT_MS = 25_000;
/** How long to wait before reading again after a read failed (the server is restarting, say). */
const READ_RETRY_MS = 1_000;

/** A task run held at a breakpoint, as a debugger's view of the run lists it. */
export interface StoppedTaskRun {
  flowRunId: string;
  taskRunId: string;
  taskRunName: string;
  taskName: string;
  /** Why it stopped: its task's breakpoint, a step, or its failure. */
  reason: string;
  /** The arguments as JSON, or null when they cannot be written as JSON. */
  inputs: string | null;
}

/** Told when task runs stop at breakpoints and go on again (a terminal's debugger prompt). */
export interface DebugListener {
  stopped(run: StoppedTaskRun): void;
  answered(answer: BreakpointAnswer): void;
}

interface Waiter {
  resolve(answer: BreakpointAnswer): void;
}

/** The answers of one flow run's breakpoints, read by one loop while any of its task runs waits. */
class AnswerReader {
  private readonly waiters = new Map<string, Waiter>();
  /** Answers read before their task run began to wait (its Breakpoint state was answered late). */
  private readonly early = new Map<string, BreakpointAnswer>();
  private lastId = 0;
  private reading = false;
  /** Reads on while the flow run lasts, not only while a task run waits: answers to the whole run come any time. */
  private standing = false;
  private readonly stop = new AbortController();

  constructor(
    private readonly flowRunId: string,
    private readonly reporter: RunReporter,
    private readonly onError: (error: unknown) => void,
    private readonly onFlowAnswer: (answer: BreakpointAnswer) => void,
  ) {}

  /** Reads answers until closed. */
  follow(): void {
    this.standing = true;
    if (!this.reading) void this.read();
  }

  /** Resolves with the answer to the breakpoint `breakpointId`; rejects when the signal fires. */
  answerFor(breakpointId: string, signal: AbortSignal): Promise<BreakpointAnswer> {
    const known = this.early.get(breakpointId);
    if (known) {
      this.early.delete(breakpointId);
      return Promise.resolve(known);
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const stopListening = onAbort(signal, () => {
        this.waiters.delete(breakpointId);
        reject(signal.reason);
      });
      this.waiters.set(breakpointId, {
        resolve: (answer) => {
          stopListening();
          resolve(answer);
        },
      });
      if (!this.reading) void this.read();
    });
  }

  close(): void {
    this.stop.abort();
  }

  /** Reads answers while anyone waits; each read waits in the store (or server) until there is one. */
  private async read(): Promise<void> {
    this.reading = true;
    try {
      while ((this.standing || this.waiters.size > 0) && !this.stop.signal.aborted) {
        let answers: BreakpointAnswer[];
        try {
          answers = await this.reporter.breakpointAnswers(this.flowRunId, this.lastId, ANSWER_WAIT_MS, this.stop.signal);
        } catch (error) {
          if (this.stop.signal.aborted) return;
          this.onError(error);
          await sleep(READ_RETRY_MS, this.stop.signal).catch(() => undefined);
          continue;
        }
        for (const answer of answers) {
          this.lastId = Math.max(this.lastId, answer.id);
          if (answer.taskRunId === '') {
            this.onFlowAnswer(answer);
            continue;
          }
          const waiter = this.waiters.get(answer.breakpointId);
          if (waiter) {
            this.waiters.delete(answer.breakpointId);
            waiter.resolve(answer);
          } else this.early.set(answer.breakpointId, answer);
        }
      }
    } finally {
      this.reading = false;
    }
  }
}

/**
 * A debug run: which task runs stop before they start (their task has a breakpoint, or a step
 * was asked for), which stop on their failure, which do not run at all (pinned), and the answers
 * people give to the breakpoints, read as they are given. Subflows share their parent's session.
 */
export class DebugSession {
  private readonly breakpoints: ReadonlySet<string>;
  private readonly pins: ReadonlyMap<string, unknown>;
  private readonly stopAfter: ReadonlySet<string>;
  readonly breakOnFailure: boolean;
  /** Stop before every task run: asked for from the start (--step), or by a "break all" since. */
  private stepEverything: boolean;
  /** Set by a step: the next task run to start stops first. */
  private stepArmed = false;
  private readonly readers = new Map<string, AnswerReader>();
  private readonly listeners = new Set<DebugListener>();
  /** How many task runs of each task are stopped now, by flow run and task name. */
  private readonly stoppedByTask = new Map<string, number>();
  /** What the run's record says of it: its breakpoints and the names of its pinned tasks. */
  readonly info: DebugRunInfo;

  constructor(
    options: DebugOptions,
    private readonly reporter: RunReporter,
    private readonly logger: Pick<RunLogger, 'info' | 'warning'>,
  ) {
    this.breakpoints = new Set(options.breakpoints ?? []);
    this.pins = new Map(Object.entries(options.pins ?? {}));
    this.breakOnFailure = options.breakOnFailure === true;
    this.stopAfter = new Set(options.stopAfter ?? []);
    this.info = {
      breakpoints: [...this.breakpoints],
      step: options.step === true,
      breakOnFailure: this.breakOnFailure,
      pinned: [...this.pins.keys()],
      ...(this.stopAfter.size > 0 ? { stopAfter: [...this.stopAfter] } : {}),
    };
    this.stepEverything = this.info.step;
  }

  /** Why a run of the task should stop before it starts, or null; a step is used up by the run it stops. */
  stopBefore(taskName: string): string | null {
    if (this.stepArmed || this.stepEverything) {
      this.stepArmed = false;
      return 'a step';
    }
    return this.breakpoints.has(taskName) ? `a breakpoint on task '${taskName}'` : null;
  }

  /**
   * Told that a run of the task completed: when the run goes up to that task, it breaks as a
   * whole, so every later task run stops before it starts and every result so far can be seen.
   */
  completed(taskName: string, flowRunId: string): void {
    if (!this.stopAfter.has(taskName) || this.stepEverything) return;
    this.stepEverything = true;
    this.logger.info(`ran up to task '${taskName}'; continue the run to go on`);
    // Recorded as a "pause all", so the run reads as broken and a continue of the run ends it.
    this.reporter
      .breakFlowRun(flowRunId)
      .catch((error: unknown) =>
        this.logger.warning(`could not record that the run stopped after '${taskName}': ${(error as Error)?.message ?? String(error)}`),
      );
  }

  /** The pinned result of the task, when it has one. */
  pinOf(taskName: string): { value: unknown } | null {
    return this.pins.has(taskName) ? { value: this.pins.get(taskName) } : null;
  }

  listen(listener: DebugListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Told of a task run that stopped; whether it is the only run of its task stopped in its flow
   * run now, which the log says in words (a map's thousands of stopped runs are one line).
   */
  stopped(run: StoppedTaskRun): boolean {
    const key = `${run.flowRunId}\u0000${run.taskName}`;
    const alreadyStopped = this.stoppedByTask.get(key) ?? 0;
    this.stoppedByTask.set(key, alreadyStopped + 1);
    for (const listener of this.listeners) listener.stopped(run);
    return alreadyStopped === 0;
  }

  /** A stopped task run went on (or ended): one run fewer stopped at its task. */
  wentOn(run: Pick<StoppedTaskRun, 'flowRunId' | 'taskName'>): void {
    const key = `${run.flowRunId}\u0000${run.taskName}`;
    const left = (this.stoppedByTask.get(key) ?? 1) - 1;
    if (left > 0) this.stoppedByTask.set(key, left);
    else this.stoppedByTask.delete(key);
  }

  /** Reads the answers of a flow run of this debug run while it lasts, so "break all" reaches it at once. */
  follow(flowRunId: string): void {
    this.readerOf(flowRunId).follow();
  }

  /** Waits for the answer to a breakpoint of a task run of `flowRunId`; rejects when the signal fires. */
  async answerFor(flowRunId: string, breakpointId: string, signal: AbortSignal): Promise<BreakpointAnswer> {
    const answer = await this.readerOf(flowRunId).answerFor(breakpointId, signal);
    if (answer.action === 'step') this.stepArmed = true;
    for (const listener of this.listeners) listener.answered(answer);
    return answer;
  }

  private readerOf(flowRunId: string): AnswerReader {
    let reader = this.readers.get(flowRunId);
    if (!reader) {
      let warned = false;
      const warn = (error: unknown) => {
        if (!warned) this.logger.warning(`could not read the answers to breakpoints (${(error as Error)?.message ?? String(error)}); trying again`);
        warned = true;
      };
      reader = new AnswerReader(flowRunId, this.reporter, warn, (answer) => this.flowAnswered(answer));
      this.readers.set(flowRunId, reader);
    }
    return reader;
  }

  /** "Break all" stops every task run before it starts from now on; a continue of the flow run ends that. */
  private flowAnswered(answer: BreakpointAnswer): void {
    if (answer.action === 'break') {
      this.stepEverything = true;
      this.logger.info('the run was broken: each task run stops before it starts, until the run is continued');
    } else if (answer.action === 'continue') {
      this.stepEverything = this.info.step;
      this.stepArmed = false;
      this.logger.info('the run was continued: task runs start again as they come');
    }
    for (const listener of this.listeners) listener.answered(answer);
  }

  /** Stops reading answers for a flow run that has ended. */
  ended(flowRunId: string): void {
    this.readers.get(flowRunId)?.close();
    this.readers.delete(flowRunId);
  }
}
