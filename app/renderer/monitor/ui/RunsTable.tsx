import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { FlowRunSummary } from '../../../core/runs.js';
import { isTerminal } from '../../../core/states.js';
import { formatDuration } from '../../shared/format.js';
import { formatDue } from '../../shared/relative-time.js';
import { matchesRunFilters, type RunFilters } from '../model/run-filters.js';
import { routeHash } from '../../app/routes.js';
import { useNow } from './use-now.js';
import { navigate } from '../../app/use-route.js';
import type { RunsList, RunsListView } from '../model/runs-list.js';
import { shortcutFor, type ShortcutId } from '../../shared/shortcuts.js';

const ROW_HEIGHT = 40;
/** Read the next page when the last row in sight is this close to the end of what is held. */
const LOAD_AHEAD_ROWS = 30;

interface RunsTableHandle {
  /** Puts the keyboard on the list, at its first row. */
  focusList(): void;
}

/** How long a run took, or has taken so far while it runs. */
function runDuration(run: FlowRunSummary, now: number): number | null {
  if (run.startTime === null) return null;
  return (run.endTime ?? (isTerminal(run.state.type) ? run.startTime : now)) - run.startTime;
}

/** When a run waiting to start (Scheduled or Late) is due; null for any other run. */
function dueAt(run: FlowRunSummary): number | null {
  return run.state.type === 'SCHEDULED' && run.startTime === null && typeof run.expectedStartTime === 'number' ? run.expectedStartTime : null;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dayOfYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** A start time as short as it can be and still clear: the time today, the day this year, else the date. */
function formatStart(ms: number, now: number): string {
  const at = new Date(ms);
  const today = new Date(now);
  if (at.toDateString() === today.toDateString()) return timeOfDay.format(at);
  if (at.getFullYear() === today.getFullYear()) return dayAndTime.format(at);
  return dayOfYear.format(at);
}

interface RunsTableProps {
  list: RunsList;
  view: RunsListView;
  filters: RunFilters;
  /** When the list was read: the time its relative range was taken at. */
  readAt: number;
  onFocusSearch(): void;
  ref?: Ref<RunsTableHandle>;
}

/**
 * The runs, one row each, drawn only where they are in sight so a list of any length scrolls
 * smoothly, reading more as its end comes near. Arrow keys move through the rows, Enter opens one.
 */
export function RunsTable({ list, view, filters, readAt, onFocusSearch, ref }: RunsTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const [focusWanted, setFocusWanted] = useState<number | null>(null);
  const items = view.items;
  const showsMoreRow = view.hasMore || view.loadingMore || view.moreError !== null;
  const virtual = useVirtualizer({
    count: items.length + (showsMoreRow ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => items[index]?.id ?? '#more',
    overscan: 12,
  });
  const rows = virtual.getVirtualItems();
  const anyRunning = rows.some((row) => {
    const run = items[row.index];
    return run !== undefined && ((run.startTime !== null && !isTerminal(run.state.type)) || dueAt(run) !== null);
  });
  const now = useNow(anyRunning);
  const lastIndex = rows.length > 0 ? rows[rows.length - 1].index : -1;

  // The next page is read before the end is in sight, so scrolling rarely waits for it.
  useEffect(() => {
    if (view.hasMore && !view.loadingMore && view.moreError === null && lastIndex >= items.length - LOAD_AHEAD_ROWS) void list.loadMore();
  }, [list, view.hasMore, view.loadingMore, view.moreError, lastIndex, items.length]);

  // Keeps the row in use where it was when rows come in above it.
  const activeId = items[active]?.id;
  const lastActiveId = useRef<string | undefined>(activeId);
  useEffect(() => {
    const was = lastActiveId.current;
    if (was !== undefined && was !== activeId) {
      const moved = items.findIndex((run) => run.id === was);
      if (moved >= 0) {
        setActive(moved);
        return;
      }
    }
    lastActiveId.current = activeId;
    if (active >= items.length && items.length > 0) setActive(items.length - 1);
  }, [items, activeId, active]);

  // Another list (the filters changed) starts at its top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setActive(0);
    lastActiveId.current = undefined;
  }, [list]);

  // Focus moves once the row it goes to is drawn (it may have needed a scroll first).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- checks after every render until the row is drawn, then clears focusWanted
  useEffect(() => {
    if (focusWanted === null) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${focusWanted}"] a`);
    if (row) {
      row.focus({ preventScroll: true });
      setFocusWanted(null);
    }
  });

  const moveTo = (index: number) => {
    if (items.length === 0) return;
    const target = Math.max(0, Math.min(items.length - 1, index));
    setActive(target);
    lastActiveId.current = items[target].id;
    virtual.scrollToIndex(target, { align: 'auto' });
    setFocusWanted(target);
  };

  useImperativeHandle(ref, () => ({ focusList: () => moveTo(0) }));

  const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<Exclude<ShortcutId<'runsList'>, 'runsList.open'>, () => void> = {
      'runsList.next': () => moveTo(active + 1),
      'runsList.previous': () => (active === 0 ? onFocusSearch() : moveTo(active - 1)),
      'runsList.pageDown': () => moveTo(active + pageRows),
      'runsList.pageUp': () => moveTo(active - pageRows),
      'runsList.first': () => moveTo(0),
      'runsList.last': () => moveTo(items.length - 1),
    };
    const shortcut = shortcutFor(event, 'runsList');
    if (!shortcut || !(shortcut.id in moves)) return;
    event.preventDefault();
    moves[shortcut.id as keyof typeof moves]();
  };

  const count = `${items.length.toLocaleString()}${view.hasMore ? '+' : ''} run${items.length === 1 && !view.hasMore ? '' : 's'}`;
  return (
    <div className={`fd-runs-list${view.status === 'loading' ? ' is-loading' : ''}`} aria-busy={view.status === 'loading'}>
      <div className="fd-runs-status">
        <span data-testid="runs-count">{count}</span>
        <span className={`fd-live is-${view.stream}`} title={view.stream === 'open' ? 'Changes show as they happen' : `Live updates: ${view.stream}`}>
          {view.stream === 'open' ? 'live' : view.stream}
        </span>
        {view.status === 'error' ? (
          <span className="fd-error" role="alert">
            Could not read the list again: {view.error?.message}{' '}
            <button type="button" className="fd-link" onClick={() => void list.reload()}>
              Retry
            </button>
          </span>
        ) : null}
      </div>
      {view.newRuns > 0 ? (
        <button
          type="button"
          className="fd-runs-new"
          data-testid="runs-new"
          onClick={() => {
            list.showNewRuns();
            scroller.current?.scrollTo({ top: 0 });
          }}
        >
          {view.manyNewRuns ? `${view.newRuns}+` : view.newRuns} new run{view.newRuns === 1 ? '' : 's'} · show
        </button>
      ) : null}
      <div className="fd-runs-head fd-runs-columns" aria-hidden="true">
        <span>State</span>
        <span>Run</span>
        <span>Flow</span>
        <span>Started</span>
        <span title="From start to end, the waits between attempts included">Elapsed</span>
        <span>Tags</span>
      </div>
      <div
        ref={scroller}
        className="fd-runs-scroll"
        role="list"
        aria-label="Flow runs"
        data-testid="runs-list"
        onKeyDown={onKeyDown}
        onScroll={(event) => list.setAtTop(event.currentTarget.scrollTop < ROW_HEIGHT / 2)}
      >
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {rows.map((row) => {
            const run = items[row.index];
            const style = { transform: `translateY(${row.start}px)`, height: ROW_HEIGHT };
            if (!run) {
              return (
                <div key={row.key} className="fd-runs-more" style={style} data-index={row.index} role="listitem">
                  {view.moreError !== null ? (
                    <span className="fd-error">
                      Could not read more runs: {view.moreError}{' '}
                      <button type="button" className="fd-link" onClick={() => void list.loadMore()}>
                        Retry
                      </button>
                    </span>
                  ) : (
                    <span className="fd-muted">Loading more runs…</span>
                  )}
                </div>
              );
            }
            const stale = !matchesRunFilters(run, filters, readAt);
            return (
              <div key={row.key} className="fd-runs-item" style={style} data-index={row.index} role="listitem">
                <RunRow run={run} now={now} active={row.index === active} stale={stale} onFocus={() => setActive(row.index)} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** When a run started; for one waiting to start, when it is due ("in 3 min", "late by 40 s"). */
function RunStart({ run, now }: { run: FlowRunSummary; now: number }) {
  const due = dueAt(run);
  if (due !== null) {
    const late = run.state.name === 'Late';
    return (
      <span
        className={`fd-runs-time fd-runs-due-time${late ? ' is-late' : ''}`}
        title={`due ${new Date(due).toISOString()}`}
        data-testid="runs-row-due"
      >
        {formatDue(due, now, late)}
      </span>
    );
  }
  return (
    <span className="fd-runs-time" title={new Date(run.startTime ?? run.createdAt).toISOString()}>
      {run.startTime !== null ? formatStart(run.startTime, now) : <span className="fd-muted">created {formatStart(run.createdAt, now)}</span>}
    </span>
  );
}

function RunRow({ run, now, active, stale, onFocus }: { run: FlowRunSummary; now: number; active: boolean; stale: boolean; onFocus(): void }) {
  const href = routeHash({ page: 'run', flowRunId: run.id });
  return (
    <a
      href={href}
      className={`fd-runs-row fd-runs-columns${active ? ' is-active' : ''}${stale ? ' is-stale' : ''}`}
      tabIndex={active ? 0 : -1}
      data-testid="runs-row"
      data-run-id={run.id}
      data-state={run.state.type}
      title={stale ? 'Changed since the list was read: no longer matches the filters' : undefined}
      onFocus={onFocus}
      onKeyDown={(event) => {
        // A link follows Enter itself; this keeps it so when the row is drawn again meanwhile.
        if (shortcutFor(event, 'runsList')?.id === 'runsList.open') {
          event.preventDefault();
          navigate({ page: 'run', flowRunId: run.id });
        }
      }}
    >
      <span>
        <span className={`fd-run-badge state-${run.state.type}`} data-testid="runs-row-state">
          {run.state.name}
        </span>
      </span>
      <span className="fd-runs-name" data-testid="runs-row-name">
        {run.name}
      </span>
      <span className="fd-runs-flow">{run.flowName}</span>
      <RunStart run={run} now={now} />
      <span className="fd-runs-time">{formatDuration(runDuration(run, now))}</span>
      <span className="fd-runs-tagcell">
        {run.tags.map((tag) => (
          <span key={tag} className="fd-runs-tag">
            {tag}
          </span>
        ))}
      </span>
    </a>
  );
}
