import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { describeAction, describeTrigger } from '../../core/automations/describe.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { renderFields } from '../output/fields.js';
import { formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';

/** `flowdeck automation inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const reference = args.positionals[0];
  const automation = await (await ctx.automations()).read(reference);
  if (!automation) throw new UsageError(`no automation with id or name '${reference}'; 'flowdeck automation ls' lists them`);
  if (flag(args, 'json')) {
    ctx.printJson(automation);
    return EXIT_OK;
  }
  ctx.print(ctx.colors.bold(`Automation ${automation.name}`));
  ctx.print(
    renderFields([
      ['id', automation.id],
      ['status', automation.enabled ? 'enabled' : 'paused'],
      ...(automation.description ? [['description', automation.description] as [string, string]] : []),
      ['when', describeTrigger(automation.trigger)],
      ...automation.actions.map((action, index): [string, string] => [`action ${index + 1}`, describeAction(action)]),
      ['created', formatTime(automation.createdAt)],
      ['updated', formatTime(automation.updatedAt)],
    ]),
  );
  ctx.print('');
  if (automation.firings.length === 0) {
    ctx.print('Not fired yet.');
    return EXIT_OK;
  }
  const rows = automation.firings.map((firing) => [
    formatTime(firing.firedAt),
    firing.flowRunId,
    firing.stateName,
    firing.deliveries
      .map(
        (delivery) =>
          `${delivery.actionKind}: ${delivery.status}${delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : ''}${delivery.status !== 'done' && delivery.lastError ? ` (${delivery.lastError})` : ''}`,
      )
      .join('; '),
  ]);
  ctx.print(renderTable(['FIRED', 'FLOW RUN', 'STATE', 'ACTIONS'], rows, ctx.colors.bold));
  return EXIT_OK;
};
