/** Spacing between the messages of the latency workloads and their floor. */
import { setTimeout as sleep } from 'node:timers/promises';

export const PACE_MIN_MS = 2;
export const PACE_MAX_MS = 8;

/**
 * A random pause of a few ms: changes come a few ms apart, and never in step with a poller that
 * wakes every 5 ms, which would make every sample wait the same part of its period.
 */
export function pace(): Promise<void> {
  return sleep(PACE_MIN_MS + Math.random() * (PACE_MAX_MS - PACE_MIN_MS));
}
