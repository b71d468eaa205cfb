export * from './model.js';
export { nextRunTimes, MAX_RUN_TIMES, type NextRunTimesOptions } from './next-run-times.js';
export { describeSchedule } from './describe.js';
export { DEFAULT_ANCHOR } from './interval.js';
export { DEFAULT_TIME_ZONE } from './cron.js';
export { isoDurationSeconds } from './iso-duration.js';
export { isKnownTimeZone } from './time-zones.js';
