import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { flag } from '../command-helpers.js';
import { describeFlows } from '../flow-files/describe-flows.js';
import { loadFlowModule } from '../flow-files/load-flow-file.js';
import { renderTable } from '../output/table.js';

function parameterNames(schema: Record<string, unknown> | null): string {
  if (schema === null) return '-';
  const properties = schema.properties;
  if (!properties || typeof properties !== 'object') return '(not an object)';
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const names = Object.keys(properties).map((name) => (required.has(name) ? name : `${name}?`));
  return names.length > 0 ? names.join(', ') : '(none)';
}

/** `flowdeck flow describe`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const flows = describeFlows(await loadFlowModule(args.positionals[0], ctx.cwd, ctx.home));
  if (flag(args, 'json')) {
    ctx.printJson({ flows });
    return EXIT_OK;
  }
  const rows = flows.map((flow) => [flow.isDefault ? '*' : '', flow.name, parameterNames(flow.parameters)]);
  ctx.print(renderTable(['', 'FLOW', 'PARAMETERS'], rows, ctx.colors.bold));
  return EXIT_OK;
};
