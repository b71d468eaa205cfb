import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { onAbort } from '../../abort-listeners.js';
import type { CallScope } from './call-scope.js';

/** How long a stopped command may take to end after SIGTERM before it is killed. */
const KILL_GRACE_MS = 2000;
/** Output kept per stream; beyond it the rest is dropped, with a note. */
const OUTPUT_LIMIT = 16 * 1024 * 1024;

interface ProcessRequest {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

interface ProcessOutcome {
  /** The exit code; for a process ended by a signal, 128 plus its number, as shells report it. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

class Output {
  text = '';
  private dropped = false;

  add(chunk: string): void {
    if (this.text.length + chunk.length <= OUTPUT_LIMIT) this.text += chunk;
    else if (!this.dropped) {
      this.dropped = true;
      this.text += `${chunk.slice(0, OUTPUT_LIMIT - this.text.length)}\n[output beyond ${OUTPUT_LIMIT} characters dropped]`;
    }
  }
}

/**
 * Runs a program without a shell: the arguments reach it exactly as given, never parsed as a
 * command line. Stdin is the input, or empty. The scope's signal ends it: SIGTERM, then SIGKILL
 * after a grace period, and the promise rejects with the scope's reason once it has exited.
 */
export function runProcess(request: ProcessRequest, scope: CallScope, describe: string): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    scope.signal.throwIfAborted();
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      shell: false,
      windowsHide: true,
      stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout = new Output();
    const stderr = new Output();
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.add(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.add(chunk));
    let killer: NodeJS.Timeout | undefined;
    const stopListening = onAbort(scope.signal, () => {
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      stopListening();
      clearTimeout(killer);
      outcome();
    };
    child.once('error', (error) => {
      settle(() => reject(new Error(`${describe} could not be started: ${error.message}; is '${request.command}' installed and on the PATH?`)));
    });
    child.once('close', (code, signal) => {
      settle(() => {
        if (scope.signal.aborted) return reject(scope.reason());
        const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
        resolve({ exitCode, signal, stdout: stdout.text, stderr: stderr.text });
      });
    });
    if (request.input !== undefined) {
      // A command that exits without reading all of its input is not an error of ours.
      child.stdin!.on('error', () => {});
      child.stdin!.end(request.input);
    }
  });
}
