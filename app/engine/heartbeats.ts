import type { StateType } from '../core/index.js';
import { engineSettings } from './runtime.js';

interface ActiveRun {
  /** Told the state type the store holds for the run, at every beat, with the beat's number. */
  onStoredState(type: StateType, beat: number): void;
  /** Records the run as Crashed because this process is going away. */
  crash(message: string): Promise<void>;
}

const active = new Map<string, ActiveRun>();
let timer: NodeJS.Timeout | null = null;
let beating = false;
let beatsSent = 0;

/**
 * How many beats this process has sent. An answer tells the state as of its beat: one sent before
 * a transition the run made itself may still show the state before it.
 */
export function beatCount(): number {
  return beatsSent;
}

async function beat(): Promise<void> {
  const reporter = engineSettings().reporter;
  if (beating || !reporter || active.size === 0) return;
  beating = true;
  const number = ++beatsSent;
  try {
    const states = await reporter.heartbeat([...active.keys()]);
    for (const [id, type] of states) active.get(id)?.onStoredState(type, number);
  } catch {
    // A missed beat is retried at the next one; the timeout allows for many.
  } finally {
    beating = false;
  }
}

/** Keeps the store told that this process still runs the flow run, and hears of cancellation. */
export function trackFlowRun(flowRunId: string, run: ActiveRun): () => void {
  active.set(flowRunId, run);
  if (!timer) {
    timer = setInterval(() => void beat(), engineSettings().heartbeatSeconds * 1000);
    // The flow's own work keeps the process alive, not the heartbeat.
    timer.unref();
  }
  return () => {
    active.delete(flowRunId);
    if (active.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function activeFlowRunIds(): string[] {
  return [...active.keys()];
}

/**
 * A task run of this process that can be recorded as Crashed when the process goes away. It
 * carries its own place in the list of active task runs (null links, untracked), which only
 * trackTaskRun and untrackTaskRun touch.
 */
export interface CrashableRun {
  crash(message: string): Promise<void>;
  previousActive: CrashableRun | null;
  nextActive: CrashableRun | null;
}

/**
 * Task runs of this process that have not reached a final state, newest first: a list threaded
 * through the runs themselves, so tracking one of a map's thousands makes nothing, where a Set
 * grows and rehashes as they come and go.
 */
let newestActive: CrashableRun | null = null;

export function trackTaskRun(run: CrashableRun): void {
  if (run === newestActive || run.previousActive !== null) return;
  run.previousActive = null;
  run.nextActive = newestActive;
  if (newestActive) newestActive.previousActive = run;
  newestActive = run;
}

export function untrackTaskRun(run: CrashableRun): void {
  const { previousActive, nextActive } = run;
  if (previousActive) previousActive.nextActive = nextActive;
  else if (run === newestActive) newestActive = nextActive;
  else return;
  if (nextActive) nextActive.previousActive = previousActive;
  run.previousActive = null;
  run.nextActive = null;
}

/** The active task runs in the order they were tracked. */
function activeTaskRuns(): CrashableRun[] {
  const runs: CrashableRun[] = [];
  for (let run = newestActive; run; run = run.nextActive) runs.push(run);
  return runs.reverse();
}

/**
 * For a process that is being stopped (SIGINT, SIGTERM): records every run it still owns as
 * Crashed, runs the onCrashed hooks of its tasks and flows and waits until all of it is durable.
 */
export async function crashActiveRuns(message: string): Promise<void> {
  const reporter = engineSettings().reporter;
  if (!reporter) return;
  await Promise.allSettled(activeTaskRuns().map((run) => run.crash(message)));
  await Promise.allSettled([...active.values()].map((run) => run.crash(message)));
  await reporter.flush();
}
