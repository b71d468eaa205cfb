import { SECRET_BLOCK } from '../../core/blocks/index.js';
import type { CommandRun } from '../command.js';
import { stringOption } from '../command-helpers.js';
import { blockAddress } from '../blocks/block-data-option.js';
import { askLine, readAllStdin, stdinIsTerminal } from '../blocks/terminal-input.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** The value piped in, without the one line break `echo` and files end with. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** `flowdeck secret set`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const [name, extra] = args.positionals;
  const { type } = blockAddress(`${SECRET_BLOCK.slug}/${name}`);
  if (extra !== undefined) {
    // Shell history and process listings keep what is on a command line.
    throw new UsageError(
      `secret set reads the value from stdin, not the command line; pipe it in (printf %s "$VALUE" | flowdeck secret set ${name}), or give --value VALUE to accept that it may be seen`,
    );
  }
  let value = stringOption(args, 'value');
  if (value !== undefined) {
    ctx.note('warning: a value given with --value may be kept in shell history and seen in process listings; prefer piping it to stdin');
  } else if (stdinIsTerminal()) {
    value = await askLine(`Value of secret ${name}: `, { hidden: true });
  } else {
    value = withoutFinalNewline(await readAllStdin());
  }
  if (value === '') throw new UsageError('the secret value is empty; pipe the value to stdin');
  const source = await ctx.blocks();
  const existed = (await source.read(type, name)) !== null;
  await source.save(type, name, { value });
  ctx.print(`${existed ? 'Updated' : 'Created'} secret ${name}. Load it in a flow with: await Secret.load('${name}')`);
  return EXIT_OK;
};
