// A flow file the builder writes with a secret and a block in its SQL steps' connections, run by the
// real `flowdeck run` against the local store that holds them: it completes, and the file on disk
// holds only their names.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateFlowModule, type FlowGraph } from '../../app/core/flow-document/index.js';
import { lastJsonLine, runCli, showOutput, useCliHome } from '../helpers/cli.js';

const cliHome = useCliHome();
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'flowdeck-builder-credentials-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const span = { start: 0, end: 0 };

function builderGraph(): FlowGraph {
  return {
    flowName: 'warehouse-report',
    parameters: [],
    nodes: [
      {
        id: 'countOrders',
        kind: 'sqlQuery',
        name: 'count-orders',
        fields: { sql: 'select 41 + 1 as answer' },
        options: {},
        inputs: { connection: { from: 'secret', name: 'db-url' } },
        span,
      },
      {
        id: 'countItems',
        kind: 'sqlQuery',
        name: 'count-items',
        fields: { sql: 'select 7 as items' },
        options: {},
        inputs: { connection: { from: 'block', type: 'sql-connection', name: 'warehouse' } },
        returned: true,
        span,
      },
    ],
    edges: [],
    regions: [],
  };
}

describe('a builder flow that loads its connection by name', () => {
  it('runs with the secret and block from the local store, and the file holds neither value', async () => {
    const secretUrl = `sqlite:${join(dir, 'orders-3f9a1c.db')}`;
    const blockUrl = `sqlite:${join(dir, 'items-7b2e4d.db')}`;
    const flowdeck = (args: string[], input?: string) => runCli(args, { home: cliHome.home, input, cwd: dir });
    const set = await flowdeck(['secret', 'set', 'db-url'], `${secretUrl}\n`);
    expect(set.code, showOutput(set)).toBe(0);
    const made = await flowdeck(['block', 'create', 'sql-connection/warehouse', '--data', JSON.stringify({ url: blockUrl })]);
    expect(made.code, showOutput(made)).toBe(0);

    const code = generateFlowModule(builderGraph());
    expect(code).toContain("(await Secret.load('db-url')).get()");
    expect(code).toContain("await loadBlock('sql-connection/warehouse')");
    const path = join(dir, 'warehouse-report.ts');
    writeFileSync(path, code);

    const result = await flowdeck(['run', path, '--json']);
    expect(result.code, showOutput(result)).toBe(0);
    const json = lastJsonLine(result.stdout);
    expect(json.state.type).toBe('COMPLETED');
    expect(json.result).toEqual({ rows: [{ items: 7 }], rowCount: 1 });

    const onDisk = readFileSync(path, 'utf8');
    expect(onDisk).not.toContain(secretUrl);
    expect(onDisk).not.toContain('orders-3f9a1c');
    expect(onDisk).not.toContain('items-7b2e4d');
  });
});
