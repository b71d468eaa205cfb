/** Where the builder's last run stands, as Run from here on a node reads it. */
type LastRunPhase = 'idle' | 'starting' | 'running' | 'finished' | 'failed-to-start';

/**
 * The task run of a node that Run from here goes again from: the node's one run in the builder's
 * last run, once that run is finished. Otherwise why not, in words to show.
 */
export function runFromNode(phase: LastRunPhase, nodeRuns: readonly { taskRunId: string }[]): { taskRunId: string } | { reason: string } {
  if (phase === 'idle' || phase === 'failed-to-start')
    return { reason: 'Run the flow first: Run from here goes again from this step of the last run.' };
  if (phase !== 'finished') return { reason: 'The last run is not finished yet.' };
  if (nodeRuns.length === 0) return { reason: 'This step did not run in the last run.' };
  if (nodeRuns.length > 1) return { reason: `This step ran ${nodeRuns.length} times in the last run: pick one of them on the run's page.` };
  return { taskRunId: nodeRuns[0].taskRunId };
}
