import type { CliContext } from './context.js';
import type { ExitCode } from './errors.js';

/** One option of a command: how it is parsed, and its line in the command's help. */
export interface CommandOption {
  type: 'string' | 'boolean';
  short?: string;
  /** It may be given more than once; its values are a list. */
  multiple?: boolean;
  /** What it does, in one line. */
  description: string;
  /** What its value is called in help, e.g. `NAME`; `VALUE` when left out. */
  value?: string;
}

type OptionSpec = Record<string, CommandOption>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** What a command does: resolves to the exit code. */
export type CommandRun = (args: ParsedArgs, ctx: CliContext) => Promise<ExitCode>;

/** A command's module, in a file of its own. */
export interface CommandModule {
  run: CommandRun;
}

/** One CLI command as the command table lists it: everything help and parsing need, and its module on demand. */
export interface CommandDefinition {
  /** The words that select it, e.g. `flow-run ls`. */
  name: string;
  summary: string;
  /** What follows the name in the usage line, e.g. `ID [--follow]`. */
  usage?: string;
  options?: OptionSpec;
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number; names: string[] };
  /** Imports the command's module, only when it runs. */
  load(): Promise<CommandModule>;
}
