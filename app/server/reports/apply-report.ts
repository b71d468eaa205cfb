import type { z } from 'zod';
import type { ReportResult, ReportSchema } from '../../core/api/index.js';
import type { OrchestrationResult, StateType } from '../../core/index.js';
import type { OperationOutcome, StoreOperation } from '../store/group-commit.js';
import type { RunStore } from '../store/run-store.js';
import { StoreError } from '../store/store-error.js';

type ParsedReport = z.output<typeof ReportSchema>;

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

function resultOf(op: StoreOperation, outcome: OperationOutcome, onUnexpected: (error: unknown) => void): ReportResult {
  if (!outcome.ok) return outcomeOf(outcome.error, onUnexpected);
  if (op.kind === 'heartbeat') return { states: Object.fromEntries(outcome.value as Map<string, StateType>) };
  return outcome.value as OrchestrationResult;
}

/**
 * Applies a remote flow process's batch through the store, as a local run's calls are applied,
 * in one transaction: once it answers, everything in it is durable. When the database cannot be
 * written it throws a StoreError CANNOT_WRITE and nothing of the report is kept, so the client
 * sends it again whole, and its log lines (which carry no ids) are stored once.
 */
export async function applyReport(store: RunStore, report: ParsedReport, onUnexpected: (error: unknown) => void = () => {}): Promise<ReportResult[]> {
  const results = new Array<ReportResult | undefined>(report.operations.length);
  const ops: StoreOperation[] = [];
  const positions: number[] = [];
  // Flow runs this batch creates or has already found: a batch of a thousand task runs asks once.
  const knownFlowRuns = new Set<string>();
  for (const [i, op] of report.operations.entries()) {
    switch (op.kind) {
      case 'createFlowRun':
        knownFlowRuns.add(op.request.id);
        ops.push({ kind: 'createFlowRun', request: op.request });
        break;
      case 'createTaskRun': {
        const { flowRunId } = op.request;
        // Locally the engine cannot name a flow run it has not created; a remote client can.
        if (!knownFlowRuns.has(flowRunId)) {
          if (!(await store.hasFlowRun(flowRunId))) {
            results[i] = failure(404, `no flow run with id '${flowRunId}'`);
            continue;
          }
          knownFlowRuns.add(flowRunId);
        }
        ops.push({ kind: 'createTaskRun', request: op.request });
        break;
      }
      case 'setState':
        ops.push({ kind: 'setState', request: report.replay ? { ...op.request, replay: true } : op.request });
        break;
      case 'heartbeat':
        ops.push({ kind: 'heartbeat', ids: op.flowRunIds });
        break;
    }
    positions.push(i);
  }
  const outcomes = await store.applyReport(ops, report.logs);
  outcomes.forEach((outcome, k) => (results[positions[k]] = resultOf(ops[k], outcome, onUnexpected)));
  return results as ReportResult[];
}
