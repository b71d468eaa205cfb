import type { ErrorInfo, RetryPolicy } from '../../core/index.js';

/** Table cells hold one line; newlines in messages would break the columns. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function describeError(error: ErrorInfo | undefined): string {
  if (!error) return '';
  return oneLine(error.message ? `${error.name}: ${error.message}` : error.name);
}

export function describeTags(tags: readonly string[]): string {
  return tags.length > 0 ? tags.join(', ') : '-';
}

function seconds(value: number): string {
  return `${Number(value.toFixed(3))}s`;
}

export function describeRetryPolicy(policy: RetryPolicy): string {
  if (policy.retries === 0) return 'no retries';
  const delays = policy.retryDelaySeconds;
  let text = `${policy.retries} ${policy.retries === 1 ? 'retry' : 'retries'}`;
  if (delays.every((d) => d === 0)) text += ', no delay';
  else if (delays.length === 1) text += `, ${seconds(delays[0])} apart`;
  // The last delay repeats for any further retries.
  else text += `, waiting ${delays.map(seconds).join(', ')}${policy.retries > delays.length ? ' (the last repeats)' : ''}`;
  if (policy.retryJitterFactor) text += `, jitter ${policy.retryJitterFactor}`;
  return text;
}

/** How many attempts a run has made, and how many its retry policy allows. */
export function describeAttempts(runCount: number, policy: RetryPolicy): string {
  return policy.retries > 0 ? `${runCount} of at most ${policy.retries + 1}` : String(runCount);
}

/** Short JSON stays on one line; longer JSON is spread out so it can be read. */
export function describeJson(value: unknown): string {
  const compact = JSON.stringify(value);
  if (compact === undefined) return '-';
  return compact.length <= 80 ? compact : JSON.stringify(value, null, 2);
}
