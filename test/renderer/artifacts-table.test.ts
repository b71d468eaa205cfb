// Table artifacts in any of their three shapes become one header and rows of text cells.
import { describe, expect, it } from 'vitest';
import { linkView, progressValue, tableView } from '../../app/renderer/artifacts/model/artifact-view.js';

describe('a table artifact', () => {
  it('from rows of objects: columns in the order first seen, missing cells empty', () => {
    expect(tableView([{ a: 1, b: 'x' }, { b: 'y', c: { deep: true } }, {}])).toEqual({
      columns: ['a', 'b', 'c'],
      rows: [
        ['1', 'x', ''],
        ['', 'y', '{"deep":true}'],
        ['', '', ''],
      ],
    });
  });

  it('from a dict of columns: shorter columns padded', () => {
    expect(tableView({ city: ['Oslo', 'Lima', 'Pune'], temp: [3, null] })).toEqual({
      columns: ['city', 'temp'],
      rows: [
        ['Oslo', '3'],
        ['Lima', ''],
        ['Pune', ''],
      ],
    });
  });

  it('from a list of lists: numbered columns, as wide as the widest row', () => {
    expect(tableView([['x', 1], ['y'], [true, 2, 'z']])).toEqual({
      columns: ['0', '1', '2'],
      rows: [
        ['x', '1', ''],
        ['y', '', ''],
        ['true', '2', 'z'],
      ],
    });
  });

  it('an empty list is an empty table; anything else is no table', () => {
    expect(tableView([])).toEqual({ columns: [], rows: [] });
    for (const data of [null, 3, 'text', [1, 2], [{ a: 1 }, [1]], { a: 1 }]) expect(tableView(data)).toBeNull();
  });
});

describe('link and progress artifacts', () => {
  it('a link is live only to web pages and mail, and shows its text or itself', () => {
    expect(linkView({ link: 'https://example.com', linkText: 'Example' })).toEqual({ text: 'Example', href: 'https://example.com' });
    expect(linkView({ link: 'mailto:a@b.c', linkText: null })).toEqual({ text: 'mailto:a@b.c', href: 'mailto:a@b.c' });
    expect(linkView({ link: 'javascript:alert(1)', linkText: 'click' })).toEqual({ text: 'click', href: null });
    expect(linkView({ link: ' JavaScript:alert(1)', linkText: null }).href).toBeNull();
  });

  it('progress stays within 0 to 100', () => {
    expect([progressValue(42.5), progressValue(-3), progressValue(250), progressValue('x')]).toEqual([42.5, 0, 100, 0]);
  });
});
