import { onAbort } from './abort-listeners.js';
import { CancelledError, TimeoutError } from './errors.js';

const ATTEMPT_OVER = new CancelledError('the attempt is over');

const NO_TIMER = () => {};
const NOT_FOLLOWING = () => {};

/**
 * The abort side of one attempt of a flow or task run: it aborts when the run's signal does and
 * when the attempt's time limit is up, with a TimeoutError. The AbortController behind `signal` is
 * made only when someone asks for the signal (task code, a worker runner): most task attempts
 * never do, and making one for every task run is a measurable share of a large map.
 */
export class AttemptScope {
  private controller: AbortController | null = null;
  private rejectRace: ((reason: unknown) => void) | null = null;
  private wasAborted = false;
  private abortReason: unknown;
  private readonly stopTimer: () => void;
  private stopFollowing: () => void = NOT_FOLLOWING;
  private over = false;

  /**
   * `kind` and `name` name the run in the TimeoutError, e.g. `task run 'load-0'`; put together
   * only when the time is up, not for every attempt.
   */
  constructor(
    private readonly runSignal: AbortSignal,
    timeoutSeconds: number | undefined,
    kind: 'task' | 'flow',
    name: string,
  ) {
    if (runSignal.aborted) this.abort(runSignal.reason);
    if (timeoutSeconds === undefined) this.stopTimer = NO_TIMER;
    else {
      const timer = setTimeout(() => this.abort(new TimeoutError(timeoutSeconds, `${kind} run '${name}'`)), timeoutSeconds * 1000);
      this.stopTimer = () => clearTimeout(timer);
    }
  }

  /**
   * Follows the run's signal from when it can matter: the signal is handed out or the attempt
   * goes on past its first step. Until then an abort of the run has nothing to reach, and a
   * synchronous task, most of a large map, never pays for a listener.
   */
  private follow(): void {
    if (this.stopFollowing !== NOT_FOLLOWING || this.wasAborted || this.over) return;
    const runSignal = this.runSignal;
    if (runSignal.aborted) this.abort(runSignal.reason);
    else this.stopFollowing = onAbort(runSignal, () => this.abort(runSignal.reason));
  }

  get signal(): AbortSignal {
    this.follow();
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.wasAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.wasAborted;
  }

  /** Why the attempt was aborted, the first reason given. */
  get reason(): unknown {
    return this.abortReason;
  }

  abort(reason: unknown): void {
    if (this.wasAborted) return;
    this.wasAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.rejectRace?.(reason);
  }

  /** Settles with the body, or rejects as soon as the attempt is aborted. */
  race<T>(body: PromiseLike<T>): Promise<T> {
    this.follow();
    if (this.wasAborted) return Promise.reject(this.abortReason);
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      body.then(resolve, reject);
    });
  }

  /** The attempt's own code is done: its time limit no longer applies. */
  stopClock(): void {
    this.stopTimer();
  }

  /** Stops following the run's signal; what the attempt started has settled. */
  release(): void {
    this.stopFollowing();
  }

  /** The attempt is over: stops the clock and following the run, and tells code still holding the signal. */
  end(): void {
    this.over = true;
    this.stopTimer();
    this.stopFollowing();
    this.rejectRace = null;
    if (this.controller && !this.wasAborted) this.controller.abort(ATTEMPT_OVER);
  }
}
