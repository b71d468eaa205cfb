import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { LOG_LEVELS, logLevelName, type StoredLog } from '../../../core/runs.js';
import type { FlowRunView } from '../../shared/flow-run-live.js';
import { attemptChoices, filterLogs, matchRanges, nextMatch, passesFilter, searchLogs, type LogFilter } from '../model/log-view.js';
import { useServices } from '../../app/services-context.js';
import { errorMessage } from '../../../core/error-message.js';
import { handleShortcut } from '../../shared/shortcuts.js';

const LINE_HEIGHT = 20;
/** No task run: the flow's own lines. */
const FLOW_ONLY = '\u0000flow';

function Highlighted({ text, query }: { text: string; query: string }) {
  const ranges = query ? matchRanges(text, query) : [];
  if (ranges.length === 0) return <>{text}</>;
  const parts: React.ReactNode[] = [];
  let at = 0;
  ranges.forEach(([start, end], i) => {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={i}>{text.slice(start, end)}</mark>);
    at = end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

function download(lines: readonly StoredLog[], names: ReadonlyMap<string, string>, fileName: string): void {
  const text = lines
    .map(
      (l) =>
        `${new Date(l.timestamp).toISOString()} ${logLevelName(l.level).padEnd(8)} ${l.taskRunId ? (names.get(l.taskRunId) ?? l.taskRunId) : 'flow'} [${l.attempt}] ${l.message}`,
    )
    .join('\n');
  const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Lines the server finds for a query, when the page does not hold all of the run's lines. */
const SERVER_MATCHES = 1000;

/**
 * Asks the server for the lines that match, over every line of the run: what the page holds is
 * only the newest part of a long log.
 */
function useServerSearch(
  flowRunId: string | undefined,
  query: string,
  filter: LogFilter,
  wanted: boolean,
): { lines: StoredLog[] | null; error: string | null } {
  const { client } = useServices();
  const [found, setFound] = useState<{ lines: StoredLog[] | null; error: string | null }>({ lines: null, error: null });
  useEffect(() => {
    if (!wanted || !flowRunId || query === '') {
      setFound({ lines: null, error: null });
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client
        .listFlowRunLogs({
          params: { id: flowRunId },
          query: {
            q: query,
            limit: SERVER_MATCHES,
            ...(filter.minLevel ? { minLevel: filter.minLevel } : {}),
            ...(typeof filter.taskRunId === 'string' ? { taskRunId: filter.taskRunId } : {}),
          },
        })
        .then(
          (lines) => live && setFound({ lines: lines.filter((line) => passesFilter(line, filter)), error: null }),
          (error: unknown) => live && setFound({ lines: null, error: errorMessage(error) }),
        );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, flowRunId, query, filter, wanted]);
  return found;
}

/** The run's log lines: filtered by level, task and attempt, searched, followed while it runs. */
export function LogsView({ view, onLoadEarlier }: { view: FlowRunView; onLoadEarlier?: () => void }) {
  const [minLevel, setMinLevel] = useState<number>(0);
  const [task, setTask] = useState<string>('');
  const [attempt, setAttempt] = useState<string>('');
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(true);
  const [current, setCurrent] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const names = useMemo(() => new Map(view.taskRuns.map((t) => [t.id, t.name])), [view.taskRuns]);

  const filter = useMemo<LogFilter>(
    () => ({
      ...(minLevel ? { minLevel } : {}),
      ...(task ? { taskRunId: task === FLOW_ONLY ? null : task } : {}),
      ...(attempt ? { attempt: Number(attempt) } : {}),
    }),
    [minLevel, task, attempt],
  );
  const attempts = useMemo(
    () => attemptChoices(view.flowRun, view.taskRuns, view.logs, task ? (task === FLOW_ONLY ? null : task) : undefined),
    [view.flowRun, view.taskRuns, view.logs, task],
  );
  const server = useServerSearch(view.flowRun?.id, query, filter, view.logsTruncated);
  // Searching a log the page holds only part of shows what the server found in all of it.
  const lines = server.lines ?? view.logs;
  const shown = useMemo(() => filterLogs(lines, filter), [lines, filter]);
  const matches = useMemo(() => (query ? searchLogs(lines, query, filter) : []), [lines, query, filter]);
  const rowOf = useMemo(() => {
    const map = new Map<number, number>();
    shown.forEach((lineIndex, row) => map.set(lineIndex, row));
    return map;
  }, [shown]);

  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => LINE_HEIGHT, overscan: 20 });
  useEffect(() => {
    if (follow && shown.length) virtual.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [follow, shown.length, virtual]);

  const go = (direction: 1 | -1) => {
    const target = nextMatch(matches, current ?? (direction === 1 ? -1 : Number.MAX_SAFE_INTEGER), direction);
    if (target === null) return;
    setFollow(false);
    setCurrent(target);
    const row = rowOf.get(target);
    if (row !== undefined) virtual.scrollToIndex(row, { align: 'center' });
  };

  return (
    <div className="fd-logs-view">
      <div className="fd-logs-bar" role="toolbar" aria-label="Log filters">
        <select aria-label="Lowest level" value={minLevel} onChange={(e) => setMinLevel(Number(e.target.value))}>
          <option value={0}>All levels</option>
          {Object.entries(LOG_LEVELS).map(([name, level]) => (
            <option key={name} value={level}>
              {name} and above
            </option>
          ))}
        </select>
        <select aria-label="Task run" value={task} onChange={(e) => setTask(e.target.value)}>
          <option value="">Every task run</option>
          <option value={FLOW_ONLY}>The flow itself</option>
          {view.taskRuns.slice(0, 2000).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <select aria-label="Attempt" value={attempt} onChange={(e) => setAttempt(e.target.value)}>
          <option value="">Every attempt</option>
          {attempts.map((n) => (
            <option key={n} value={n}>
              Attempt {n}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder="Find in logs"
          aria-label="Find in logs"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setCurrent(null);
          }}
          onKeyDown={(e) => handleShortcut(e, 'logsFind', { 'logsFind.next': () => go(1), 'logsFind.previous': () => go(-1) })}
        />
        <span className="fd-muted" data-testid="log-matches">
          {query
            ? view.logsTruncated && !server.lines && !server.error
              ? 'searching the whole run…'
              : `${matches.length ? `${matches.length.toLocaleString()}${server.lines && server.lines.length >= SERVER_MATCHES ? '+' : ''} match${matches.length === 1 ? '' : 'es'}` : 'no match'}${server.lines ? ' in the whole run' : ''}`
            : `${shown.length.toLocaleString()} line${shown.length === 1 ? '' : 's'}`}
        </span>
        <label className="fd-check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button
          type="button"
          className="fd-button"
          onClick={() =>
            download(
              shown.map((i) => lines[i]),
              names,
              `${view.flowRun?.name ?? 'run'}.log`,
            )
          }
          disabled={shown.length === 0}
        >
          Download
        </button>
      </div>
      {server.error ? <p className="fd-field-error">Could not search the whole run: {server.error}</p> : null}
      {view.logsTruncated && !server.lines ? (
        <p className="fd-muted">
          The newest {view.logs.length.toLocaleString()} lines are shown; a search looks through all of them on the server.{' '}
          {onLoadEarlier ? (
            <button type="button" className="fd-link" onClick={onLoadEarlier}>
              Load earlier lines
            </button>
          ) : null}
        </p>
      ) : null}
      <div
        className="fd-logs-lines"
        ref={scroller}
        role="log"
        data-testid="logs"
        onWheel={(e) => {
          if (e.deltaY < 0) setFollow(false);
        }}
      >
        {shown.length === 0 ? (
          <p className="fd-muted fd-page-status">{view.logs.length ? 'No line passes these filters.' : 'No log lines yet.'}</p>
        ) : null}
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const index = shown[item.index];
            const line = lines[index];
            const level = logLevelName(line.level);
            return (
              <div
                key={line.id}
                className={`fd-log is-${level.toLowerCase()}${index === current ? ' is-current' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: LINE_HEIGHT }}
              >
                <span className="fd-log-time">{new Date(line.timestamp).toLocaleTimeString()}</span>
                <span className="fd-log-level">{level}</span>
                <span className="fd-log-task">{line.taskRunId ? (names.get(line.taskRunId) ?? line.taskRunId.slice(0, 8)) : 'flow'}</span>
                <span className="fd-log-message">
                  <Highlighted text={line.message} query={query} />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
