/**
 * Node child processes the bench starts (servers, echo peers, idle Node), tracked so that none
 * outlives the bench: each workload stops its own in a finally block, and any still alive when
 * the bench exits is killed then.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killLeftovers(): void {
  for (const child of live) child.kill('SIGKILL');
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BenchChild {
  readonly pid: number;
  /** Everything it wrote so far, for error messages. */
  output(): string;
  /**
   * The first match of `pattern` in its stdout. The safety net only keeps a broken child from
   * hanging the bench; it is no measurement.
   */
  waitForOutput(pattern: RegExp, what: string, safetyNetMs?: number): Promise<RegExpExecArray>;
  /** Sends `signal`, then SIGKILL if it has not exited within `graceMs`. Never throws. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ChildExit>;
}

/** The parent's environment without Flowdeck settings, so no child sees the user's profile or server. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('FLOWDECK_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `node ...args` with piped output. */
export function spawnNode(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): BenchChild {
  if (!exitHookInstalled) {
    process.on('exit', killLeftovers);
    exitHookInstalled = true;
  }
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    // A spawn failure ends here too; 'exit' may never come.
    child.once('error', () => {
      live.delete(child);
      resolve({ code: null, signal: null });
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  if (child.pid === undefined) throw new Error(`could not start node ${args.join(' ')}`);
  const output = () => `--- stdout\n${stdout}--- stderr\n${stderr}`;

  return {
    pid: child.pid,
    output,
    waitForOutput(pattern, what, safetyNetMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) finish(() => resolve(match));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${what}: nothing after ${safetyNetMs / 1000}s\n${output()}`))), safetyNetMs);
        const onExit = () => finish(() => reject(new Error(`${what}: the process exited first\n${output()}`)));
        let settled = false;
        const finish = (settle: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.off('exit', onExit);
          settle();
        };
        child.stdout.on('data', check);
        child.once('exit', onExit);
        check();
        if (done) onExit();
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (done) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
