import { useEffect, useRef } from 'react';
import { logLevelName } from '../../../core/runs.js';
import { routeHash } from '../../app/routes.js';
import { useBuilder, useBuilderServices } from './builder-context.js';
import type { RunActions } from '../model/run-actions.js';
import { useRunStore, useRunView } from './run-context.js';
import { handleShortcut } from '../../shared/shortcuts.js';

/** Problems the code has: each one leads to its node or its place in the code. */
export function ProblemsBar() {
  const { store } = useBuilderServices();
  const problems = useBuilder((s) => s.problems);
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <section className="fd-problems" aria-label="Problems" data-testid="problems">
      <header>
        {errors ? `${errors} error${errors === 1 ? '' : 's'}` : ''}
        {errors && problems.length > errors ? ', ' : ''}
        {problems.length > errors ? `${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}` : ''}
      </header>
      <ul>
        {problems.map((problem, index) => (
          <li key={index} className={`is-${problem.severity}`}>
            <button
              type="button"
              className="fd-link"
              onClick={() => {
                if (problem.nodeId) store.getState().select([problem.nodeId]);
                if (problem.span) store.getState().reveal(problem.span);
              }}
            >
              {problem.nodeId ? <code>{problem.nodeId}</code> : null} {problem.message}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function resultText(result: string | null): string {
  if (result === null) return 'nothing';
  return result.length > 2000 ? `${result.slice(0, 2000)}…` : result;
}

/** The last run: its state, its result or error, and its log lines as they come. */
/** The states a run can be retried from. */
const RETRYABLE = new Set(['FAILED', 'CRASHED', 'CANCELLED']);

export function RunPanel({ runs }: { runs: RunActions }) {
  const view = useRunView((r) => r);
  const runStore = useRunStore();
  const logEnd = useRef<HTMLDivElement>(null);
  const logCount = view.snapshot?.logs.length ?? 0;
  useEffect(() => {
    // A block body: newer Chromium's scrollIntoView returns a promise, which React would take for a cleanup.
    logEnd.current?.scrollIntoView({ block: 'nearest' });
  }, [logCount]);
  if (view.phase === 'idle') return null;
  const state = view.snapshot?.flowState;
  const flowRun = view.snapshot?.flowRun;
  return (
    <section className="fd-run-panel" aria-label="Run" data-testid="run-panel">
      <header>
        <strong>{view.debug ? 'Debug run' : 'Run'}</strong>
        {view.phase === 'starting' ? <span className="fd-muted">starting {view.path}…</span> : null}
        {state ? (
          <span className={`fd-run-badge state-${state.type}`} data-testid="flow-run-state">
            {state.name}
          </span>
        ) : view.phase === 'running' ? (
          <span className="fd-run-badge">Waiting for the first state…</span>
        ) : null}
        {flowRun ? (
          <span className="fd-muted" title={flowRun.id}>
            {flowRun.name} · {flowRun.id.slice(0, 8)} ·{' '}
            <a href={routeHash({ page: 'run', flowRunId: flowRun.id })} data-testid="open-run-page">
              timeline and logs ›
            </a>
          </span>
        ) : null}
        <span className="fd-spacer" />
        {view.phase === 'running' ? (
          <button type="button" className="fd-button" onClick={() => void runs.cancel()}>
            Cancel run
          </button>
        ) : null}
        {view.phase === 'finished' && state && RETRYABLE.has(state.type) ? (
          <button
            type="button"
            className="fd-button"
            data-testid="builder-retry"
            title="Run it again as its next attempt, with the file as it is saved: tasks that completed keep their results"
            onClick={() => void runs.retry()}
          >
            Retry
          </button>
        ) : null}
        <button type="button" className="fd-button" aria-label="Close the run panel" onClick={() => runStore.getState().clear()}>
          ✕
        </button>
      </header>
      {view.error ? (
        <p className="fd-field-error" role="alert">
          {view.phase === 'failed-to-start' ? 'The run did not start: ' : ''}
          {view.error}
        </p>
      ) : null}
      {view.phase === 'finished' && state ? (
        state.type === 'COMPLETED' ? (
          <p className="fd-run-result" data-testid="run-result">
            Result: <code>{resultText(flowRun?.result ?? null)}</code>
          </p>
        ) : (
          <p className="fd-field-error" data-testid="run-result">
            {state.name}: {state.message ?? state.error?.message ?? 'no message'}
          </p>
        )
      ) : null}
      {view.snapshot && view.snapshot.logs.length ? (
        <div className="fd-logs" role="log">
          {view.snapshot.logs.map((line) => (
            <div key={line.id} className={`fd-log is-${logLevelName(line.level).toLowerCase()}`}>
              <span className="fd-log-time">{new Date(line.timestamp).toLocaleTimeString()}</span>
              <span className="fd-log-level">{logLevelName(line.level)}</span>
              <span className="fd-log-message">{line.message}</span>
            </div>
          ))}
          <div ref={logEnd} />
        </div>
      ) : null}
    </section>
  );
}

/** Ctrl+F: find nodes by id, name, kind or a field's value. */
export function SearchBox() {
  const { store } = useBuilderServices();
  const search = useBuilder((s) => s.search);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (search.open) input.current?.focus();
  }, [search.open]);
  if (!search.open) return null;
  return (
    <div className="fd-search" role="search">
      <input
        ref={input}
        type="search"
        placeholder="Find a node"
        aria-label="Find a node"
        value={search.query}
        onChange={(e) => store.getState().setSearch(e.target.value)}
        onKeyDown={(e) =>
          handleShortcut(e, 'builderFind', {
            'builderFind.next': () => store.getState().stepSearch(1),
            'builderFind.previous': () => store.getState().stepSearch(-1),
            'builderFind.close': () => store.getState().closeSearch(),
          })
        }
      />
      <span className="fd-muted">{search.query ? (search.matches.length ? `${search.index + 1} of ${search.matches.length}` : 'no match') : ''}</span>
      <button type="button" className="fd-button" aria-label="Close search" onClick={() => store.getState().closeSearch()}>
        ✕
      </button>
    </div>
  );
}
