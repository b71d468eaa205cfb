import { describe, expect, it } from 'vitest';
import { exportNameAt } from '../../app/cli/serving/export-name.js';

/** The export holding the flow whose `flow(` call is marked by `@` in the source. */
function exportOf(marked: string): string | null {
  const lines = marked.split('\n');
  const line = lines.findIndex((text) => text.includes('@'));
  const column = lines[line].indexOf('@') + 1;
  return exportNameAt(marked.replace('@', ''), line + 1, column);
}

describe('the export of a deployed flow', () => {
  it('is read from how the flow is declared and exported', () => {
    expect(exportOf("export default @flow({ name: 'etl' }, async () => 1);")).toBe('default');
    expect(exportOf("export const etl = @flow({ name: 'etl' }, async () => 1);")).toBe('etl');
    expect(exportOf("export const etl: Flow = @flow({ name: 'etl' }, async () => 1);")).toBe('etl');
    expect(exportOf("const etl = @flow({ name: 'etl' }, async () => 1);\nexport default etl;")).toBe('default');
    expect(exportOf("const etl = @flow(\n  { name: 'etl' },\n  async () => 1,\n);\nexport { other, etl as nightly };")).toBe('nightly');
    expect(exportOf('let $etl = @flow(async function etl() {});\nexport { $etl };')).toBe('$etl');
  });

  it('is none for a flow its module does not export', () => {
    expect(exportOf("const etl = @flow({ name: 'etl' }, async () => 1);\nawait etl.deploy({ name: 'n', workPool: 'p' });")).toBeNull();
    expect(exportOf("const etl = @flow({ name: 'etl' }, async () => 1);\nexport { etl } from './elsewhere.js';")).toBeNull();
    expect(exportOf("register(@flow({ name: 'etl' }, async () => 1));")).toBeNull();
  });
});
