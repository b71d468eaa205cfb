/** The KEY=VALUE parts of an expression's RRULE line, keys and values in upper case. */
export type RRuleParts = Record<string, string>;

export function rruleParts(expression: string): RRuleParts {
  const line = expression.split(/\r?\n/).find((text) => /FREQ=/i.test(text)) ?? '';
  const parts: RRuleParts = {};
  for (const pair of line.replace(/^RRULE:/i, '').split(';')) {
    const [key, value] = pair.split('=');
    if (key && value !== undefined) parts[key.trim().toUpperCase()] = value.trim().toUpperCase();
  }
  return parts;
}

export const FREQUENCIES = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const RFC_5545_PARTS = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
]);
const WEEKDAY = /^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$/;

/** What is wrong with the parts rrule reads without a clear message of its own, if anything. */
export function rrulePartsProblem(parts: RRuleParts): string | undefined {
  if (!parts.FREQ) return 'it has no FREQ, such as FREQ=WEEKLY;BYDAY=MO';
  if (!FREQUENCIES.includes(parts.FREQ)) return `FREQ=${parts.FREQ} is not one of ${FREQUENCIES.join(', ')}`;
  const unknown = Object.keys(parts).find((key) => !RFC_5545_PARTS.has(key));
  if (unknown) return `${unknown} is not an RRULE part`;
  const badDay = parts.BYDAY?.split(',').find((day) => !WEEKDAY.test(day));
  if (badDay !== undefined) return `BYDAY=${parts.BYDAY}: "${badDay}" is not a week day such as MO or -1FR`;
  if (parts.WKST && !WEEKDAY.test(parts.WKST)) return `WKST=${parts.WKST} is not a week day such as MO`;
  return undefined;
}
