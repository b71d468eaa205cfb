import type { CommandRun } from '../command.js';
import { findDeployment } from '../deployments/find-deployment.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck deployment resume`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const deployment = await findDeployment(source, args.positionals[0]);
  if (!deployment.paused) {
    ctx.print(`Deployment ${deployment.fullName} is not paused.`);
    return EXIT_OK;
  }
  await source.setDeploymentPaused(deployment.id, false);
  ctx.print(`Resumed deployment ${deployment.fullName}: its schedules make runs again from now on.`);
  return EXIT_OK;
};
