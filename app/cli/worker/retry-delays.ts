/** Waits between attempts while something keeps failing (the server, a spare): short first, then longer. */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000];

/** The wait before the next attempt after `failures` failed ones in a row (0 for the first retry). */
export function retryDelay(failures: number): number {
  return RETRY_DELAYS_MS[Math.min(Math.max(failures, 0), RETRY_DELAYS_MS.length - 1)];
}
