import type { ApiClient } from '../../../core/api/client.js';
import type { EventStream, EventStreamOptions } from '../../../core/api/event-stream.js';
import type { FlowFileDescription } from '../../../core/api/workspace.js';
import { isDirty, type BuilderStore } from './store.js';
import { trackRun, type RunTracker } from './run-tracker.js';
import type { FlowRunClient } from '../../shared/flow-run-live.js';
import type { RunViewStore } from './run-store.js';
import type { DocumentActions } from './document-actions.js';
import { askSaveAs, askSaveBeforeRun, showToast } from '../../app/ui-store.js';
import { errorMessage } from '../../../core/error-message.js';
import { debugOptionsFor } from './debug-marks.js';

type OpenStream = (options: Pick<EventStreamOptions, 'flowRunId' | 'onEvent' | 'onStatus'>) => EventStream;

/**
 * Run ignores breakpoints and pins; Debug stops at the breakpoints and takes the pins. Run to here
 * is a debug run that also breaks as a whole once a run of the task named completes.
 */
export type RunMode = { debug: false } | { debug: true; breakOnFailure: boolean; stopAfter?: string[] };

const PLAIN_RUN: RunMode = { debug: false };

export interface RunActions {
  /**
   * Makes sure the file on disk is what is shown, then asks the server what flows it holds; the
   * next start runs in the mode given here.
   */
  prepare(mode?: RunMode): Promise<{ path: string; description: FlowFileDescription } | { error: string } | null>;
  /** The mode the last prepare was for. */
  readonly mode: RunMode;
  /** A debug run takes the breakpoints and pins the nodes have when it starts. */
  start(path: string, flowName: string | undefined, parameters: Record<string, unknown>): Promise<string | null>;
  /**
   * Runs the last run again from one of its task runs as a new run, which is then the one shown:
   * the file as it is saved, edits saved first. Its id, null when a save was declined, or why the server refused.
   */
  runFrom(taskRunId: string): Promise<{ flowRunId: string } | { error: string } | null>;
  /**
   * Retries the last run, when it failed, crashed or was cancelled, as its next attempt: the file
   * as it is saved (edits saved first), reusing every task run that completed. False when a save
   * was declined or the server refused (the panel then says why).
   */
  retry(): Promise<boolean>;
  cancel(): Promise<void>;
  dispose(): void;
}

/** Running the document's file on the server and following the run live. */
export function createRunActions(options: {
  client: Pick<ApiClient, 'describeFlowFile' | 'runFlowFile' | 'cancelFlowRun' | 'runFlowRunFromTask' | 'rerunFlowRun'> & FlowRunClient;
  store: BuilderStore;
  runs: RunViewStore;
  documents: DocumentActions;
  openStream: OpenStream;
}): RunActions {
  const { client, store, runs } = options;
  let tracker: RunTracker | null = null;
  let mode: RunMode = PLAIN_RUN;
  // Node states follow renames and new nodes while a run is shown.
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.graph !== previous.graph) runs.getState().regraph(state.graph);
  });

  /** The document's file as the server will run it: edits saved first, after asking. Null when not saved. */
  const savedPath = async (): Promise<{ path: string } | { error: string } | null> => {
    const state = store.getState();
    if (state.doc.path === null) {
      if (!(await askSaveAs('Save the flow to run it: the server runs the file from its workspace.'))) return null;
    } else if (isDirty(state)) {
      // The server runs the file as it is on disk, so edits are saved first, in the open.
      if (!(await askSaveBeforeRun(state.doc.path))) return null;
      if (!(await options.documents.save())) return null;
      showToast(`Saved ${state.doc.path} before running`);
    }
    const { path, location } = store.getState().doc;
    if (path === null) return null;
    if (location === 'disk') {
      return {
        error: `${path} is outside the server's workspace, and the server runs flows from there; use Save as… to save a copy into the workspace, then run it`,
      };
    }
    return { path };
  };

  const follow = (flowRunId: string) => {
    runs.getState().started(flowRunId);
    tracker = trackRun({
      client,
      flowRunId,
      openStream: options.openStream,
      onChange: (snapshot) => runs.getState().update(snapshot, store.getState().graph),
    });
  };

  return {
    get mode() {
      return mode;
    },

    async prepare(requested = PLAIN_RUN) {
      mode = requested;
      const saved = await savedPath();
      if (saved === null || 'error' in saved) return saved;
      const { path } = saved;
      try {
        return { path, description: await client.describeFlowFile({ body: { path } }) };
      } catch (error) {
        return { error: errorMessage(error) };
      }
    },

    async start(path, flowName, parameters) {
      tracker?.close();
      tracker = null;
      runs.getState().starting(path, mode.debug);
      const { graph, marks } = store.getState();
      const debug = mode.debug
        ? { debug: { ...debugOptionsFor(graph, marks, mode.breakOnFailure), ...(mode.stopAfter?.length ? { stopAfter: mode.stopAfter } : {}) } }
        : {};
      let flowRunId: string;
      try {
        ({ flowRunId } = await client.runFlowFile({ body: { path, parameters, ...(flowName ? { flowName } : {}), ...debug } }));
      } catch (error) {
        runs.getState().failed(errorMessage(error));
        return null;
      }
      follow(flowRunId);
      return flowRunId;
    },

    async runFrom(taskRunId) {
      const from = runs.getState().flowRunId;
      if (!from) return { error: 'There is no run to run again from: run the flow first' };
      const saved = await savedPath();
      if (saved === null || 'error' in saved) return saved;
      let flowRunId: string;
      try {
        ({ flowRunId } = await client.runFlowRunFromTask({ params: { id: from }, body: { task: taskRunId, code: 'current' } }));
      } catch (error) {
        // Nothing started: the run shown stays, and the panel says why.
        return { error: errorMessage(error) };
      }
      tracker?.close();
      tracker = null;
      runs.getState().starting(saved.path, false);
      follow(flowRunId);
      return { flowRunId };
    },

    async retry() {
      const id = runs.getState().flowRunId;
      if (!id) return false;
      const saved = await savedPath();
      if (saved === null) return false;
      if ('error' in saved) {
        runs.getState().setError(saved.error);
        return false;
      }
      try {
        await client.rerunFlowRun({ params: { id }, body: { source: 'ui' } });
      } catch (error) {
        runs.getState().setError(`Could not retry: ${errorMessage(error)}`);
        return false;
      }
      tracker?.close();
      tracker = null;
      runs.getState().starting(saved.path, false);
      follow(id);
      return true;
    },

    async cancel() {
      const id = runs.getState().flowRunId;
      if (!id) return;
      try {
        await client.cancelFlowRun({ params: { id } });
      } catch (error) {
        runs.getState().setError(`Could not cancel: ${errorMessage(error)}`);
      }
    },

    dispose() {
      tracker?.close();
      unsubscribe();
    },
  };
}
