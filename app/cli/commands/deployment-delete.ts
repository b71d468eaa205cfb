import type { CommandRun } from '../command.js';
import { findDeployment } from '../deployments/find-deployment.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck deployment delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const deployment = await findDeployment(source, args.positionals[0]);
  // Deleted by another hand between the two requests.
  if (!(await source.deleteDeployment(deployment.id)))
    throw new UsageError(`no deployment '${deployment.fullName}'; 'flowdeck deployment ls' lists them`);
  ctx.print(`Deleted deployment ${deployment.fullName} and its scheduled runs that had not started.`);
  return EXIT_OK;
};
