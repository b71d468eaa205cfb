import type { StoredLog } from '../../../core/runs.js';

/** What a log view narrows its lines to; a field left out lets every line through. */
export interface LogFilter {
  /** The lowest level shown (LOG_LEVELS: 10 DEBUG ... 50 CRITICAL). */
  minLevel?: number;
  /** One task run's lines; null for the flow's own lines (those of no task run). */
  taskRunId?: string | null;
  /**
   * One attempt's lines. Every stored line records the attempt that wrote it: its task run's, or
   * the flow run's for the flow's own lines.
   */
  attempt?: number;
}

type LogLineLike = Pick<StoredLog, 'level' | 'taskRunId' | 'attempt' | 'message'>;

export function passesFilter(line: LogLineLike, filter: LogFilter): boolean {
  if (filter.minLevel !== undefined && line.level < filter.minLevel) return false;
  if (filter.taskRunId !== undefined && line.taskRunId !== filter.taskRunId) return false;
  if (filter.attempt !== undefined && line.attempt !== filter.attempt) return false;
  return true;
}

/**
 * The attempts the attempt filter offers: 1 up to the most any run in scope made, one task run's
 * when the view shows one (null: the flow's own), or the flow run's and all its task runs'.
 * Lines held count too, so a line of an attempt the runs have not reported yet can be picked.
 */
export function attemptChoices(
  flowRun: { runCount: number } | null,
  taskRuns: readonly { id: string; runCount: number }[],
  lines: readonly Pick<StoredLog, 'taskRunId' | 'attempt'>[],
  taskRunId?: string | null,
): number[] {
  let most = 1;
  const inScope = (id: string | null) => taskRunId === undefined || id === taskRunId;
  if (flowRun && inScope(null)) most = Math.max(most, flowRun.runCount);
  for (const run of taskRuns) if (inScope(run.id)) most = Math.max(most, run.runCount);
  for (const line of lines) if (inScope(line.taskRunId)) most = Math.max(most, line.attempt);
  return Array.from({ length: most }, (_, i) => i + 1);
}

function isEmptyFilter(filter: LogFilter): boolean {
  return filter.minLevel === undefined && filter.taskRunId === undefined && filter.attempt === undefined;
}

/** The indices of the lines the filter lets through, in order. */
export function filterLogs(lines: readonly LogLineLike[], filter: LogFilter): number[] {
  const found: number[] = [];
  for (let i = 0; i < lines.length; i++) if (passesFilter(lines[i], filter)) found.push(i);
  return found;
}

/**
 * A case-insensitive pattern for a literal query. A regular expression with the `i` flag, because
 * V8 searches it without lowering a copy of every line: a million lines in some tens of ms.
 */
function literalPattern(query: string, flags: string): RegExp {
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
}

/**
 * The indices of the lines whose message contains `query`, ignoring case, among those the filter
 * lets through, in order. An empty query finds nothing.
 */
export function searchLogs(lines: readonly LogLineLike[], query: string, filter: LogFilter = {}): number[] {
  if (query === '') return [];
  const pattern = literalPattern(query, 'i');
  const found: number[] = [];
  if (isEmptyFilter(filter)) {
    for (let i = 0; i < lines.length; i++) if (pattern.test(lines[i].message)) found.push(i);
  } else {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (passesFilter(line, filter) && pattern.test(line.message)) found.push(i);
    }
  }
  return found;
}

/** Where `query` occurs in a message, ignoring case, as [start, end) pairs: what a view highlights. */
export function matchRanges(message: string, query: string): [number, number][] {
  if (query === '') return [];
  const pattern = literalPattern(query, 'gi');
  const ranges: [number, number][] = [];
  for (const match of message.matchAll(pattern)) ranges.push([match.index, match.index + match[0].length]);
  return ranges;
}

/**
 * The match to go to from line `from` (an index into the lines): the first match after it going
 * forward, the last before it going back, wrapping around the end. Null when there are no matches.
 * `matches` is sorted, as searchLogs returns it.
 */
export function nextMatch(matches: readonly number[], from: number, direction: 1 | -1): number | null {
  if (matches.length === 0) return null;
  // The first position whose line is after `from` (forward) or at or after it (back).
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (direction === 1 ? matches[mid] <= from : matches[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  if (direction === 1) return lo < matches.length ? matches[lo] : matches[0];
  return lo > 0 ? matches[lo - 1] : matches[matches.length - 1];
}
