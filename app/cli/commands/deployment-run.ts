import type { CommandRun } from '../command.js';
import { flag, stringListOption, stringOption } from '../command-helpers.js';
import { commandLineParams } from '../deployments/deployment-params.js';
import { findDeployment } from '../deployments/find-deployment.js';
import { EXIT_OK } from '../errors.js';
import { followDeploymentRun } from '../deployments/follow-deployment-run.js';
import { formatStateName } from '../output/format.js';

/** `flowdeck deployment run`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const deployment = await findDeployment(source, args.positionals[0]);
  const parameters = commandLineParams(stringListOption(args, 'param'), stringOption(args, 'params-json'), deployment.parameterSchema);
  const run = await source.runDeployment(deployment.id, Object.keys(parameters).length > 0 ? { parameters } : {});
  const json = flag(args, 'json');
  if (flag(args, 'watch')) {
    if (!json)
      ctx.print(
        `Created flow run ${run.name} ${ctx.colors.gray(run.id)} of ${deployment.fullName}; following it until it ends (Ctrl+C stops following, not the run)`,
      );
    return followDeploymentRun(ctx, run, json);
  }
  if (json) {
    ctx.printJson(run);
    return EXIT_OK;
  }
  const who = deployment.workPool === null ? `its serve process` : `a worker of work pool ${deployment.workPool}`;
  ctx.print(`Created flow run ${run.name} (${run.id}) of ${deployment.fullName}: ${formatStateName(run.state, ctx.colors)}, for ${who} to start.`);
  return EXIT_OK;
};
