import { z } from 'zod';
import { cronProblem } from './cron.js';
import { intervalSeconds } from './interval-seconds.js';
import { rruleProblem } from './rrule.js';
import { isKnownTimeZone } from './time-zones.js';

const TimeZoneSchema = z.string().superRefine((zone, ctx) => {
  if (!isKnownTimeZone(zone)) {
    ctx.addIssue({ code: 'custom', message: `timezone: unknown time zone "${zone}"; use an IANA name such as Europe/Berlin or UTC` });
  }
});

/** What every kind of schedule may carry. */
const ScheduleCommon = {
  timezone: TimeZoneSchema.optional(),
  /** An inactive schedule is kept but makes no runs. */
  active: z.boolean().optional(),
  /** Parameters for the runs this schedule makes, over the deployment's own. */
  parameters: z.record(z.string(), z.unknown()).optional(),
};

export const CronScheduleSchema = z.strictObject({
  cron: z.string().superRefine((expression, ctx) => {
    const problem = cronProblem(expression);
    if (problem) ctx.addIssue({ code: 'custom', message: `cron: "${expression}" is not a valid cron expression: ${problem}` });
  }),
  /** When both day fields are restricted, run on a day that matches either (classic cron) or only both. */
  dayOr: z.boolean().optional(),
  ...ScheduleCommon,
});

export { intervalSeconds };

export const IntervalScheduleSchema = z.strictObject({
  interval: z.union([z.number(), z.string()]).superRefine((interval, ctx) => {
    const seconds = intervalSeconds(interval);
    if (Number.isNaN(seconds)) {
      ctx.addIssue({
        code: 'custom',
        message: `interval: "${String(interval)}" is not a number of seconds or an ISO 8601 duration of weeks, days, hours, minutes and seconds such as PT1H or P1DT30M`,
      });
    } else if (!(seconds > 0) || !Number.isFinite(seconds)) {
      ctx.addIssue({ code: 'custom', message: `interval: ${String(interval)} must be longer than zero` });
    }
  }),
  /** The time the intervals are counted from, with its offset (2020-01-01T00:00:00Z when left out). */
  anchorDate: z
    .string()
    .superRefine((text, ctx) => {
      if (/(Z|[+-]\d\d:?\d\d)$/i.test(text) && !Number.isNaN(Date.parse(text))) return;
      ctx.addIssue({
        code: 'custom',
        message: `anchorDate: "${text}" is not an ISO 8601 date and time with an offset, such as 2026-01-01T09:00:00+01:00`,
      });
    })
    .optional(),
  ...ScheduleCommon,
});

export const RRuleScheduleSchema = z.strictObject({
  rrule: z.string().superRefine((expression, ctx) => {
    const problem = rruleProblem(expression);
    if (problem) ctx.addIssue({ code: 'custom', message: `rrule: "${expression}" is not a valid RRULE: ${problem}` });
  }),
  ...ScheduleCommon,
});

export const ScheduleSchema = z.union([CronScheduleSchema, IntervalScheduleSchema, RRuleScheduleSchema]);

export type CronSchedule = z.infer<typeof CronScheduleSchema>;
export type IntervalSchedule = z.infer<typeof IntervalScheduleSchema>;
export type RRuleSchedule = z.infer<typeof RRuleScheduleSchema>;
export type Schedule = z.infer<typeof ScheduleSchema>;

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const SCHEMA_BY_KEY = [
  ['cron', CronScheduleSchema],
  ['interval', IntervalScheduleSchema],
  ['rrule', RRuleScheduleSchema],
] as const;

/**
 * A schedule checked field by field. The kind is read from its key (cron, interval or rrule), so
 * an error speaks of that kind's fields rather than of every kind at once.
 */
export function parseSchedule(input: unknown): Schedule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ScheduleError('A schedule must be an object with one of cron, interval or rrule');
  }
  const kinds = SCHEMA_BY_KEY.filter(([key]) => key in input);
  if (kinds.length !== 1) {
    const found = kinds.map(([key]) => key).join(' and ');
    throw new ScheduleError(`A schedule needs exactly one of cron, interval or rrule${found ? `, not ${found}` : ''}`);
  }
  const result = kinds[0][1].safeParse(input);
  if (result.success) return result.data;
  throw new ScheduleError(result.error.issues.map(issueText).join('; '));
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') return issue.message;
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return field ? `${field}: ${issue.message}` : issue.message;
}
