import type { ApiClient } from '../../core/api/client.js';
import type { EventStream, EventStreamOptions, EventStreamStatus } from '../../core/api/event-stream.js';
import type { ServerEvent } from '../../core/api/events.js';
import type { FlowRunRead } from '../../core/api/flow-runs.js';
import type { FlowRunSummary, StoredLog, TaskRun } from '../../core/runs.js';
import { isTerminal, type State } from '../../core/states.js';
import { newerState } from './node-states.js';
import { errorMessage } from '../../core/error-message.js';

/** Everything the flow run page and the builder's run panel show of a flow run, as it stands. */
export interface FlowRunView {
  flowRun: FlowRunRead | null;
  flowStates: State[];
  taskRuns: TaskRun[];
  /** Each task run's states, oldest first. */
  histories: ReadonlyMap<string, State[]>;
  /** Child flow runs (subflows), by the task run that started them. */
  subflows: ReadonlyMap<string, FlowRunSummary>;
  logs: StoredLog[];
  /** True while older log lines than those held are on the server. */
  logsTruncated: boolean;
  stream: EventStreamStatus;
  /** Why the server could not be read, when it could not. */
  error: string | null;
  /** The first read is done. */
  loaded: boolean;
  /** A read saw the flow run in a final state, so its result and last task states are in. */
  finished: boolean;
  /** Bumped on every change, for views that memoise on it. */
  version: number;
}

export type FlowRunClient = Pick<
  ApiClient,
  'getFlowRun' | 'listFlowRunTaskRuns' | 'listFlowRunLogs' | 'listFlowRunStates' | 'listFlowRunTaskRunStates' | 'listFlowRuns'
>;

export interface FollowFlowRunOptions {
  client: FlowRunClient;
  flowRunId: string;
  openStream: (options: Pick<EventStreamOptions, 'flowRunId' | 'onEvent' | 'onStatus'>) => EventStream;
  onChange: (view: FlowRunView) => void;
  /** Log lines held in memory; the oldest are dropped past it. */
  maxLogs?: number;
  /** Publishes at most once per this many ms, so a burst of state changes is one redraw. */
  publishEveryMs?: number;
}

export interface FlowRunFollower {
  readonly view: FlowRunView;
  /** Reads everything again (after an action, or to retry after an error). */
  refresh(): Promise<void>;
  /** Reads the page of log lines before the oldest held. */
  loadEarlier(): Promise<void>;
  close(): void;
}

/** Lines read at a time: each earlier page asked for, and the new lines after a read. */
const LOG_PAGE = 10_000;
/** The newest lines read when the page opens: few enough to arrive at once. */
const LOG_TAIL = 2_000;

/**
 * Follows one flow run for its page: the REST API for what is stored, the event stream for what
 * happens next. Changes are gathered and published at most once per frame-sized interval.
 */
export function followFlowRun(options: FollowFlowRunOptions): FlowRunFollower {
  const maxLogs = options.maxLogs ?? 200_000;
  const publishEvery = options.publishEveryMs ?? 50;
  const taskRuns = new Map<string, TaskRun>();
  const histories = new Map<string, State[]>();
  const subflows = new Map<string, FlowRunSummary>();
  let logs: StoredLog[] = [];
  let logIds = new Set<number>();
  let view: FlowRunView = {
    flowRun: null,
    flowStates: [],
    taskRuns: [],
    histories,
    subflows,
    logs,
    logsTruncated: false,
    stream: 'connecting',
    error: null,
    loaded: false,
    finished: false,
    version: 0,
  };
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: Partial<FlowRunView> = {};
  let unknownTaskRun = false;

  const publishNow = () => {
    timer = null;
    view = { ...view, ...pending, taskRuns: [...taskRuns.values()], histories, subflows, logs, version: view.version + 1 };
    pending = {};
    if (!closed) options.onChange(view);
  };
  const publish = (changes: Partial<FlowRunView> = {}) => {
    pending = { ...pending, ...changes };
    if (closed) return;
    // The first full read is shown at once: the page has nothing to show until then.
    if (changes.loaded && !view.loaded) {
      if (timer !== null) clearTimeout(timer);
      publishNow();
    } else if (timer === null) timer = setTimeout(publishNow, publishEvery);
  };

  const addLogs = (lines: StoredLog[]) => {
    let added = false;
    for (const line of lines) {
      if (logIds.has(line.id)) continue;
      logIds.add(line.id);
      logs.push(line);
      added = true;
    }
    if (!added) return;
    if (logs.length > 1 && logs[logs.length - 1].id < logs[logs.length - 2].id) logs.sort((a, b) => a.id - b.id);
    if (logs.length > maxLogs) {
      logs = logs.slice(logs.length - maxLogs);
      logIds = new Set(logs.map((l) => l.id));
      pending.logsTruncated = true;
    }
    // A new array each time, so views see the change.
    logs = logs.slice();
  };

  const addState = (runId: string, state: State) => {
    const history = histories.get(runId);
    if (!history) histories.set(runId, [state]);
    // The same state can come from the stream and from a read: transition ids tell them apart.
    else if (
      !history.some((s) => (state.transitionId ? s.transitionId === state.transitionId : s.timestamp === state.timestamp && s.name === state.name))
    ) {
      history.push(state);
      history.sort((a, b) => a.timestamp - b.timestamp);
    }
  };

  /**
   * The newest lines first, so a run with a million lines opens at once; older ones come a page at
   * a time when asked for (loadEarlier). After the first read, only lines after the last held.
   */
  const readLogs = async () => {
    const id = options.flowRunId;
    if (logs.length === 0) {
      const page = await options.client.listFlowRunLogs({ params: { id }, query: { beforeId: Number.MAX_SAFE_INTEGER, limit: LOG_TAIL } });
      addLogs(page);
      pending.logsTruncated = page.length === LOG_TAIL;
      return;
    }
    for (;;) {
      const afterId = logs[logs.length - 1].id;
      const page = await options.client.listFlowRunLogs({ params: { id }, query: { afterId, limit: LOG_PAGE } });
      addLogs(page);
      if (page.length < LOG_PAGE || closed) return;
    }
  };

  const readAll = async () => {
    try {
      const id = options.flowRunId;
      // The logs are read beside the rest: a log view waits for nothing else.
      const [flowRun, flowStates, runs, allHistories, children] = await Promise.all([
        options.client.getFlowRun({ params: { id } }),
        options.client.listFlowRunStates({ params: { id } }),
        options.client.listFlowRunTaskRuns({ params: { id } }),
        options.client.listFlowRunTaskRunStates({ params: { id } }),
        options.client.listFlowRuns({ query: { parentFlowRunId: id, limit: 200 } }),
        readLogs(),
      ]);
      for (const run of runs) {
        const known = taskRuns.get(run.id);
        taskRuns.set(run.id, known ? { ...run, state: newerState(known.state, run.state) } : run);
      }
      // Merged, not replaced: a state the stream brought after the read began is kept.
      for (const { taskRunId, states } of allHistories) for (const state of states) addState(taskRunId, state);
      for (const child of children.items) if (child.parentTaskRunId) subflows.set(child.parentTaskRunId, child);
      const state = view.flowRun ? newerState(view.flowRun.state, flowRun.state) : flowRun.state;
      publish({ flowRun: { ...flowRun, state }, flowStates, error: null, loaded: true, finished: isTerminal(flowRun.state.type) });
    } catch (error) {
      publish({ error: `could not read the run from the server: ${errorMessage(error)}`, loaded: true });
    }
  };

  // Reads go one at a time, so an earlier read never answers over a later one (the end of a run
  // over its result); calls while one waits to start share it.
  let reading: Promise<void> = Promise.resolve();
  let waiting: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    waiting ??= reading.then(() => {
      waiting = null;
      reading = readAll();
      return reading;
    });
    return waiting;
  };

  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  const refreshSoon = () => {
    if (refreshTimer !== null || closed) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refresh();
    }, 200);
  };

  const onEvent = (event: ServerEvent) => {
    if (closed) return;
    if (event.type === 'error') return publish({ error: event.message });
    if (event.type === 'log') {
      addLogs([event.log]);
      return publish();
    }
    if (event.kind === 'flow') {
      if (event.runId !== options.flowRunId) return;
      const flowRun = view.flowRun ?? pending.flowRun ?? null;
      const state = flowRun ? newerState(flowRun.state, event.state) : event.state;
      publish({ flowRun: flowRun ? { ...flowRun, state } : null, flowStates: [...(pending.flowStates ?? view.flowStates), event.state] });
      // The result and the last details come with the final read; the worker that claimed a deployment's run with a read as it is claimed.
      if (isTerminal(state.type) || (state.type === 'PENDING' && flowRun?.deploymentId)) refreshSoon();
      return;
    }
    addState(event.runId, event.state);
    const known = taskRuns.get(event.runId);
    if (known) {
      taskRuns.set(event.runId, { ...known, state: newerState(known.state, event.state), runCount: Math.max(known.runCount, event.state.attempt) });
      publish();
    } else if (!unknownTaskRun) {
      // A task run we have not read yet: its name and inputs come with a read.
      unknownTaskRun = true;
      setTimeout(() => {
        unknownTaskRun = false;
        refreshSoon();
      }, 0);
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

  const loadEarlier = async () => {
    if (logs.length === 0) return;
    try {
      const page = await options.client.listFlowRunLogs({ params: { id: options.flowRunId }, query: { beforeId: logs[0].id, limit: LOG_PAGE } });
      // Older lines go first; past the limit the newest are kept, so these would be dropped at once.
      if (logs.length + page.length > maxLogs) return publish({ logsTruncated: true });
      logs = [...page, ...logs];
      for (const line of page) logIds.add(line.id);
      publish({ logsTruncated: page.length === LOG_PAGE });
    } catch (error) {
      publish({ error: `could not read earlier log lines: ${errorMessage(error)}` });
    }
  };

  return {
    get view() {
      return view;
    },
    refresh,
    loadEarlier,
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      if (refreshTimer !== null) clearTimeout(refreshTimer);
      stream.close();
    },
  };
}
