import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ApiClient } from '../../core/api/client.js';
import { ApiError, ApiUnreachableError } from '../../core/api/errors.js';
import { CLAIM_WAIT_MAX_MS, WORKER_HEARTBEAT_MS, type ClaimedRun } from '../../core/api/work-pools.js';
import { newId } from '../../core/ids.js';
import { isTerminal } from '../../core/state-model.js';
import { EXIT_SERVER } from '../errors.js';
import { BundleCache } from './bundle-cache.js';
import { FlowProcess, type ExitStatus, type RunHost } from './flow-process.js';
import { sharesProcesses, WarmProcesses } from './warm-processes.js';
import { retryDelay } from './retry-delays.js';
import { describeError, exitText, plural } from './worker-words.js';

/** With no limit of its own, a worker still takes at most this many runs per claim. */
const UNLIMITED_CLAIM_BATCH = 10;
/** How long a handed-back run's process has to stop before it is killed. */
const HAND_BACK_GRACE_MS = 5_000;
/** A request the server does not answer in this long (beyond a claim's own wait) is given up and made again. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface WorkerOptions {
  client: ApiClient;
  apiUrl: string;
  apiKey: string | null;
  pool: string;
  name: string;
  /** Empty for every queue of the pool. */
  queues: readonly string[];
  limit: number | null;
  /** FLOWDECK_HOME: bundles (without a job template's working folder) and run logs go under it. */
  home: string;
  /** The environment flow processes start from. */
  env: Record<string, string | undefined>;
  /** This installation's `flowdeck`: the program and its first arguments. */
  flowdeck: readonly string[];
  /** How long a cancelled run's process has after SIGTERM before SIGKILL. */
  cancelGraceMs: number;
  events: WorkerEvents;
}

/** What a worker tells the person who started it. */
export interface WorkerEvents {
  started(run: ClaimedRun, pid: number | undefined, logPath: string): void;
  ended(run: ClaimedRun, outcome: string): void;
  note(message: string): void;
}

interface ActiveRun {
  claimed: ClaimedRun;
  process: RunHost | null;
  cancelled: boolean;
  handedBack: boolean;
  killTimer: NodeJS.Timeout | null;
}

type Phase = 'taking' | 'draining' | 'handing-back';

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** An answer that will not change by asking again: the pool is gone, the key is wrong, the request is bad. */
function isFinalRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/**
 * A worker of one work pool: it beats, takes due runs with a long poll as slots are free, runs
 * each in its own flow process, stops a process whose run is cancelled, and on stop takes no more
 * work and lets its runs finish (or, asked again, hands them back).
 *
 * A run starts in a warm flow process when there is one (see WarmProcesses).
 */
export class Worker {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly bundles: BundleCache;
  private readonly stopClaiming = new AbortController();
  private phase: Phase = 'taking';
  private beatTimer: NodeJS.Timeout | null = null;
  private slotFreed: (() => void) | null = null;
  private allEnded: (() => void) | null = null;
  private unreachableSince: number | null = null;
  private readonly warm: WarmProcesses;

  constructor(private readonly options: WorkerOptions) {
    this.bundles = new BundleCache(options.client);
    const { apiUrl, apiKey, home, env, flowdeck, events } = options;
    this.warm = new WarmProcesses(
      { apiUrl, apiKey, home, env, flowdeck, note: (message) => events.note(message) },
      { taking: () => this.phase === 'taking', freeSlots: () => this.freeSlots() },
    );
  }

  /** The first beat, which registers the worker; an unknown pool or a refused key is thrown here. */
  async register(): Promise<void> {
    await this.beat(true);
    try {
      const pool = await this.options.client.getWorkPool({ params: { pool: this.options.pool }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      this.warm.knowJobTemplate(pool.jobTemplate);
    } catch {
      // The first claim brings the job template too; spares start then.
    }
  }

  /** Takes and runs work until stopped and every run has ended or been handed back; then says goodbye. */
  async run(): Promise<void> {
    this.scheduleBeat();
    this.warm.refillSpare();
    let refusal: ApiError | null;
    try {
      refusal = await this.claimLoop();
      this.warm.retireSpare();
      await this.runsEnded();
      await this.warm.allExited();
    } finally {
      if (this.beatTimer) clearTimeout(this.beatTimer);
      this.beatTimer = null;
      this.warm.retireSpare();
      this.warm.dismissIdleShared();
      try {
        await this.options.client.deleteWorker({
          params: { pool: this.options.pool, worker: this.options.name },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        this.options.events.note(`could not tell the server this worker stopped (${describeError(error)}); it is OFFLINE once its heartbeats stop`);
      }
    }
    if (refusal) throw refusal;
  }

  /**
   * A stop signal. The first: no more runs are taken, claimed runs not started go back, running
   * ones finish. The second: running ones stop and go back to the server for another worker.
   */
  stop(signal: string): void {
    if (this.phase === 'taking') {
      this.phase = 'draining';
      this.stopClaiming.abort();
      this.slotFreed?.();
      this.warm.retireSpare();
      this.warm.dismissIdleShared();
      const unstarted = [...this.runs.values()].filter((run) => run.process === null);
      for (const run of unstarted) run.handedBack = true;
      void this.release(unstarted.map((run) => run.claimed.flowRun.id));
      const running = [...this.runs.values()].filter((run) => run.process !== null).length;
      this.options.events.note(
        running > 0
          ? `${signal}: taking no more runs; waiting for ${plural(running, 'run')} to finish; Ctrl+C again hands them back`
          : `${signal}: taking no more runs`,
      );
      this.checkAllEnded();
      return;
    }
    if (this.phase === 'draining') {
      this.phase = 'handing-back';
      // A run being cancelled ends Cancelled, not Scheduled again.
      const running = [...this.runs.values()].filter((run) => run.process !== null && !run.handedBack && !run.cancelled);
      this.options.events.note(`${signal}: stopping ${plural(running.length, 'run')} and handing them back to the server`);
      for (const run of running) {
        run.handedBack = true;
        run.process!.handBack();
        this.killLater(run, HAND_BACK_GRACE_MS);
      }
    }
  }

  // ---- heartbeats ----

  private scheduleBeat(): void {
    this.beatTimer = setTimeout(() => {
      void this.beat(false).finally(() => {
        if (this.beatTimer !== null) this.scheduleBeat();
      });
    }, WORKER_HEARTBEAT_MS);
  }

  private async beat(first: boolean): Promise<void> {
    const { client, pool, name, queues, limit } = this.options;
    try {
      const answer = await client.workerHeartbeat({
        params: { pool },
        body: { name, queues: [...queues], limit, hostname: hostname(), pid: process.pid },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      for (const id of answer.cancelling) this.cancel(id);
    } catch (error) {
      // A worker that cannot register has nothing to do; later beats are retried with the next one.
      if (first) throw error;
      if (isFinalRefusal(error)) this.options.events.note(`the server refused a heartbeat: ${error.message}`);
    }
  }

  private cancel(flowRunId: string): void {
    const run = this.runs.get(flowRunId);
    if (!run || run.cancelled || run.handedBack) return;
    run.cancelled = true;
    if (!run.process) return;
    run.process.cancel();
    this.killLater(run, this.options.cancelGraceMs);
  }

  private killLater(run: ActiveRun, ms: number): void {
    if (run.killTimer) clearTimeout(run.killTimer);
    run.killTimer = setTimeout(() => run.process?.kill('SIGKILL'), ms);
  }

  // ---- claims ----

  private freeSlots(): number {
    const limit = this.options.limit ?? this.runs.size + UNLIMITED_CLAIM_BATCH;
    return Math.min(Math.max(limit - this.runs.size, 0), UNLIMITED_CLAIM_BATCH * 100);
  }

  /** Claims until stopped; answers the server's refusal when it stopped handing out runs (the pool was deleted, the key changed). */
  private async claimLoop(): Promise<ApiError | null> {
    const { client, pool, name, queues, events } = this.options;
    let failures = 0;
    while (this.phase === 'taking') {
      const free = this.freeSlots();
      if (free === 0) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let claimed: ClaimedRun[];
      try {
        const signal = AbortSignal.any([this.stopClaiming.signal, AbortSignal.timeout(CLAIM_WAIT_MAX_MS + REQUEST_TIMEOUT_MS)]);
        ({ runs: claimed } = await client.claimRuns({
          params: { pool },
          body: { worker: name, queues: [...queues], limit: free, waitMs: CLAIM_WAIT_MAX_MS },
          signal,
        }));
      } catch (error) {
        if (this.phase !== 'taking') break;
        if (isFinalRefusal(error)) {
          // Nothing more to take; the runs started still finish.
          this.phase = 'draining';
          const running = this.runs.size;
          events.note(
            `the server refused to hand out runs: ${error.message}; ${running > 0 ? `waiting for ${plural(running, 'run')} to finish` : 'stopping'}`,
          );
          return error;
        }
        if (this.unreachableSince === null) {
          this.unreachableSince = Date.now();
          events.note(`cannot take runs from the server (${describeError(error)}); trying again until it answers`);
        }
        await sleep(retryDelay(failures), this.stopClaiming.signal);
        failures += 1;
        continue;
      }
      if (this.unreachableSince !== null) {
        events.note('the server answers again; taking runs');
        this.unreachableSince = null;
      }
      failures = 0;
      if (this.phase !== 'taking') {
        // Claimed while the stop came: they go straight back.
        await this.release(claimed.map((run) => run.flowRun.id));
        break;
      }
      for (const run of claimed) {
        this.warm.learnJobTemplate(run.jobTemplate);
        void this.launch(run);
      }
    }
    return null;
  }

  private async release(flowRunIds: string[]): Promise<void> {
    if (flowRunIds.length === 0) return;
    const released = await this.untilAnswered(() =>
      this.options.client.releaseRuns({
        params: { pool: this.options.pool },
        body: { worker: this.options.name, flowRunIds },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }),
    );
    if (!released.ok) {
      this.options.events.note(
        `could not hand ${plural(flowRunIds.length, 'run')} back (${describeError(released.error)}); the server hands them back once this worker is OFFLINE`,
      );
    }
  }

  // ---- runs ----

  private async launch(claimed: ClaimedRun): Promise<void> {
    const id = claimed.flowRun.id;
    const run: ActiveRun = { claimed, process: null, cancelled: false, handedBack: false, killTimer: null };
    this.runs.set(id, run);
    let outcome: string;
    try {
      const folder = await this.codeFolder(claimed);
      if (run.handedBack) outcome = 'handed back before it started';
      else if (run.cancelled) outcome = 'cancelled before it started';
      else if (!(await this.startRun(run, folder))) {
        if (run.handedBack) await this.release([id]);
        outcome = run.handedBack ? 'handed back before it started' : 'cancelled before it started';
      } else {
        this.options.events.started(claimed, run.process!.pid, run.process!.logPath);
        outcome = await this.settle(run, await run.process!.exited);
      }
    } catch (error) {
      if (error instanceof ApiUnreachableError) {
        // Its code could not be fetched: the run is as good as new, for this worker or another once the server answers.
        await this.release([id]);
        outcome = `not started: ${describeError(error)}; handed back to run again`;
      } else outcome = await this.recordEnd(id, 'CRASHED', `the worker could not start it: ${describeError(error)}`);
    } finally {
      if (run.killTimer) clearTimeout(run.killTimer);
      this.runs.delete(id);
      this.slotFreed?.();
      this.slotFreed = null;
      this.warm.refillSpare();
    }
    this.options.events.ended(claimed, outcome);
    this.checkAllEnded();
  }

  private codeFolder(claimed: ClaimedRun): Promise<string> {
    const { bundle, fullName } = claimed.deployment;
    if (bundle === null) {
      throw new Error(`deployment '${fullName}' has no code bundle (it is served by its own process), so no worker can run it`);
    }
    return this.bundles.folder(claimed.jobTemplate.workingDir ?? this.options.home, bundle);
  }

  /**
   * Starts the run's process: the spare when there is one for its job template, a new process
   * otherwise (also when the spare ended before it took the run). False when the run was
   * cancelled or handed back meanwhile, and nothing runs it.
   */
  private async startRun(run: ActiveRun, folder: string): Promise<boolean> {
    const { claimed } = run;
    const { entrypoint } = claimed.deployment;
    const at = entrypoint.lastIndexOf(':');
    const entryFile = join(folder, ...(at > 1 ? entrypoint.slice(0, at) : entrypoint).split('/'));
    if (sharesProcesses(claimed.jobTemplate)) {
      const cwd = claimed.jobTemplate.workingDir ?? folder;
      const shared = this.warm.sharedProcessFor(claimed.jobTemplate, cwd);
      if (shared) {
        run.process = shared.hand({ flowRunId: claimed.flowRun.id, entryFile, cwd, claimed: { flowRun: claimed.flowRun, entrypoint } });
        this.warm.refillSpare();
        return true;
      }
    }
    const logPath = join(this.options.home, 'runs', `${claimed.flowRun.id}.log`);
    const spare = this.warm.takeSpare(claimed.jobTemplate, logPath);
    if (spare) {
      run.process = spare;
      const cwd = claimed.jobTemplate.workingDir ?? folder;
      const taken = await spare.hand({ flowRunId: claimed.flowRun.id, entryFile, cwd }, logPath);
      if (taken) {
        this.warm.spareTookRun();
        return true;
      }
      this.options.events.note(
        `the spare flow process for run ${claimed.flowRun.id} ended before it took the run (its output is in ${spare.logPath}); starting the run in a new process`,
      );
      run.process = null;
      if (run.cancelled || run.handedBack) return false;
    }
    run.process = FlowProcess.start({
      flowRunId: claimed.flowRun.id,
      entryFile,
      bundleFolder: folder,
      jobTemplate: claimed.jobTemplate,
      flowdeck: this.options.flowdeck,
      env: this.options.env,
      apiUrl: this.options.apiUrl,
      apiKey: this.options.apiKey,
      logPath,
    });
    return true;
  }

  /** After its process exits: the run's final state, recorded here when the process could not. */
  private async settle(run: ActiveRun, status: ExitStatus): Promise<string> {
    const id = run.claimed.flowRun.id;
    if (run.handedBack) {
      await this.release([id]);
      return 'handed back to the server';
    }
    // Its shared process saw it end, after the server had stored everything it reported.
    if (status.endedAs) return status.endedAs;
    const read = await this.untilAnswered(() => this.options.client.getFlowRun({ params: { id }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
    if (!read.ok) return `its process exited (${exitText(status)}); its state could not be read: ${describeError(read.error)}`;
    const { state } = read.value;
    if (isTerminal(state.type)) return state.name;
    if (status.runEnded && !run.cancelled && state.type !== 'CANCELLING') {
      return this.recordEnd(
        id,
        'CRASHED',
        `its shared flow process (pid ${run.process!.pid}) was done with it before it ended; the output is in ${run.process!.logPath} on ${hostname()}`,
      );
    }
    if (run.cancelled || state.type === 'CANCELLING') {
      return this.recordEnd(id, 'CANCELLED', `its process was stopped by worker '${this.options.name}' (${exitText(status)})`);
    }
    if ((state.type === 'PENDING' || state.type === 'SCHEDULED') && status.code === EXIT_SERVER) {
      // It never started: its process could not reach the server. Another try, here or on another worker, may.
      await this.release([id]);
      return 'not started: its process could not reach the server; handed back to run again';
    }
    return this.recordEnd(
      id,
      'CRASHED',
      `its process exited (${exitText(status)}) before the run ended; its output is in ${run.process!.logPath} on ${hostname()}`,
    );
  }

  /** Ends a run its process could not end; answers the state it is in afterwards. */
  private async recordEnd(flowRunId: string, type: 'CRASHED' | 'CANCELLED', message: string): Promise<string> {
    const name = type === 'CRASHED' ? 'Crashed' : 'Cancelled';
    const written = await this.untilAnswered(() =>
      this.options.client.report({
        body: {
          operations: [{ kind: 'setState', request: { kind: 'flow', runId: flowRunId, transitionId: newId(), state: { type, name, message } } }],
        },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }),
    );
    if (!written.ok) return `${message}; recording it ${name} failed: ${describeError(written.error)}`;
    const result = written.value.results[0];
    if (result && 'state' in result && result.state) return `${result.state.name}: ${message}`;
    return `${name}: ${message}`;
  }

  /**
   * Asks until the server answers: a run's end must reach it, also across a restart. Gives up on a
   * refusal that asking again would not change, and once the worker is handing its runs back.
   */
  private async untilAnswered<T>(ask: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    for (let failures = 0; ; failures++) {
      try {
        return { ok: true, value: await ask() };
      } catch (error) {
        if (isFinalRefusal(error) || this.phase === 'handing-back') return { ok: false, error };
        await sleep(retryDelay(failures));
      }
    }
  }

  private runsEnded(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.allEnded = resolve;
    });
  }

  private checkAllEnded(): void {
    if (this.runs.size === 0 && this.phase !== 'taking') this.allEnded?.();
  }
}
