import { pendingRetry, type ReuseOptions, type State } from '../../core/index.js';
import { engineSettings, loadReusePlan, ResultsElsewhereError } from '../../engine/hosting.js';

/**
 * How the attempt of a stored run that waits as a retry (its state history, oldest first, says
 * so) reuses the earlier attempts: their completed tasks, unless the retry asked for every task to
 * run again. Undefined for a run that is not a retry. Results recorded on another machine cannot
 * be read here, so then every task runs again, which `note` is told. Needs the engine prepared.
 */
export async function retryReuse(runId: string, states: readonly State[], note: (text: string) => void): Promise<ReuseOptions | undefined> {
  const retry = pendingRetry(states);
  if (retry === null || retry.all) return undefined;
  const reuse: ReuseOptions = { fromFlowRunId: runId };
  const settings = engineSettings();
  try {
    (await loadReusePlan(settings.reporter!, reuse, settings.home)).close();
  } catch (error) {
    if (!(error instanceof ResultsElsewhereError)) throw error;
    note(`${error.message.split('. ')[0]}; this attempt runs every task again`);
    return undefined;
  }
  return reuse;
}
