import type { CommandRun } from '../command.js';
import { findDeployment } from '../deployments/find-deployment.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck deployment pause`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const deployment = await findDeployment(source, args.positionals[0]);
  if (deployment.paused) {
    ctx.print(`Deployment ${deployment.fullName} is already paused.`);
    return EXIT_OK;
  }
  await source.setDeploymentPaused(deployment.id, true);
  ctx.print(`Paused deployment ${deployment.fullName}: it makes no scheduled runs and its waiting runs are not started until it is resumed.`);
  return EXIT_OK;
};
