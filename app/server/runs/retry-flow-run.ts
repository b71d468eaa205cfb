import type { FlowRun } from '../../core/index.js';
import { newId } from '../../core/ids.js';
import { canBeRetried, RETRY_REFUSAL } from '../../core/orchestration/rules/retry-only-failed-crashed-or-cancelled-runs.js';
import type { RunStore } from '../store/run-store.js';
import { deploymentRetryCheck } from './deployment-retry.js';

/** Why a flow run cannot be retried as it stands, or null when it can. */
export function retryRefusal(run: FlowRun): string | null {
  if (canBeRetried(run.state.type)) return null;
  return `flow run '${run.name}' is ${run.state.name}; ${RETRY_REFUSAL}`;
}

export type RetryOutcome = { ok: true; run: FlowRun } | { ok: false; reason: 'NOT_FOUND' | 'NOT_RETRYABLE'; message: string };

/**
 * Proposes Scheduled (AwaitingRetry), due now, for a flow run, so the process that runs its
 * entrypoint next takes it as its next attempt; the policy accepts it only for a Failed, Crashed
 * or Cancelled run. A deployment's run stays in its deployment, pool and queue, for a worker of
 * the pool (or its serve process) to claim; the message says when a pause holds it back.
 */
export async function retryFlowRun(store: RunStore, id: string, message: string): Promise<RetryOutcome> {
  const run = await store.getFlowRun(id);
  if (!run) return { ok: false, reason: 'NOT_FOUND', message: `no flow run with id '${id}'` };
  let stateMessage = message;
  if (run.deploymentId && retryRefusal(run) === null) {
    const check = await deploymentRetryCheck(store, run);
    if (!check.ok) return { ok: false, reason: 'NOT_RETRYABLE', message: check.message };
    if (check.heldBy) stateMessage = `${message}; ${check.heldBy}`;
  }
  const result = await store.setStateNow({
    kind: 'flow',
    runId: id,
    transitionId: newId(),
    state: { type: 'SCHEDULED', name: 'AwaitingRetry', message: stateMessage, scheduledTime: Date.now() },
  });
  if (result.code === 'NOT_RETRYABLE') {
    return { ok: false, reason: 'NOT_RETRYABLE', message: `flow run '${run.name}' is ${(result.state ?? run.state).name}; ${result.reason}` };
  }
  if (result.status !== 'ACCEPT') {
    return { ok: false, reason: 'NOT_RETRYABLE', message: `flow run '${run.name}' cannot be retried: ${result.reason ?? result.status}` };
  }
  // Until the retrying process claims it, the sweep must not take the old, dead process's id as its owner.
  await store.releaseFlowRun(id);
  return { ok: true, run: (await store.getFlowRun(id))! };
}
