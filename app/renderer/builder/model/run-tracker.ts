import type { ApiClient } from '../../../core/api/client.js';
import type { EventStream, EventStreamOptions, EventStreamStatus } from '../../../core/api/event-stream.js';
import type { ServerEvent } from '../../../core/api/events.js';
import type { FlowRun, StoredLog, TaskRun } from '../../../core/runs.js';
import { isTerminal, type State } from '../../../core/states.js';
import { newerState } from '../../shared/node-states.js';

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

export type RunClient = Pick<ApiClient, 'getFlowRun' | 'listFlowRunTaskRuns' | 'listFlowRunLogs'>;

export interface TrackRunOptions {
  client: RunClient;
  flowRunId: string;
  /** Opens the server's event stream (openEventStream with the server's address filled in). */
  openStream: (options: Pick<EventStreamOptions, 'flowRunId' | 'onEvent' | 'onStatus'>) => EventStream;
  onChange: (snapshot: RunSnapshot) => void;
  /** Log lines kept; older ones are dropped. */
  maxLogs?: number;
}

export interface RunTracker {
  readonly snapshot: RunSnapshot;
  close(): void;
}

/**
 * Follows a flow run: the event stream for states and log lines as they happen, and the REST API
 * for what happened before the stream opened, for task runs the stream names before we know them,
 * and for the result at the end.
 */
export function trackRun(options: TrackRunOptions): RunTracker {
  const maxLogs = options.maxLogs ?? 1000;
  const taskRuns = new Map<string, TaskRun>();
  const logIds = new Set<number>();
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
  let closed = false;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;

  const publish = (changes: Partial<RunSnapshot>) => {
    snapshot = { ...snapshot, ...changes, taskRuns: [...taskRuns.values()] };
    if (!closed) options.onChange(snapshot);
  };

  const addLogs = (lines: StoredLog[]) => {
    const fresh = lines.filter((line) => !logIds.has(line.id));
    if (fresh.length === 0) return snapshot.logs;
    for (const line of fresh) logIds.add(line.id);
    const logs = [...snapshot.logs, ...fresh].sort((a, b) => a.id - b.id);
    return logs.length > maxLogs ? logs.slice(logs.length - maxLogs) : logs;
  };

  const mergeTaskRun = (run: TaskRun) => {
    const known = taskRuns.get(run.id);
    taskRuns.set(run.id, known ? { ...run, state: newerState(known.state, run.state) } : run);
  };

  const refresh = async (): Promise<void> => {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        const [flowRun, runs, logs] = await Promise.all([
          options.client.getFlowRun({ params: { id: options.flowRunId } }),
          options.client.listFlowRunTaskRuns({ params: { id: options.flowRunId } }),
          options.client.listFlowRunLogs({ params: { id: options.flowRunId } }),
        ]);
        for (const run of runs) mergeTaskRun(run);
        const flowState = newerState(snapshot.flowState ?? undefined, flowRun.state);
        // Only a read that saw the final state itself has the result; a final state the stream
        // brought while an earlier read was under way is read again (refreshAgain).
        const finished = isTerminal(flowRun.state.type);
        publish({ flowRun: { ...flowRun, state: flowState }, flowState, logs: addLogs(logs), error: null, finished });
        if (finished) stream.close();
      } catch (error) {
        publish({ error: `could not read the run from the server: ${(error as Error).message}` });
      }
    })();
    try {
      await refreshing;
    } finally {
      refreshing = null;
    }
    if (refreshAgain && !closed) {
      refreshAgain = false;
      await refresh();
    }
  };

  const scheduleRefresh = () => {
    if (refreshTimer !== null || closed) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refresh();
    }, 50);
  };

  const onEvent = (event: ServerEvent) => {
    if (closed) return;
    if (event.type === 'error') {
      publish({ error: event.message });
      return;
    }
    if (event.type === 'log') {
      publish({ logs: addLogs([event.log]) });
      return;
    }
    if (event.kind === 'flow') {
      if (event.runId !== options.flowRunId) return;
      const flowState = newerState(snapshot.flowState ?? undefined, event.state);
      publish({ flowState, flowRun: snapshot.flowRun ? { ...snapshot.flowRun, state: flowState } : null });
      // The result and the last task states are read once the run is over.
      if (isTerminal(flowState.type)) void refresh();
      return;
    }
    const known = taskRuns.get(event.runId);
    if (known) {
      taskRuns.set(event.runId, { ...known, state: newerState(known.state, event.state) });
      publish({});
    } else {
      // A task run we have not seen: its name comes with the run, so read the runs again.
      scheduleRefresh();
    }
  };

  const stream = options.openStream({
    flowRunId: options.flowRunId,
    onEvent,
    onStatus: (status, detail) => {
      if (closed) return;
      publish({ stream: status, ...(status === 'reconnecting' && detail ? { error: `lost the live connection (${detail})` } : {}) });
      // What happened before the stream opened is read once it is open, so nothing falls between.
      if (status === 'open') void refresh();
    },
  });

  return {
    get snapshot() {
      return snapshot;
    },
    close() {
      if (closed) return;
      closed = true;
      if (refreshTimer !== null) clearTimeout(refreshTimer);
      stream.close();
    },
  };
}
