import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { isTerminal } from '../../../core/states.js';
import type { FlowRunView } from '../../shared/flow-run-live.js';
import { formatDuration } from '../../shared/format.js';
import { barEnd, timelineRows, type TimelineBar } from '../model/timeline.js';
import { useNow } from './use-now.js';
import { navigate } from '../../app/use-route.js';
import type { TaskRun } from '../../../core/runs.js';
import { attemptBands, type AttemptBandItem, type FlowRunAttempt } from '../model/attempts.js';

const ROW_HEIGHT = 26;
const NAME_WIDTH = 220;

function barTitle(bar: TimelineBar, now: number): string {
  const took = formatDuration(barEnd(bar, now) - bar.start);
  if (bar.kind === 'wait') return `${bar.reason}: waited ${took}`;
  const how = bar.endedAs ?? 'running';
  return `Attempt ${bar.attempt}: ${how}, ${took}${bar.error ? ` (${bar.error.name}: ${bar.error.message})` : bar.message ? ` (${bar.message})` : ''}`;
}

/**
 * Every task run's attempts as bars on one time axis, and the waits before retries between them.
 * The task runs are those given (one attempt of the flow run) or, with `bands`, every attempt's
 * under a header of its own.
 */
export function TimelineView({
  view,
  taskRuns = view.taskRuns,
  bands = null,
  selected,
}: {
  view: FlowRunView;
  taskRuns?: readonly TaskRun[];
  bands?: readonly FlowRunAttempt[] | null;
  selected?: string;
}) {
  const live = view.flowRun !== null && !isTerminal(view.flowRun.state.type);
  const now = useNow(live, 500);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the view changes in place; its version says when
  const { rows, range } = useMemo(() => timelineRows(taskRuns, view.histories, now), [view.version, taskRuns, now]);
  const items = useMemo<AttemptBandItem<(typeof rows)[number]>[]>(
    () => (bands ? attemptBands(rows, bands) : rows.map((row) => ({ kind: 'row', row }))),
    [rows, bands],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const flowRunId = view.flowRun?.id ?? '';

  if (rows.length === 0) return <p className="fd-muted fd-page-status">No task runs yet.</p>;
  const span = range ? Math.max(1, range.end - range.start) : 1;
  const left = (t: number) => `${(((t - (range?.start ?? t)) / span) * 100).toFixed(3)}%`;
  const width = (a: number, b: number) => `${Math.max(0.2, ((b - a) / span) * 100).toFixed(3)}%`;

  return (
    <div className="fd-timeline" data-testid="timeline">
      <div className="fd-timeline-axis" style={{ paddingLeft: NAME_WIDTH }}>
        <span>0 s</span>
        <span>{formatDuration(span / 2)}</span>
        <span>{formatDuration(span)}</span>
      </div>
      <div className="fd-timeline-rows" ref={scroller}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const shown = items[item.index];
            if (shown.kind === 'header') {
              return (
                <div
                  key={`attempt-${shown.attempt.attempt}`}
                  className="fd-timeline-row fd-timeline-band"
                  data-testid="attempt-band"
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <span>
                    <strong>{shown.label}</strong>
                    {shown.attempt.retryMessage ? <span className="fd-muted"> · {shown.attempt.retryMessage}</span> : null}
                  </span>
                </div>
              );
            }
            const row = shown.row;
            return (
              <div
                key={row.taskRunId}
                className={`fd-timeline-row${row.taskRunId === selected ? ' is-selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => navigate({ page: 'run', flowRunId, taskRunId: row.taskRunId, view: 'timeline' })}
              >
                <div className="fd-timeline-name" style={{ width: NAME_WIDTH }} title={row.name}>
                  {row.name}
                </div>
                <div className="fd-timeline-track">
                  {row.timeline.bars.map((bar, index) => (
                    <span
                      key={index}
                      className={bar.kind === 'attempt' ? `fd-bar fd-bar-attempt state-${bar.outcome ?? 'RUNNING'}` : 'fd-bar fd-bar-wait'}
                      data-state={bar.kind === 'attempt' ? (bar.outcome ?? 'RUNNING') : undefined}
                      style={{ left: left(bar.start), width: width(bar.start, barEnd(bar, now)) }}
                      title={barTitle(bar, now)}
                    />
                  ))}
                  {row.timeline.bars.length === 0 ? (
                    <span className="fd-muted fd-timeline-note">{row.timeline.current?.name ?? 'not started'}</span>
                  ) : null}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
