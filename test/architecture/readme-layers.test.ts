// README's "How it is built" names every folder of app/ in one table, unbroken by prose.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The table rows right under the heading, up to the first line that is not one, and the folders the rest of the section names in rows. */
function builtTable(readme: string): { rows: string[]; strayRows: string[] } {
  const section = readme.split('\n## How it is built\n')[1].split('\n## ')[0];
  const lines = section.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  let end = start;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  return { rows: lines.slice(start + 2, end), strayRows: lines.slice(end).filter((line) => line.startsWith('|')) };
}

describe("README's table of folders", () => {
  it('is one table with a row for each folder of app/', () => {
    const { rows, strayRows } = builtTable(readFileSync(resolve(ROOT, 'README.md'), 'utf8'));
    expect(strayRows).toEqual([]);
    const folders = readdirSync(resolve(ROOT, 'app'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `app/${entry.name}`)
      .sort();
    expect(rows.map((row) => /^\| `([^`]+)` \| \S/.exec(row)?.[1] ?? row).sort()).toEqual(folders);
  });
});
