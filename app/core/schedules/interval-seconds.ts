import { isoDurationSeconds } from './iso-duration.js';

/** The length of an interval in seconds: a number, or an ISO 8601 duration such as PT1H. */
export function intervalSeconds(interval: number | string): number {
  return typeof interval === 'number' ? interval : (isoDurationSeconds(interval) ?? Number.NaN);
}
