import { describe, expect, it } from 'vitest';
import type { CatchUpRule } from '../../../app/core/api/deployments.js';
import { parseSchedule } from '../../../app/core/schedules/index.js';
import { LATE_AFTER_MS, planCatchUp } from '../../../app/server/scheduling/catch-up.js';
import { latestTimesBetween } from '../../../app/server/scheduling/missed-times.js';
import { planRunsAhead } from '../../../app/server/scheduling/plan-runs.js';
import { SCHEDULE_HORIZON, timesAhead } from '../../../app/server/scheduling/runs-ahead.js';
import type { ScheduleTarget } from '../../../app/server/store/deployment-store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (times: readonly number[]) => times.map((time) => new Date(time).toISOString());
const NOW = at('2026-06-01T10:00:00Z');

function target(schedule: unknown, lastScheduledTime: number | null, catchUp: CatchUpRule = 'latest', ids = ['d1', 's1']): ScheduleTarget {
  return {
    deploymentId: ids[0],
    scheduleId: ids[1],
    schedule: parseSchedule(schedule),
    parameters: {},
    catchUp,
    lastScheduledTime,
    futureRuns: 0,
  };
}

describe('runs ahead of a schedule', () => {
  it('covers at least an hour: every minute gives the 60 runs of the next hour', () => {
    const times = timesAhead(parseSchedule({ interval: 60 }), null, NOW);
    expect(times).toHaveLength(60);
    expect(times[0]).toBe(NOW + MINUTE);
    expect(times.at(-1)).toBe(NOW + HOUR);
  });

  it('makes at least 3 runs: a daily schedule gets the next three days', () => {
    expect(iso(timesAhead(parseSchedule({ cron: '0 3 * * *' }), null, NOW))).toEqual([
      '2026-06-02T03:00:00.000Z',
      '2026-06-03T03:00:00.000Z',
      '2026-06-04T03:00:00.000Z',
    ]);
  });

  it('makes at most 100 runs: every second gives 100, not an hour of them', () => {
    const times = timesAhead(parseSchedule({ interval: 1 }), null, NOW);
    expect(times).toHaveLength(SCHEDULE_HORIZON.maxRuns);
    expect(times.at(-1)).toBe(NOW + 100_000);
  });

  it('reaches at most 100 days ahead: a yearly schedule gets only the run within them', () => {
    expect(iso(timesAhead(parseSchedule({ rrule: 'FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=1;BYHOUR=0;BYMINUTE=0;BYSECOND=0' }), null, NOW))).toEqual([
      '2026-07-01T00:00:00.000Z',
    ]);
    expect(timesAhead(parseSchedule({ rrule: 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=1' }), null, NOW)).toEqual([]);
  });

  it('never gives a time up to the last one made, nor a time before now', () => {
    const hourly = parseSchedule({ cron: '0 * * * *' });
    expect(iso(timesAhead(hourly, NOW + 2 * HOUR, NOW))).toEqual(['2026-06-01T13:00:00.000Z']);
    expect(timesAhead(hourly, NOW + 3 * HOUR, NOW)).toEqual([]);
    // The last run made long ago: the hours missed since are not made here.
    expect(iso(timesAhead(hourly, NOW - 5 * DAY, NOW))).toEqual(['2026-06-01T11:00:00.000Z', '2026-06-01T12:00:00.000Z', '2026-06-01T13:00:00.000Z']);
  });

  it('gives the times since `from` too when asked, those at start-up too recent to be missed', () => {
    const everyFiveSeconds = parseSchedule({ interval: 5 });
    const times = timesAhead(everyFiveSeconds, NOW - 20_000, NOW, NOW - LATE_AFTER_MS);
    expect(times.slice(0, 4)).toEqual([NOW - 10_000, NOW - 5_000, NOW, NOW + 5_000]);
  });

  it('follows a cron schedule in a named time zone across the change to summer time', () => {
    // Europe/Berlin goes from CET (+01:00) to CEST (+02:00) on 29 March 2026: 09:00 moves an hour earlier in UTC.
    const now = at('2026-03-27T12:00:00Z');
    expect(iso(timesAhead(parseSchedule({ cron: '0 9 * * *', timezone: 'Europe/Berlin' }), null, now))).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    // Hourly through the night of the change: 02:00 does not exist, so that night has one run less.
    const night = timesAhead(parseSchedule({ cron: '0 * * * *', timezone: 'Europe/Berlin' }), null, at('2026-03-28T22:30:00Z'));
    expect(iso(night)).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z']);
  });

  it('plans every target with times still needed, and none for a full one', () => {
    const runs = planRunsAhead([target({ cron: '0 * * * *' }, null), target({ cron: '0 * * * *' }, NOW + 3 * HOUR, 'latest', ['d2', 's2'])], NOW);
    expect(runs).toEqual([{ deploymentId: 'd1', scheduleId: 's1', times: [NOW + HOUR, NOW + 2 * HOUR, NOW + 3 * HOUR] }]);
  });

  it('starts a new schedule from now even when asked from earlier', () => {
    const runs = planRunsAhead([target({ interval: 5 }, null)], NOW, NOW - LATE_AFTER_MS);
    expect(runs[0].times[0]).toBe(NOW + 5_000);
  });
});

describe('the latest times of a schedule in a span', () => {
  it('finds them far back without walking from the span start', () => {
    const everySecond = parseSchedule({ interval: 1 });
    // Ten years of seconds: far more than one walk of times gives.
    const times = latestTimesBetween(everySecond, NOW - 3650 * DAY, NOW, 100);
    expect(times).toHaveLength(100);
    expect(times[0]).toBe(NOW - 99_000);
    expect(times.at(-1)).toBe(NOW);
  });

  it('gives fewer when the span holds fewer, and none for an empty span', () => {
    const hourly = parseSchedule({ cron: '0 * * * *' });
    expect(latestTimesBetween(hourly, NOW - 3 * HOUR, NOW, 100)).toEqual([NOW - 2 * HOUR, NOW - HOUR, NOW]);
    expect(latestTimesBetween(hourly, NOW, NOW, 100)).toEqual([]);
    expect(latestTimesBetween(hourly, NOW - 30 * MINUTE, NOW - MINUTE, 100)).toEqual([]);
  });
});

describe('catching up at start-up on runs missed while the server was down', () => {
  const hourly = { cron: '0 * * * *' };
  const cutoff = NOW - LATE_AFTER_MS;
  // The server stopped after making runs up to 05:00; 06:00 to 09:00 got none.
  const lastMade = at('2026-06-01T05:00:00Z');

  it("'latest' makes only the latest missed time and drops the older missed runs", () => {
    expect(planCatchUp([target(hourly, lastMade, 'latest')], NOW)).toEqual({
      runs: [{ deploymentId: 'd1', scheduleId: 's1', times: [at('2026-06-01T09:00:00Z')] }],
      skips: [{ deploymentId: 'd1', before: cutoff + 1, keepLatest: true }],
      settledUntil: cutoff,
    });
  });

  it("'latest' takes the latest time over all of a deployment's schedules", () => {
    const plan = planCatchUp([target(hourly, lastMade, 'latest', ['d1', 'a']), target({ cron: '30 * * * *' }, lastMade, 'latest', ['d1', 'b'])], NOW);
    expect(plan.runs).toEqual([{ deploymentId: 'd1', scheduleId: 'b', times: [at('2026-06-01T09:30:00Z')] }]);
    expect(plan.skips).toEqual([{ deploymentId: 'd1', before: cutoff + 1, keepLatest: true }]);
  });

  it("'all' makes every missed time and drops nothing", () => {
    expect(planCatchUp([target(hourly, lastMade, 'all')], NOW)).toEqual({
      runs: [{ deploymentId: 'd1', scheduleId: 's1', times: ['06', '07', '08', '09'].map((h) => at(`2026-06-01T${h}:00:00Z`)) }],
      skips: [],
      settledUntil: cutoff,
    });
  });

  it("'all' is bounded to the latest 100 missed times of a schedule", () => {
    const plan = planCatchUp([target({ interval: 60 }, NOW - 30 * DAY, 'all')], NOW);
    expect(plan.runs[0].times).toHaveLength(100);
    expect(plan.runs[0].times.at(-1)).toBe(NOW - MINUTE);
  });

  it("'none' makes nothing and drops every missed run", () => {
    expect(planCatchUp([target(hourly, lastMade, 'none')], NOW)).toEqual({
      runs: [],
      skips: [{ deploymentId: 'd1', before: cutoff + 1, keepLatest: false }],
      settledUntil: cutoff,
    });
  });

  it('counts a time as missed only when it is more than 15 s past', () => {
    const plan = planCatchUp([target({ interval: 10 }, NOW - 30_000, 'all')], NOW);
    expect(plan.runs).toEqual([{ deploymentId: 'd1', scheduleId: 's1', times: [NOW - 20_000] }]);
    // The times after the cut-off are made as due now by the plan of runs ahead.
    expect(planRunsAhead([target({ interval: 10 }, NOW - 20_000)], NOW, plan.settledUntil)[0].times.slice(0, 2)).toEqual([NOW - 10_000, NOW]);
  });

  it('finds nothing missed for a schedule that never made a run, or made runs ahead of now', () => {
    expect(planCatchUp([target(hourly, null, 'all'), target(hourly, NOW + HOUR, 'all', ['d2', 's2'])], NOW).runs).toEqual([]);
  });
});
