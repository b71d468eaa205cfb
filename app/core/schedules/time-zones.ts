// Wall-clock arithmetic in a named time zone with Intl alone, so it runs in the browser too.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instantMs`, as milliseconds whose UTC fields are that wall clock. */
export function wallClockAt(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const seconds = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return seconds + (((instantMs % 1000) + 1000) % 1000);
}

function offsetAt(instantMs: number, timeZone: string): number {
  return wallClockAt(instantMs, timeZone) - instantMs;
}

/**
 * The instant a wall-clock time in `timeZone` names. A time that occurs twice (the clock goes
 * back) gives its first occurrence; a time that does not exist (the clock goes forward) is read
 * with the offset before the gap, so it moves forward by the gap's length, as RFC 5545 says.
 */
export function instantOfWallClock(wallMs: number, timeZone: string): number {
  const halfDay = 12 * 3600_000;
  const before = offsetAt(wallMs - halfDay, timeZone);
  const after = offsetAt(wallMs + halfDay, timeZone);
  const matches = [before, after].map((offset) => wallMs - offset).filter((instant) => wallClockAt(instant, timeZone) === wallMs);
  return matches.length > 0 ? Math.min(...matches) : wallMs - before;
}
