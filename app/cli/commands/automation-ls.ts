import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { describeAction, describeTrigger } from '../../core/automations/describe.js';
import { EXIT_OK } from '../errors.js';
import { renderTable } from '../output/table.js';

/** `flowdeck automation ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const automations = await (await ctx.automations()).list();
  if (flag(args, 'json')) {
    ctx.printJson(automations);
    return EXIT_OK;
  }
  if (automations.length === 0) {
    ctx.print('No automations. Create one with: flowdeck automation create --file FILE');
    return EXIT_OK;
  }
  const rows = automations.map((automation) => [
    automation.name,
    automation.enabled ? 'enabled' : 'paused',
    describeTrigger(automation.trigger),
    automation.actions.map(describeAction).join('; '),
  ]);
  ctx.print(renderTable(['NAME', 'STATUS', 'WHEN', 'THEN'], rows, ctx.colors.bold));
  return EXIT_OK;
};
