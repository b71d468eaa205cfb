import { useEffect, useMemo, useRef, useState } from 'react';
import { openEventStream } from '../../../core/api/event-stream.js';
import {
  clearRunFilters,
  hasActiveFilters,
  loadRunFilters,
  runFiltersKey,
  saveRunFilters,
  toListQuery,
  withLinkedPool,
  type RunFilters,
} from '../model/run-filters.js';
import { useServices } from '../../app/services-context.js';
import { navigate } from '../../app/use-route.js';
import { webStorage } from '../../shared/web-storage.js';
import { RunsFilterBar } from './RunsFilterBar.js';
import { RunsTable } from './RunsTable.js';
import { RunsList, type RunsListView } from '../model/runs-list.js';
import './runs-page.css';
import { handleShortcut } from '../../shared/shortcuts.js';

/** Runs read per request; the list reads the next page as its end comes into sight. */
const PAGE_SIZE = 100;
/** How long typing may pause before the search is sent. */
const SEARCH_DEBOUNCE_MS = 300;

/**
 * The filters, kept in this browser's storage as they change so a reload shows the same runs. The
 * pool filter is in the address too (`#/runs?pool=P`), so a link can open a pool's runs: an
 * address naming another pool than the filters opens that pool's runs alone.
 */
function useSavedFilters(linkedPool: string | undefined): [RunFilters, (next: RunFilters) => void] {
  const [filters, setFilters] = useState(() => {
    const saved = loadRunFilters(webStorage('local'));
    return linkedPool === undefined ? saved : withLinkedPool(saved, linkedPool);
  });
  const set = (next: RunFilters) => {
    setFilters(next);
    saveRunFilters(webStorage('local'), next);
    if (next.pool !== filters.pool) navigate(runsRoute(next.pool), { replace: true });
  };
  useEffect(() => {
    if (linkedPool !== undefined && linkedPool !== filters.pool) set(withLinkedPool(filters, linkedPool));
    else if (linkedPool === undefined && filters.pool !== null) navigate(runsRoute(filters.pool), { replace: true });
    // Only a change of the address or of the pool filter needs them in step again.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- set is made anew each render
  }, [linkedPool, filters.pool]);
  return [filters, set];
}

function runsRoute(pool: string | null) {
  return pool === null ? { page: 'runs' as const } : { page: 'runs' as const, pool };
}

/** What a filter offers to choose from, read once from `source`; empty until read, or when it cannot be. */
function useChoices<T>(read: () => Promise<T[]>, source: unknown): T[] {
  const [items, setItems] = useState<T[]>([]);
  const latestRead = useRef(read);
  latestRead.current = read;
  useEffect(() => {
    let live = true;
    latestRead
      .current()
      .then((list) => {
        if (live) setItems(list);
      })
      .catch(() => {
        // The filter still offers "all" and the saved choice; the list shows the server's state.
      });
    return () => {
      live = false;
    };
  }, [source]);
  return items;
}

/** A live list of the runs the filters select, read again whenever they change. */
function useRunsList(filters: RunFilters): { list: RunsList | null; view: RunsListView | null; readAt: number } {
  const { client, server } = useServices();
  const key = runFiltersKey(filters);
  const [state, setState] = useState<{ list: RunsList | null; view: RunsListView | null; readAt: number }>({ list: null, view: null, readAt: 0 });
  useEffect(() => {
    const readAt = Date.now();
    const list = new RunsList({
      client,
      query: toListQuery(filters, readAt),
      pageSize: PAGE_SIZE,
      openStream: (options) => openEventStream({ ...options, baseUrl: server.baseUrl, ...(server.apiKey ? { apiKey: server.apiKey } : {}) }),
      onChange: (view) => setState((current) => (current.list === list ? { ...current, view } : current)),
    });
    // What the last list showed stays in sight, dimmed, until the new one is read: no flash of
    // an empty page on every keystroke of a search.
    setState((current) => ({
      list,
      view:
        current.view && current.view.items.length > 0 && list.current.status === 'loading'
          ? { ...current.view, status: 'loading', newRuns: 0, manyNewRuns: false, hasMore: false }
          : list.current,
      readAt,
    }));
    return () => list.close();
    // The key stands for the filters: a new list only when what it lists changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key stands for the filters
  }, [client, server, key]);
  return state;
}

/** Every flow run, filtered and sorted, live: the monitoring home page. */
export function RunsPage({ linkedPool }: { linkedPool?: string }) {
  const { client } = useServices();
  const [filters, setFilters] = useSavedFilters(linkedPool);
  const flows = useChoices(() => client.listFlows(), client);
  const pools = useChoices(() => client.listWorkPools(), client);
  const [draft, setDraft] = useState(filters.text);
  const { list, view, readAt } = useRunsList(filters);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<{ focusList(): void } | null>(null);

  // The search follows typing once it pauses.
  const latest = useRef(filters);
  latest.current = filters;
  useEffect(() => {
    if (draft === latest.current.text) return;
    const timer = setTimeout(() => setFilters({ ...latest.current, text: draft }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only typing restarts the wait; setFilters is made anew each render
  }, [draft]);

  const change = (next: RunFilters) => {
    setFilters(next);
    if (next.text !== draft) setDraft(next.text);
  };
  const clear = () => change(clearRunFilters(filters));
  const filtered = hasActiveFilters(filters);
  const flowNames = useMemo(() => flows.map((flow) => flow.name), [flows]);
  const poolNames = useMemo(() => pools.map((pool) => pool.name).sort((a, b) => a.localeCompare(b)), [pools]);

  return (
    <div className="fd-runs-page" data-testid="runs-page">
      <RunsFilterBar
        filters={filters}
        draft={draft}
        flowNames={flowNames}
        poolNames={poolNames}
        searchRef={searchRef}
        onChange={change}
        onDraft={setDraft}
        onSearchKey={(event) =>
          handleShortcut(event, 'runsSearch', {
            'runsSearch.apply': () => {
              if (draft !== filters.text) change({ ...filters, text: draft });
            },
            'runsSearch.toList': () => {
              event.preventDefault();
              listRef.current?.focusList();
            },
            'runsSearch.clear': () => {
              if (draft !== '') change({ ...filters, text: '' });
            },
          })
        }
        onClear={clear}
      />
      {!view || !list ? null : view.status === 'loading' && view.items.length === 0 ? (
        <p className="fd-page-status fd-muted" data-testid="runs-loading">
          Loading runs…
        </p>
      ) : view.status === 'error' && view.items.length === 0 ? (
        <div className="fd-empty-state" role="alert" data-testid="runs-error">
          <h2>{view.error?.unreachable ? 'The server cannot be reached' : 'The runs could not be read'}</h2>
          <p className="fd-muted">{view.error?.message}</p>
          {view.error?.unreachable ? (
            <p>
              Start it again (for example with <code>flowdeck server start</code>), then retry. The page also retries when the server comes back.
            </p>
          ) : null}
          <p>
            <button type="button" className="fd-button is-primary" onClick={() => void list.reload()}>
              Retry
            </button>
          </p>
        </div>
      ) : view.items.length === 0 && !view.hasMore ? (
        filtered ? (
          <div className="fd-empty-state" data-testid="runs-empty-filtered">
            <h2>No run matches these filters</h2>
            <p className="fd-muted">Runs that match appear here as they start.</p>
            <p>
              <button type="button" className="fd-button is-primary" onClick={clear}>
                Clear the filters
              </button>
            </p>
          </div>
        ) : (
          <div className="fd-empty-state" data-testid="runs-empty">
            <h2>No flow runs yet</h2>
            <p>
              Open a flow in the <a href="#/">Builder</a> and press <strong>Run</strong>, or run a flow file from a terminal:
            </p>
            <pre className="fd-empty-command">flowdeck run flows/etl.ts</pre>
            <p className="fd-muted">Runs show here as they start, and change state live.</p>
          </div>
        )
      ) : (
        <RunsTable ref={listRef} list={list} view={view} filters={filters} readAt={readAt} onFocusSearch={() => searchRef.current?.focus()} />
      )}
    </div>
  );
}
