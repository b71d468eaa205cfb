import { ShellCommandInput } from '../../core/task-inputs.js';
import { task } from '../task.js';
import { callScope, checkTimeout } from './support/call-scope.js';
import { runProcess } from './support/run-process.js';

export interface ShellCommandOptions {
  /** The program: a name looked up on the PATH, or a path. No shell is involved. */
  command: string;
  /** Passed to the program exactly as given: spaces, quotes, `$(...)` and `;` are plain text. */
  args?: readonly (string | number)[];
  cwd?: string;
  /** Added to the flow process's environment; `undefined` removes a variable. */
  env?: Record<string, string | number | boolean | undefined>;
  /** Written to the program's stdin. */
  input?: string;
  timeoutSeconds?: number;
  /** Answer a non-zero exit instead of failing. */
  allowFailure?: boolean;
}

export interface ShellCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A command that exited with a code other than 0; it carries the code and the whole stderr. */
export class ShellCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ShellCommandError';
  }
}

/** How much of stderr a failure quotes: its end, where programs say what went wrong. */
const STDERR_TAIL = 1000;

/** The command line as a person would type it, for messages only; it is never run as one. */
function describeCommand(command: string, args: readonly string[]): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  const line = [command, ...args].map(quote).join(' ');
  return `command '${line.length > 200 ? `${line.slice(0, 199)}…` : line}'`;
}

function tail(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.length > STDERR_TAIL ? `…${trimmed.slice(-STDERR_TAIL)}` : trimmed;
}

function environment(extra: ShellCommandOptions['env']): NodeJS.ProcessEnv | undefined {
  if (!extra) return undefined;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(extra)) env[key] = value === undefined ? undefined : String(value);
  return env;
}

/**
 * Runs a program with arguments, without a shell, and answers `{ exitCode, stdout, stderr }`. A
 * non-zero exit fails the run with the code and the end of stderr, unless `allowFailure`. The
 * run's cancellation or timeout, or `timeoutSeconds`, stops the program.
 */
export const shellCommand = task({ name: 'shell-command' }, async (options: ShellCommandOptions): Promise<ShellCommandResult> => {
  if (typeof options?.command !== 'string' || options.command === '') throw new TypeError('shellCommand needs { command }');
  checkTimeout('shellCommand', options.timeoutSeconds);
  const args = (options.args ?? []).map(String);
  const described = describeCommand(options.command, args);
  const scope = callScope(described, options.timeoutSeconds);
  let outcome: Awaited<ReturnType<typeof runProcess>>;
  try {
    outcome = await runProcess(
      { command: options.command, args, cwd: options.cwd, env: environment(options.env), input: options.input },
      scope,
      described,
    );
  } finally {
    scope.release();
  }
  if (outcome.exitCode !== 0 && !(options.allowFailure ?? ShellCommandInput.shape.allowFailure.def.defaultValue)) {
    const how = outcome.signal ? `was ended by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
    const stderr = tail(outcome.stderr);
    throw new ShellCommandError(`${described} ${how}${stderr ? `: ${stderr}` : ''}`, outcome.exitCode, outcome.stderr);
  }
  return { exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
});
