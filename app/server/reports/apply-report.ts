import type { z } from 'zod';
import type { ReportResult, ReportSchema } from '../../core/api/index.js';
import type { OrchestrationResult } from '../../core/index.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import { StoreError } from '../store/store-error.js';

export type ParsedReport = z.output<typeof ReportSchema>;

function failure(status: number, message: string): ReportResult {
  return { error: { status, message } };
}

/** An operation that failed is answered in its place; the rest of the batch stands. */
function outcomeOf(error: unknown, onUnexpected: (error: unknown) => void): ReportResult {
  if (error instanceof StoreError) {
    if (error.code === 'NOT_FOUND') return failure(404, error.message);
    if (error.code === 'INVALID') return failure(400, error.message);
  }
  onUnexpected(error);
  return failure(500, `the server could not store this operation: ${(error as Error)?.message ?? String(error)}`);
}

/**
 * Applies a remote flow process's batch through the store's reporting interface, exactly as a
 * local run's calls are applied, and answers once everything in it is durable. Operations are
 * queued in the order sent within one tick, so the store commits them together and in order.
 */
export async function applyReport(
  store: SqliteStore,
  report: ParsedReport,
  onUnexpected: (error: unknown) => void = () => {},
): Promise<ReportResult[]> {
  const settle = (promise: Promise<OrchestrationResult>): Promise<ReportResult> =>
    promise.then(
      (result) => result,
      (error: unknown) => outcomeOf(error, onUnexpected),
    );
  // The store writes buffered log lines before any operation queued after them.
  if (report.logs.length > 0) store.writeLogs(report.logs);
  const createdHere = new Set<string>();
  const pending = report.operations.map((op): Promise<ReportResult> => {
    switch (op.kind) {
      case 'createFlowRun':
        createdHere.add(op.request.id);
        return settle(store.createFlowRun(op.request));
      case 'createTaskRun': {
        const { flowRunId } = op.request;
        // Locally the engine cannot name a flow run it has not created; a remote client can.
        if (!createdHere.has(flowRunId) && !store.hasFlowRun(flowRunId)) {
          return Promise.resolve(failure(404, `no flow run with id '${flowRunId}'`));
        }
        return settle(store.createTaskRun(op.request));
      }
      case 'setState':
        return settle(store.setState(report.replay ? { ...op.request, replay: true } : op.request));
      case 'heartbeat':
        return store.heartbeat(op.flowRunIds).then(
          (states) => ({ states: Object.fromEntries(states) }),
          (error: unknown) => outcomeOf(error, onUnexpected),
        );
    }
  });
  // Log lines sent alone: an empty heartbeat queued after them resolves once they are committed.
  const logsCommitted = report.logs.length > 0 && report.operations.length === 0 ? store.heartbeat([]) : null;
  // The report is a batch already: committed now, not after the rest of the tick.
  store.commitNow();
  await logsCommitted;
  return Promise.all(pending);
}
