/**
 * A span of time in the largest unit that reads well, rounded down: "40 s", "3 min", "2 h 5 min",
 * "3 days". Meant for "in …" and "… ago", where a second either way does not matter.
 */
export function formatSpan(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** How far a time is from now, as a person says it: "in 3 min", "40 s ago", "just now" within a second. */
export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  if (Math.abs(delta) < 1000) return 'just now';
  return delta > 0 ? `in ${formatSpan(delta)}` : `${formatSpan(delta)} ago`;
}

/**
 * When a run that has not started is due: "in 3 min" ahead of its time, "due now" within a second
 * of it, "late by 40 s" once past it. The server names a run Late only some seconds after its time,
 * so a Scheduled run a moment past due reads "due 5 s ago" rather than late.
 */
export function formatDue(expectedStartTime: number, now: number, late: boolean): string {
  const delta = expectedStartTime - now;
  if (late) return `late by ${formatSpan(Math.max(0, -delta))}`;
  if (Math.abs(delta) < 1000) return 'due now';
  return delta > 0 ? `in ${formatSpan(delta)}` : `due ${formatSpan(delta)} ago`;
}
