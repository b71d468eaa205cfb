import { visibleLength } from './table.js';

export type Field = readonly [label: string, value: string];

/** Label and value lines as inspect commands show them; a value spanning lines stays in its column. */
export function renderFields(fields: readonly Field[]): string {
  const width = Math.max(0, ...fields.map(([label]) => visibleLength(label)));
  const continuation = ' '.repeat(width + 4);
  return fields
    .map(([label, value]) => {
      const [first, ...rest] = value.split('\n');
      const head = `  ${label}${' '.repeat(width - visibleLength(label))}  ${first}`.trimEnd();
      return [head, ...rest.map((line) => `${continuation}${line}`.trimEnd())].join('\n');
    })
    .join('\n');
}

/** Indents every line, so a table sits under its section heading. */
export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => (line ? `${by}${line}` : line))
    .join('\n');
}
