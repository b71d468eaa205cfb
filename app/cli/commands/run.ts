import { defineCommand } from '../command.js';
import { executeFlow, prepareEngine } from '../flow-files/execute-flow.js';
import { loadFlowFile } from '../flow-files/load-flow-file.js';
import { parseParams } from '../flow-files/parse-params.js';

const runCommand = defineCommand({
  name: 'run',
  summary: 'Run a flow file and wait for its final state',
  usage: 'FILE [--flow NAME] [--param key=value]... [--json]',
  options: {
    flow: { type: 'string' },
    param: { type: 'string', multiple: true, short: 'p' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1, names: ['FILE'] },
  async run(args, ctx) {
    // The store opens first: a damaged FLOWDECK_HOME is reported before any flow code runs.
    const progress = prepareEngine(ctx);
    const { flow, path } = await loadFlowFile(args.positionals[0], ctx.cwd, args.values.flow as string | undefined);
    const params = parseParams((args.values.param as string[] | undefined) ?? [], flow.options.parameters);
    return executeFlow(ctx, progress, flow, params, { entrypoint: `${path}:${flow.name}` }, args.values.json === true);
  },
});

export default runCommand;
