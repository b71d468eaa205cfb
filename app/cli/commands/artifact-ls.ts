import { ArtifactTypeSchema, artifactKeyProblem, ARTIFACT_PAGE_MAX } from '../../core/api/artifacts.js';
import { openArtifacts } from '../artifacts/open-artifacts.js';
import { renderArtifactTable } from '../artifacts/artifact-output.js';
import type { CommandRun } from '../command.js';
import { findFlowRun, flag, parseWholeNumber, stringOption } from '../command-helpers.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** `flowdeck artifact ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const key = stringOption(args, 'key');
  if (key !== undefined && artifactKeyProblem(key)) throw new UsageError(`--key ${artifactKeyProblem(key)}`);
  const typeText = stringOption(args, 'type');
  const type = typeText === undefined ? undefined : ArtifactTypeSchema.safeParse(typeText);
  if (type && !type.success) throw new UsageError(`--type must be one of ${ArtifactTypeSchema.options.join(', ')}, got '${typeText}'`);
  const limitText = stringOption(args, 'limit');
  const limit = limitText === undefined ? 50 : parseWholeNumber(limitText, '--limit', 1, ARTIFACT_PAGE_MAX);
  const givenRun = stringOption(args, 'flow-run');
  const flowRunId = givenRun === undefined ? undefined : (await findFlowRun(await ctx.runs(), givenRun)).id;

  const source = await openArtifacts(ctx);
  // A run's artifacts and a key's history are every version; otherwise the latest of each key.
  const everyVersion = flag(args, 'all') || flowRunId !== undefined;
  const page =
    everyVersion || key !== undefined
      ? await source.listArtifacts({ key, flowRunId, type: type?.data, limit: everyVersion ? limit : 1 })
      : await source.listLatestArtifacts({ type: type?.data, limit });
  if (flag(args, 'json')) {
    ctx.printJson(page.items);
    return EXIT_OK;
  }
  if (page.items.length === 0) {
    ctx.print(
      flowRunId
        ? 'This flow run has no artifacts.'
        : 'No artifacts. Flows make them with createMarkdownArtifact, createTableArtifact, createLinkArtifact or createProgressArtifact.',
    );
    return EXIT_OK;
  }
  const runPrefixes = await (await ctx.runs()).uniqueIdPrefixes('flow', [...new Set(page.items.map((a) => a.flowRunId))]);
  ctx.print(renderArtifactTable(page.items, runPrefixes, ctx.colors));
  if (page.nextCursor) ctx.print(`(the first ${page.items.length}; --limit shows more)`);
  return EXIT_OK;
};
