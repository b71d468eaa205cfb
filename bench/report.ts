/** The bench's output: a table for people and results.json for the record. */
import { renameSync, writeFileSync } from 'node:fs';

export interface Row {
  workload: string;
  /** The engine's figure, formatted. */
  figure: string;
  /** The floor measured in the same run, formatted; '' when there is none. */
  floor: string;
  /** Engine cost over floor cost (time or lateness), e.g. 2.1 for "2.1x"; null when not compared. */
  ratio: number | null;
  target: string;
  /** null: for reference only, no target. */
  pass: boolean | null;
}

const HEADERS = ['workload', 'figure', 'floor (same run)', 'ratio', 'target', 'result'];

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function verdict(pass: boolean | null): string {
  if (pass === null) return 'reference';
  return pass ? 'pass' : 'MISSED';
}

export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.workload, r.figure, r.floor, r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`, r.target, verdict(r.pass)]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

/** Writes the JSON next to its final place first, so a killed bench never leaves half a file. */
export function writeResults(path: URL, results: unknown): void {
  const round = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value);
  const temp = new URL(`${path.href}.tmp`);
  writeFileSync(temp, `${JSON.stringify(results, round, 2)}\n`);
  renameSync(temp, path);
}
