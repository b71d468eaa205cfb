import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandRun } from '../command.js';
import { parseWholeNumber, stringListOption, stringOption } from '../command-helpers.js';
import { UsageError } from '../errors.js';
import { prepareEngine } from '../flow-files/execute-flow.js';
import { serve } from '../../engine/deployments/servable.js';
import { loadFlowModule, pickFlow } from '../flow-files/load-flow-file.js';
import { parseParams, parseParamsJson } from '../flow-files/parse-params.js';
import { carryOutDeploymentCalls, endDeploymentFile } from '../serving/deployment-calls.js';
import { COMMANDS } from './index.js';

/** `flowdeck serve start` means the server far more likely than a flow file named `start`. */
function checkServerMeant(file: string, cwd: string): void {
  if (existsSync(resolve(cwd, file))) return;
  const server = COMMANDS.find((command) => command.name === `server ${file}`);
  if (server) throw new UsageError(`no such file: ${file}; did you mean 'flowdeck ${server.name}'?`);
}

/** `--interval 90` is seconds; anything else is read as an ISO 8601 duration (PT1H) and checked with the schedule. */
function intervalOption(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  return /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

/** `flowdeck serve`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  checkServerMeant(args.positionals[0], ctx.cwd);
  const name = stringOption(args, 'name');
  if (name === undefined) throw new UsageError("--name is needed: the deployment's name, e.g. --name every-minute");
  const schedules = (['cron', 'interval', 'rrule'] as const).filter((option) => stringOption(args, option) !== undefined);
  if (schedules.length > 1)
    throw new UsageError(`give one schedule: --cron, --interval or --rrule, not ${schedules.map((o) => `--${o}`).join(' and ')}`);
  if (schedules.length === 0 && stringOption(args, 'timezone') !== undefined) {
    throw new UsageError('--timezone is the time zone of a schedule: give --cron, --interval or --rrule with it');
  }
  const limit = stringOption(args, 'limit');
  const fromJson = parseParamsJson(stringOption(args, 'params-json'));
  const progress = await prepareEngine(ctx);
  // Loaded with its own deploy() and serve() calls not carried out: this command serves the flows it picks.
  const module = await loadFlowModule(args.positionals[0], ctx.cwd, ctx.home);
  const named = [...new Set(stringListOption(args, 'flow'))];
  const flows = named.length > 0 ? named.map((flowName) => pickFlow(module, flowName)) : [pickFlow(module, undefined)];
  const common = {
    name,
    cron: stringOption(args, 'cron'),
    interval: intervalOption(stringOption(args, 'interval')),
    rrule: stringOption(args, 'rrule'),
    timezone: stringOption(args, 'timezone'),
    ...(stringListOption(args, 'tag').length > 0 ? { tags: stringListOption(args, 'tag') } : {}),
    ...(limit !== undefined ? { limit: parseWholeNumber(limit, '--limit', 1) } : {}),
  };
  // Each flow's parameters are read by its own schema.
  const deployments = flows.map((flow) => {
    const parameters = { ...fromJson, ...parseParams(stringListOption(args, 'param'), flow.options.parameters) };
    return flow.toDeployment({ ...common, ...(Object.keys(parameters).length > 0 ? { parameters } : {}) } as never);
  });
  carryOutDeploymentCalls();
  try {
    await serve(...deployments);
  } catch (error) {
    // The options came from the command line: name them as it does.
    if ((error as Error)?.name === 'DeploymentOptionsError') {
      throw new UsageError((error as Error).message.replace(/option '([A-Za-z]+)'/g, (_, option: string) => `--${dashed(option)}`));
    }
    throw error;
  }
  return endDeploymentFile(ctx, progress);
};

function dashed(option: string): string {
  return option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
