// ISO 8601 durations of fixed length: weeks, days, hours, minutes and seconds. Years and months
// have no fixed length, so an interval in them has no single meaning and is refused.

const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const UNIT_SECONDS = [604_800, 86_400, 3_600, 60, 1];

/** The seconds an ISO 8601 duration such as PT1H or P1DT30M lasts, or undefined when it is not one. */
export function isoDurationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toUpperCase());
  if (!match || text.trim().endsWith('T')) return undefined;
  const amounts = match.slice(1);
  if (amounts.every((amount) => amount === undefined)) return undefined;
  return amounts.reduce((total, amount, index) => total + Number(amount ?? 0) * UNIT_SECONDS[index], 0);
}
