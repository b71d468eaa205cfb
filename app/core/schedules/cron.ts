import { Cron } from 'croner';

/** A cron schedule without a time zone runs in UTC, so its times do not depend on the machine. */
export const DEFAULT_TIME_ZONE = 'UTC';

function cronJob(expression: string, timeZone: string | undefined, dayOr: boolean | undefined): Cron {
  return new Cron(expression, {
    paused: true,
    mode: '5-or-6-parts',
    timezone: timeZone ?? DEFAULT_TIME_ZONE,
    // Classic cron runs a job when either day field matches, unless one of them is *.
    domAndDow: dayOr === false,
    // Across daylight-saving changes croner treats a job whose seconds, minutes and hours hold
    // no wildcard or step (such as `30 2 * * *` or `0 2,14 * * *`) as fixed-time: in the skipped
    // hour it runs at the first valid time after the gap (02:30 becomes 03:00), and in the
    // repeated hour it runs once. Other jobs keep their pace in real time: they skip the times
    // that do not exist and run in both copies of the repeated hour.
    fixedTimeRule: 'no-wildcard',
  });
}

/** What is wrong with a cron expression, or undefined when it is a valid one of 5 or 6 fields. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `has ${fields} field${fields === 1 ? '' : 's'}; it needs 5 (minute to weekday) or 6 (with seconds first)`;
  try {
    cronJob(expression, undefined, undefined);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The times of a cron expression strictly after `after`, in order, while `keep` says so. */
export function cronTimesAfter(
  expression: string,
  timeZone: string | undefined,
  dayOr: boolean | undefined,
  after: Date,
  keep: (time: Date, found: number) => boolean,
): Date[] {
  const times: Date[] = [];
  for (const time of cronJob(expression, timeZone, dayOr).enumerate(after)) {
    if (!keep(time, times.length)) break;
    times.push(time);
  }
  return times;
}
