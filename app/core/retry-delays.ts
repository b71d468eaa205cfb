import type { RetryPolicy } from './runs.js';

/** Delays of `factor * 2^n` seconds for each retry, as in exponential backoff. */
export function exponentialBackoffDelays(factor: number, retries: number): number[] {
  const count = Math.max(1, Math.min(retries, 50));
  return Array.from({ length: count }, (_, n) => factor * 2 ** n);
}

/**
 * The delay before the retry that follows attempt `attempt` (1-based), in milliseconds.
 * Jitter spreads it uniformly over `base * (1 ± factor)`, never below zero.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const delays = policy.retryDelaySeconds.length > 0 ? policy.retryDelaySeconds : [0];
  const base = delays[Math.min(attempt - 1, delays.length - 1)] * 1000;
  const jitter = policy.retryJitterFactor ?? 0;
  if (jitter <= 0 || base === 0) return base;
  return Math.max(0, base * (1 + jitter * (2 * random() - 1)));
}
