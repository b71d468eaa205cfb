// Width of what a terminal shows, leaving out colour codes.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/** A plain aligned table: a header row, then one row per item. */
export function renderTable(headers: string[], rows: string[][], bold: (s: string) => string = (s) => s): string {
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i])))
      .join('  ')
      .trimEnd();
  return [bold(line(headers.map((h, i) => pad(h, widths[i])))), ...rows.map(line)].join('\n');
}
