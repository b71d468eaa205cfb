import type { CommandRun, ParsedArgs } from '../command.js';
import { flag, stringOption } from '../command-helpers.js';
import type { CliContext } from '../context.js';
import type { DeploymentSpec } from '../deployments/deployment-spec.js';
import { nextScheduledTimes, poolCell, scheduleWords } from '../deployments/deployment-output.js';
import { findProjectFile } from '../deployments/find-project.js';
import { prepareDeployments } from '../deployments/prepare-deployments.js';
import { readProjectFile } from '../deployments/read-project-file.js';
import { ONE_FILE_OPTIONS, specFromOptions } from '../deployments/spec-from-options.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { formatTime } from '../output/format.js';
import { closest, didYouMean } from '../suggest.js';

/** How many next run times each deployment shows. */
const NEXT_RUNS_SHOWN = 3;

/** The deployments of flowdeck.yaml that were asked for: by name, all, or the only one. */
function chosen(all: readonly DeploymentSpec[], names: readonly string[], everyOne: boolean, file: string): DeploymentSpec[] {
  const known = [...new Set(all.map((d) => d.name))];
  if (everyOne) {
    if (names.length > 0) throw new UsageError('name deployments or give --all, not both');
    return [...all];
  }
  if (names.length === 0) {
    if (all.length === 1) return [...all];
    throw new UsageError(`${file} has ${all.length} deployments: name the ones to deploy (${known.join(', ')}) or deploy them all with --all`);
  }
  for (const name of names) {
    if (known.includes(name)) continue;
    const guess = didYouMean(closest(name, known));
    throw new UsageError(`${file} has no deployment named '${name}'${guess ? `; ${guess}` : ''}; it has ${known.join(', ')}`);
  }
  return all.filter((d) => names.includes(d.name));
}

function specsToDeploy(args: ParsedArgs, ctx: CliContext): { specs: DeploymentSpec[]; root: string } {
  if (stringOption(args, 'name') !== undefined) {
    if (flag(args, 'all')) throw new UsageError('--all deploys what flowdeck.yaml lists; with --name, deploy one flow file');
    if (stringOption(args, 'file') !== undefined) throw new UsageError('--file names a flowdeck.yaml; with --name, deploy one flow file without it');
    const { spec, root } = specFromOptions(args, ctx.cwd);
    return { specs: [spec], root };
  }
  const lone = ONE_FILE_OPTIONS.find((option) => args.values[option] !== undefined);
  if (lone)
    throw new UsageError(`--${lone} describes a deployment of one flow file: give its name too (flowdeck deploy FILE --name NAME --${lone} ...)`);
  const project = readProjectFile(findProjectFile(ctx.cwd, stringOption(args, 'file')), ctx.cwd);
  return { specs: chosen(project.deployments, args.positionals, flag(args, 'all'), project.label), root: project.root };
}

/** `flowdeck deploy`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const { specs, root } = specsToDeploy(args, ctx);
  const { requests, bundles } = await prepareDeployments(specs, root, ctx.home);
  const source = await ctx.deployments();
  for (const [hash, bundle] of bundles) await source.putBundle(hash, bundle);
  const deployed = await source.deployMany(requests);
  if (flag(args, 'json')) {
    ctx.printJson(deployed);
    return EXIT_OK;
  }
  const { colors } = ctx;
  const now = new Date();
  for (const deployment of deployed) {
    const pool = deployment.workPool === null ? 'no work pool' : `work pool ${poolCell(deployment)}`;
    ctx.print(`${colors.green('Deployed')} ${colors.bold(deployment.fullName)} (${deployment.entrypoint}, ${pool})`);
    const words = scheduleWords(deployment);
    if (words.length === 0) ctx.print(`  no schedule: start runs with flowdeck deployment run ${deployment.fullName}`);
    for (const line of words) ctx.print(`  ${line}`);
    if (deployment.paused) ctx.print('  paused: it makes no scheduled runs until flowdeck deployment resume');
    const next = nextScheduledTimes(deployment, now, NEXT_RUNS_SHOWN);
    if (next.length > 0) ctx.print(`  next runs: ${next.map(formatTime).join(', ')}`);
  }
  return EXIT_OK;
};
