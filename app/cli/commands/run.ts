import { RunIdSchema } from '../../core/api/index.js';
import { defineCommand } from '../command.js';
import { stringOption } from '../command-helpers.js';
import { UsageError } from '../errors.js';
import { executeFlow, prepareEngine } from '../flow-files/execute-flow.js';
import { loadFlowFile } from '../flow-files/load-flow-file.js';
import { parseParams, parseParamsJson } from '../flow-files/parse-params.js';

/** An id for the new run chosen by whoever starts the process, so it can name the run before it exists. */
function newRunId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!RunIdSchema.safeParse(raw).success || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw new UsageError(`--flow-run-id takes up to 128 letters, digits, - and _, got '${raw.slice(0, 200)}'`);
  }
  return raw;
}

const runCommand = defineCommand({
  name: 'run',
  summary: 'Run a flow file and wait for its final state',
  usage: 'FILE [--flow NAME] [--param key=value]... [--params-json JSON] [--flow-run-id ID] [--json]',
  options: {
    flow: { type: 'string', value: 'NAME', description: "The flow to run, when it is not the file's default export" },
    param: { type: 'string', multiple: true, short: 'p', value: 'key=value', description: 'A parameter; the value is read as JSON, else taken as text' },
    'params-json': { type: 'string', value: 'JSON', description: 'All parameters as one JSON object; --param overrides its keys' },
    'flow-run-id': { type: 'string', value: 'ID', description: 'The id to give the new flow run' },
    json: { type: 'boolean', description: 'End with one JSON line: flowRunId, state and result' },
  },
  positionals: { min: 1, max: 1, names: ['FILE'] },
  async run(args, ctx) {
    const flowRunId = newRunId(stringOption(args, 'flow-run-id'));
    const fromJson = parseParamsJson(stringOption(args, 'params-json'));
    // The store opens first: a damaged FLOWDECK_HOME is reported before any flow code runs.
    const progress = await prepareEngine(ctx);
    const { flow, path } = await loadFlowFile(args.positionals[0], ctx.cwd, args.values.flow as string | undefined);
    // Each --param overrides the same key of --params-json.
    const params = { ...fromJson, ...parseParams((args.values.param as string[] | undefined) ?? [], flow.options.parameters) };
    return executeFlow(
      ctx,
      progress,
      flow,
      params,
      { entrypoint: `${path}:${flow.name}`, ...(flowRunId ? { newFlowRunId: flowRunId } : {}) },
      args.values.json === true,
    );
  },
});

export default runCommand;
