import type { EventStreamStatus } from '../../../core/api/event-stream.js';
import type { FlowRun, StoredLog, TaskRun } from '../../../core/runs.js';
import type { State } from '../../../core/states.js';
import { followFlowRun, type FlowRunFollower, type FlowRunView, type FollowFlowRunOptions } from '../../shared/flow-run-live.js';

/** Everything the builder shows of one flow run while it goes. */
export interface RunSnapshot {
  flowRunId: string;
  flowRun: FlowRun | null;
  flowState: State | null;
  taskRuns: TaskRun[];
  logs: StoredLog[];
  stream: EventStreamStatus;
  /** Why the server could not be asked, when it could not. */
  error: string | null;
  /** The flow run reached a final state and what it left has been read. */
  finished: boolean;
}

interface TrackRunOptions extends Pick<FollowFlowRunOptions, 'client' | 'flowRunId' | 'openStream'> {
  onChange: (snapshot: RunSnapshot) => void;
  /** Log lines kept; older ones are dropped. */
  maxLogs?: number;
}

export interface RunTracker {
  readonly snapshot: RunSnapshot;
  close(): void;
}

function snapshotOf(flowRunId: string, view: FlowRunView): RunSnapshot {
  return {
    flowRunId,
    flowRun: view.flowRun,
    flowState: view.flowRun?.state ?? view.flowStates.at(-1) ?? null,
    taskRuns: view.taskRuns,
    logs: view.logs,
    stream: view.stream,
    error: view.error,
    finished: view.finished,
  };
}

/**
 * Follows a flow run started from the builder, with the run page's follower, until it is over
 * and what it left has been read.
 */
export function trackRun(options: TrackRunOptions): RunTracker {
  let snapshot: RunSnapshot = {
    flowRunId: options.flowRunId,
    flowRun: null,
    flowState: null,
    taskRuns: [],
    logs: [],
    stream: 'connecting',
    error: null,
    finished: false,
  };
  const follower: FlowRunFollower = followFlowRun({
    client: options.client,
    flowRunId: options.flowRunId,
    openStream: options.openStream,
    maxLogs: options.maxLogs ?? 1000,
    onChange: (view) => {
      snapshot = snapshotOf(options.flowRunId, view);
      options.onChange(snapshot);
      // Nothing more comes of a run that is over.
      if (snapshot.finished) follower.close();
    },
  });
  return {
    get snapshot() {
      return snapshot;
    },
    close() {
      follower.close();
    },
  };
}
