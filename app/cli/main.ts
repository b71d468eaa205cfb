import { parseArgs } from 'node:util';
// Start-up loads only what help and argument parsing need: modules named one by one rather than
// through the layers' index files, which would load the store, the server and the API schemas.
import { FLOWDECK_VERSION } from '../core/api/version.js';
import { SettingsError } from '../core/settings/errors.js';
import { StoreError } from '../server/store/store-error.js';
import type { CommandDefinition, CommandOption, ParsedArgs } from './command.js';
import { COMMANDS } from './commands/index.js';
import { CliContext } from './context.js';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_SERVER, UsageError } from './errors.js';
import { closest, closestCommands, didYouMean } from './suggest.js';

const EXIT_CODES =
  'Exit codes: 0 success, 1 a run that did not complete, 2 bad input, 3 the server or the local database could not be used (unreachable, refused the API key, failed, or could not write).';

function usageLine(command: CommandDefinition): string {
  return `flowdeck ${command.name}${command.usage ? ` ${command.usage}` : ''}`;
}

function helpText(commands: readonly CommandDefinition[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: flowdeck <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'flowdeck <command> --help' for a command's options.",
    '',
    EXIT_CODES,
  ].join('\n');
}

/** Every command takes --help. */
const HELP_OPTION: CommandOption = { type: 'boolean', short: 'h', description: "Show this command's usage and options" };

function commandHelp(command: CommandDefinition): string {
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary, '', 'Options:'];
  const options = [...Object.entries(command.options ?? {}), ['help', HELP_OPTION] as const];
  const flags = options.map(
    ([name, spec]) => `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`,
  );
  const width = Math.max(...flags.map((flag) => flag.length));
  options.forEach(([, spec], i) => lines.push(`  ${flags[i].padEnd(width)}  ${spec.description}${spec.multiple ? ' (repeatable)' : ''}`));
  return lines.join('\n');
}

/** The options as parseArgs takes them: how each is parsed, without the words for people. */
function parseOptions(command: CommandDefinition) {
  const options = { ...command.options, help: HELP_OPTION };
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, short, multiple }]) => [
      name,
      { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) },
    ]),
  );
}

/** "; did you mean '--json'?" for an unknown option near one the command has; empty otherwise. */
function optionGuess(command: CommandDefinition, message: string): string {
  const unknown = /^Unknown option '--?([^'=]+)/.exec(message);
  if (!unknown) return '';
  const guess = didYouMean(closest(unknown[1], [...Object.keys(command.options ?? {}), 'help']).map((name) => `--${name}`));
  return guess ? `; ${guess}` : '';
}

/** Words that name no command: the nearest commands, then the commands of the group or all of them. */
function unknownCommand(argv: string[]): string {
  const guess = didYouMean(
    closestCommands(
      argv,
      COMMANDS.map((c) => c.name),
    ).map((name) => `flowdeck ${name}`),
  );
  const group = COMMANDS.filter((c) => c.name.split(' ')[0] === argv[0]);
  if (group.length > 0) {
    const said = `unknown ${argv[0]} command '${argv.slice(1).join(' ')}'`;
    return `${said}${guess ? `; ${guess}` : ''}\none of:\n${group.map((c) => `  ${usageLine(c)}`).join('\n')}`;
  }
  if (guess) return `unknown command '${argv[0]}'; ${guess}\nRun 'flowdeck --help' for every command.`;
  return `unknown command '${argv[0]}'\n\n${helpText(COMMANDS)}`;
}

/** Picks the command whose words match the start of argv, preferring the longest name. */
function findCommand(argv: string[]): { command: CommandDefinition; rest: string[] } | null {
  const sorted = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

function parseCommandArgs(command: CommandDefinition, rest: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: parseOptions(command),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new UsageError(`${message}${optionGuess(command, message)}\nUsage: ${usageLine(command)}`);
  }
  const spec = command.positionals ?? { min: 0, max: 0, names: [] };
  if (!parsed.values.help) {
    if (parsed.positionals.length < spec.min) {
      throw new UsageError(`missing ${spec.names.slice(parsed.positionals.length, spec.min).join(' ')}\nUsage: ${usageLine(command)}`);
    }
    if (parsed.positionals.length > spec.max) {
      throw new UsageError(`unexpected argument '${parsed.positionals[spec.max]}'\nUsage: ${usageLine(command)}`);
    }
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    ctx.print(helpText(COMMANDS));
    return argv.length === 0 ? EXIT_BAD_INPUT : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    ctx.print(FLOWDECK_VERSION);
    return EXIT_OK;
  }
  const found = findCommand(argv);
  if (!found) {
    ctx.note(unknownCommand(argv));
    return EXIT_BAD_INPUT;
  }
  try {
    const args = parseCommandArgs(found.command, found.rest);
    if (args.values.help) {
      ctx.print(commandHelp(found.command));
      return EXIT_OK;
    }
    const [{ run }] = await Promise.all([found.command.load(), ctx.prepare()]);
    return await run(args, ctx);
  } catch (error) {
    if (error instanceof UsageError || error instanceof StoreError || error instanceof SettingsError) {
      ctx.note(`${ctx.colors.red('error:')} ${error.message}`);
      // A database that cannot be written (a full disk) is no fault of what was typed.
      return error instanceof StoreError && error.code === 'CANNOT_WRITE' ? EXIT_SERVER : EXIT_BAD_INPUT;
    }
    const { describeServerFailure } = await import('./server-failures.js');
    const failure = describeServerFailure(error, ctx);
    if (failure) {
      ctx.note(`${ctx.colors.red('error:')} ${failure.message}`);
      return failure.exitCode;
    }
    throw error;
  } finally {
    await ctx.close();
  }
}

/** Ends quietly when the reader of our output goes away, as in `flowdeck ... | head`. */
function exitOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<void> {
  exitOnClosedPipe(process.stdout);
  exitOnClosedPipe(process.stderr);
  const ctx = new CliContext(process.env, process.stdout, process.stderr, process.cwd());
  let code: number;
  try {
    code = await runCli(argv, ctx);
  } catch (error) {
    process.stderr.write(`flowdeck: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    code = 70;
  }
  // Once the outcome is recorded and printed the command is done, even if flow code that ignored
  // its cancellation or timeout is still busy in the background.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
