import { openArtifacts } from '../artifacts/open-artifacts.js';
import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck artifact delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const given = args.positionals[0];
  const source = await openArtifacts(ctx);
  if (await source.deleteArtifact(given)) {
    ctx.print(`Deleted artifact ${given}.`);
    return EXIT_OK;
  }
  const deleted = await source.deleteArtifactKey(given);
  if (deleted === 0) throw new UsageError(`no artifact with key or id '${given}'; 'flowdeck artifact ls' lists them`);
  ctx.print(`Deleted ${deleted} version${deleted === 1 ? '' : 's'} of artifact '${given}'.`);
  return EXIT_OK;
};
