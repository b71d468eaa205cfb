import type { CommandRun } from '../command.js';
import { flag, stringOption } from '../command-helpers.js';
import { readAutomationFile } from '../automations/automation-file.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck automation create`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const file = stringOption(args, 'file');
  if (file === undefined) throw new UsageError('automation create needs --file FILE (a YAML or JSON automation; see the README)');
  const spec = readAutomationFile(file, ctx.cwd);
  const automation = await (await ctx.automations()).create(spec);
  if (flag(args, 'json')) {
    ctx.printJson(automation);
    return EXIT_OK;
  }
  ctx.print(`Created automation ${automation.name} (${automation.id})${automation.enabled ? '' : ', paused'}.`);
  return EXIT_OK;
};
