import { createProfile } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import type { CommandRun } from '../command.js';
import { stringOption } from '../command-helpers.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';

/** `flowdeck profile create`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const name = args.positionals[0];
  const from = stringOption(args, 'from');
  const { path } = openProfiles(ctx);
  updateProfilesFile(path, (doc) => createProfile(doc, name, from));
  ctx.print(`Created profile '${name}'${from === undefined ? '' : ` with the settings of '${from}'`}.`);
  ctx.print(`Switch to it with: flowdeck profile use ${name}`);
  return EXIT_OK;
};
