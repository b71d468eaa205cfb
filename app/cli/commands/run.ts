import { numericSetting } from '../../core/index.js';
import { configureEngine, crashActiveRuns, ParameterValidationError, previewOf } from '../../engine/index.js';
import { defineCommand } from '../command.js';
import { EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { loadFlowFile } from '../flow-files/load-flow-file.js';
import { parseParams } from '../flow-files/parse-params.js';
import { RunProgress } from '../output/run-progress.js';
import { formatStateName } from '../output/format.js';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

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
    const file = args.positionals[0];
    const json = args.values.json === true;
    // Open the store first: a damaged FLOWDECK_HOME is reported before any code runs.
    const store = ctx.openStore();
    const progress = new RunProgress(ctx);
    configureEngine({
      reporter: store,
      home: ctx.home,
      consoleSink: progress.logLine,
      onEvent: progress.event,
      heartbeatSeconds: numericSetting(ctx.env, 'FLOWDECK_HEARTBEAT_SECONDS'),
      cancelGraceSeconds: numericSetting(ctx.env, 'FLOWDECK_CANCEL_GRACE_SECONDS'),
    });
    const { flow, path } = await loadFlowFile(file, ctx.cwd, args.values.flow as string | undefined);
    const params = parseParams((args.values.param as string[] | undefined) ?? [], flow.options.parameters);

    const onSignal = (signal: NodeJS.Signals) => {
      progress.finish();
      ctx.note(`received ${signal}: recording unfinished runs as Crashed`);
      void crashActiveRuns(`the flow process received ${signal}`).finally(() => process.exit(SIGNAL_EXIT[signal] ?? 1));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let outcome;
    try {
      outcome = await flow.run(params, { entrypoint: `${path}:${flow.name}` });
    } catch (error) {
      progress.finish();
      if (error instanceof ParameterValidationError) throw new UsageError(error.message);
      throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await store.flush();
    const summary = progress.finish();
    if (summary) ctx.note(ctx.colors.gray(summary));
    const { state } = outcome;
    if (json) {
      ctx.printJson({
        flowRunId: outcome.flowRunId,
        state: { type: state.type, name: state.name },
        result: outcome.ok ? JSON.parse(previewOf(outcome.result ?? null, Number.MAX_SAFE_INTEGER)) : null,
        ...(outcome.ok ? {} : { error: state.message ?? String((outcome.error as Error)?.message ?? outcome.error) }),
      });
    } else {
      const c = ctx.colors;
      ctx.print(`${c.bold('Flow run')}  ${outcome.flowRunName} ${c.gray(outcome.flowRunId)}`);
      ctx.print(`${c.bold('State')}     ${formatStateName(state, c)}`);
      if (outcome.ok) ctx.print(`${c.bold('Result')}    ${previewOf(outcome.result ?? null, 500)}`);
      else if (outcome.error) ctx.print(`${c.bold('Error')}     ${(outcome.error as Error)?.name ?? 'Error'}: ${(outcome.error as Error)?.message ?? String(outcome.error)}`);
    }
    return state.type === 'COMPLETED' ? EXIT_OK : EXIT_RUN_FAILED;
  },
});

export default runCommand;
