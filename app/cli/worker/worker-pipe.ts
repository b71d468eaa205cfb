/**
 * How a worker talks to the flow processes it starts: through each child's stdin, a pipe the
 * worker holds open and writes lines to. The operating system closes the pipe when the worker's
 * process ends however it ends (kill -9 too), so a child always learns it is alone. A spare
 * process (started before its run, to have Node, the CLI and the engine loaded when the run comes)
 * gets its run as one more line, and says it took it on a second pipe, its descriptor 3.
 */
import { closeSync, fstatSync, writeSync } from 'node:fs';
import type { FlowRun } from '../../core/index.js';

/** The worker asks the run's process to stop because the run is being cancelled: it ends Cancelled. */
export const CANCEL_LINE = 'cancel';
/** The worker hands the run back to the server: the process stops at once and records nothing. */
export const HAND_BACK_LINE = 'hand-back';
/** Starts the line that hands a spare process its run: the word, a space, then the run as JSON. */
const RUN_LINE_WORD = 'run';
/** What a spare writes on descriptor 3 once it has its run: from then on the run is its own. */
export const TAKEN_LINE = 'taken';
/** The spare's descriptor the worker reads TAKEN_LINE from. */
export const TAKEN_FD = 3;
/**
 * What a shared process (runs of a pool with runsPerProcess above 1) writes on TAKEN_FD once a run
 * has ended there: the word, a space, the run's id, and the name of the final state it reached, when it did.
 */
export const ENDED_WORD = 'ended';

/** The run a worker hands a spare process: what `flow-run execute ID --file F` run in `cwd` gets. */
export interface HandedRun {
  flowRunId: string;
  /** The flow file, an absolute path. */
  entryFile: string;
  /** The folder the run works in: the job template's working folder or the bundle's. */
  cwd: string;
  /** For a shared process: the run as the worker claimed it, and its deployment's entrypoint, which it need not ask for again. */
  claimed?: { flowRun: FlowRun; entrypoint: string };
}

export function runLine(run: HandedRun): string {
  return `${RUN_LINE_WORD} ${JSON.stringify(run)}`;
}

function parseHandedRun(json: string): HandedRun | null {
  try {
    const value = JSON.parse(json) as Partial<HandedRun> | null;
    const { flowRunId, entryFile, cwd, claimed } = value ?? {};
    if (typeof flowRunId === 'string' && typeof entryFile === 'string' && typeof cwd === 'string') {
      const whole = claimed && typeof claimed.entrypoint === 'string' && claimed.flowRun?.id === flowRunId;
      return { flowRunId, entryFile, cwd, ...(whole ? { claimed } : {}) };
    }
  } catch {
    // Not JSON: not a line this process knows.
  }
  return null;
}

/**
 * In a spare process: tells the worker the run is taken. Only a socket at the descriptor is the
 * worker's pipe: in a process started otherwise the number may be one of Node's own.
 */
export function sayTaken(): void {
  try {
    if (!fstatSync(TAKEN_FD).isSocket()) return;
    writeSync(TAKEN_FD, `${TAKEN_LINE}\n`);
    closeSync(TAKEN_FD);
  } catch {
    // The worker is gone, or this process was not started as a spare.
  }
}

/**
 * In a shared process: tells the worker `taken <id>` or `ended <id>` on descriptor 3, which stays
 * open for the next run. False when the worker is gone.
 */
export function sayOfRun(word: typeof TAKEN_LINE | typeof ENDED_WORD, flowRunId: string, stateName?: string): boolean {
  try {
    writeSync(TAKEN_FD, `${word} ${flowRunId}${stateName ? ` ${stateName.replace(/\s+/g, ' ')}` : ''}\n`);
    return true;
  } catch {
    return false;
  }
}

export interface WorkerPipeHandlers {
  cancel(): void;
  /** A shared process's run is being cancelled (`cancel <id>`): it ends Cancelled through the engine. */
  cancelRun?(flowRunId: string): void;
  handBack(): void;
  /** The worker's end of the pipe closed: the worker is gone. */
  gone(): void;
  /** A spare process's run; lines that hand a run are ignored without this handler. */
  run?(run: HandedRun): void;
}

/** In a flow process a worker started: reads the worker's lines from stdin until it closes. */
export function listenToWorker(input: NodeJS.ReadableStream, handlers: WorkerPipeHandlers): void {
  let buffered = '';
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    handlers.gone();
  };
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    buffered += chunk;
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      const line = buffered.slice(0, at).trim();
      buffered = buffered.slice(at + 1);
      if (line === CANCEL_LINE) handlers.cancel();
      else if (line.startsWith(`${CANCEL_LINE} `)) handlers.cancelRun?.(line.slice(CANCEL_LINE.length + 1));
      else if (line === HAND_BACK_LINE) handlers.handBack();
      else if (line.startsWith(`${RUN_LINE_WORD} `) && handlers.run) {
        const run = parseHandedRun(line.slice(RUN_LINE_WORD.length + 1));
        if (run) handlers.run(run);
      }
    }
  });
  input.on('end', end);
  input.on('close', end);
  input.on('error', end);
}
