/**
 * How a worker talks to the flow processes it starts: through each child's stdin, a pipe the
 * worker holds open and writes one-word lines to. The operating system closes the pipe when the
 * worker's process ends however it ends (kill -9 too), so a child always learns it is alone.
 */

/** The worker asks the run's process to stop because the run is being cancelled: it ends Cancelled. */
export const CANCEL_LINE = 'cancel';
/** The worker hands the run back to the server: the process stops at once and records nothing. */
export const HAND_BACK_LINE = 'hand-back';

export interface WorkerPipeHandlers {
  cancel(): void;
  handBack(): void;
  /** The worker's end of the pipe closed: the worker is gone. */
  gone(): void;
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
      else if (line === HAND_BACK_LINE) handlers.handBack();
    }
  });
  input.on('end', end);
  input.on('close', end);
  input.on('error', end);
}
