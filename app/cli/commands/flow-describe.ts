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

/** How the file exports a flow: its export names, or that it does not. */
function exportsText(exports: readonly string[]): string {
  return exports.length > 0 ? exports.join(', ') : '(not exported)';
}

/** `flowdeck flow describe`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const module = await loadFlowModule(args.positionals[0], ctx.cwd, ctx.home);
  const flows = describeFlows(module);
  const deployments = module.deploymentCalls;
  if (flag(args, 'json')) {
    ctx.printJson({ flows, deployments });
    return EXIT_OK;
  }
  const rows = flows.map((flow) => [flow.isDefault ? '*' : '', flow.name, exportsText(flow.exports), parameterNames(flow.parameters)]);
  ctx.print(renderTable(['', 'FLOW', 'EXPORTS', 'PARAMETERS'], rows, ctx.colors.bold));
  if (deployments.length > 0) {
    ctx.print('');
    ctx.print(`${ctx.colors.bold('Running this file makes these deployments')} ${ctx.colors.gray('(describing it made none)')}`);
    const made = deployments.map((d) => [
      d.fullName,
      `${d.method}()`,
      d.entrypoint ?? '(flow not exported: deploy() refuses it)',
      d.method === 'serve' ? '(its own process)' : `${d.workPool ?? '-'}${d.workQueue ? `/${d.workQueue}` : ''}`,
      d.schedules.length > 0 ? d.schedules.join('; ') : '(none: runs when asked)',
    ]);
    ctx.print(renderTable(['DEPLOYMENT', 'CALL', 'ENTRYPOINT', 'WORK POOL', 'SCHEDULES'], made, ctx.colors.bold));
  }
  return EXIT_OK;
};
