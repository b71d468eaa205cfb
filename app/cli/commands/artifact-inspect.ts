import { openArtifacts } from '../artifacts/open-artifacts.js';
import { renderArtifact, renderArtifactTable } from '../artifacts/artifact-output.js';
import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck artifact inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const given = args.positionals[0];
  const source = await openArtifacts(ctx);
  const artifact = await source.getArtifact(given);
  if (artifact) {
    if (flag(args, 'json')) ctx.printJson(artifact);
    else ctx.print(renderArtifact(artifact, ctx.colors));
    return EXIT_OK;
  }
  const versions = await source.listArtifactVersions(given);
  if (versions.length === 0) throw new UsageError(`no artifact with key or id '${given}'; 'flowdeck artifact ls' lists them`);
  if (flag(args, 'json')) {
    ctx.printJson({ key: given, versions });
    return EXIT_OK;
  }
  ctx.print(renderArtifact(versions[0], ctx.colors));
  ctx.print();
  ctx.print(ctx.colors.bold(`History (${versions.length} version${versions.length === 1 ? '' : 's'}, newest first)`));
  const runPrefixes = await (await ctx.runs()).uniqueIdPrefixes('flow', [...new Set(versions.map((a) => a.flowRunId))]);
  ctx.print(renderArtifactTable(versions, runPrefixes, ctx.colors));
  return EXIT_OK;
};
