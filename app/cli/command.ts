import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './context.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** One CLI command, in a file of its own. */
export interface CommandDefinition {
  /** The words that select it, e.g. `flow-run ls`. */
  name: string;
  summary: string;
  /** What follows the name in the usage line, e.g. `ID [--follow]`. */
  usage?: string;
  options?: OptionSpec;
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number; names: string[] };
  /** Resolves to the exit code. */
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}

export function defineCommand(definition: CommandDefinition): CommandDefinition {
  return definition;
}
