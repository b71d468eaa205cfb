// Subflows seen from the command line: a flow file whose flows take arguments, run with
// `--param`, described for a Run form, and a parent inspected with its subflow runs. The real CLI
// in child processes, over a temporary FLOWDECK_HOME.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowRun, FlowRunSummary, State, TaskRun } from '../../app/core/index.js';
import { lastJsonLine, readStore, runCli, showOutput, useCliHome } from '../helpers/cli.js';

const cliHome = useCliHome();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowdeck-subflows-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const FLOWS = `import { flow, task } from 'flowdeck';

const extract = task({ name: 'extract' }, (source: string) => [source + '-1', source + '-2', source + '-3']);

export const ingest = flow({ name: 'ingest' }, async (source: string, limit = 10) => {
  const rows = await extract(source);
  return rows.slice(0, limit).length;
});

export default flow({ name: 'nightly' }, async (sources: string[]) => {
  const counts = await Promise.all(sources.map((source) => ingest(source, 2)));
  return counts.reduce((a, b) => a + b, 0);
});
`;

function flowFile(): string {
  const path = join(dir, 'nightly.ts');
  writeFileSync(path, FLOWS);
  return path;
}

const cli = (...args: string[]) => runCli(args, { home: cliHome.home });

describe('flowdeck run and flow describe with flows that take arguments', () => {
  it('runs a flow with its parameters by name, refusing a name it does not take', async () => {
    const path = flowFile();
    const parent = await cli('run', path, '--param', 'sources=["crm","billing"]', '--json');
    expect(parent.code, showOutput(parent)).toBe(0);
    expect(lastJsonLine(parent.stdout)).toMatchObject({ state: { type: 'COMPLETED' }, result: 4 });

    const child = await cli('run', path, '--flow', 'ingest', '--param', 'source=crm', '--param', 'limit=1', '--json');
    expect(child.code, showOutput(child)).toBe(0);
    const { flowRunId, result } = lastJsonLine(child.stdout);
    expect(result).toBe(1);
    expect(await readStore(cliHome.dbPath, async (store) => (await store.flowRun(flowRunId))!.parameters)).toEqual({ source: 'crm', limit: 1 });

    const unknown = await cli('run', path, '--flow', 'ingest', '--param', 'sorce=crm');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("the flow takes no parameter 'sorce'; it takes source, limit");
  });

  it('describes each argument as a parameter that takes any JSON value, so a Run form can ask for it', async () => {
    const path = flowFile();
    const json = await cli('flow', 'describe', path, '--json');
    expect(json.code, showOutput(json)).toBe(0);
    expect(lastJsonLine(json.stdout)).toEqual({
      flows: [
        {
          name: 'nightly',
          isDefault: true,
          exports: ['default'],
          parameters: { type: 'object', properties: { sources: {} }, additionalProperties: true },
        },
        {
          name: 'ingest',
          isDefault: false,
          exports: ['ingest'],
          parameters: { type: 'object', properties: { source: {}, limit: {} }, additionalProperties: false },
        },
      ],
      deployments: [],
    });
    const table = await cli('flow', 'describe', path);
    expect(
      table.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.trim().split(/\s{2,}/)),
    ).toEqual([
      ['FLOW', 'EXPORTS', 'PARAMETERS'],
      ['*', 'nightly', 'default', 'sources?'],
      ['ingest', 'ingest', 'source?, limit?'],
    ]);
  });
});

describe('flowdeck flow-run inspect of a parent and of its subflow runs', () => {
  it('lists the subflow runs of a parent and counts their task runs; a child names its parent and task run', async () => {
    const run = await cli('run', flowFile(), '--param', 'sources=["crm","billing"]', '--json');
    expect(run.code, showOutput(run)).toBe(0);
    const parentId = lastJsonLine(run.stdout).flowRunId;

    const json = await cli('flow-run', 'inspect', parentId, '--json');
    expect(json.code, showOutput(json)).toBe(0);
    const parent = JSON.parse(json.stdout) as FlowRun & { states: State[]; taskRuns: TaskRun[]; subflowRuns: FlowRunSummary[] };
    expect(parent.parameters).toEqual({ sources: ['crm', 'billing'] });
    expect(parent.taskRuns.map((t) => [t.taskKey, t.state.name]).sort()).toEqual([
      ['ingest', 'Completed'],
      ['ingest', 'Completed'],
    ]);
    expect(parent.subflowRuns).toHaveLength(2);
    expect(parent.subflowRuns.map((c) => c.parentTaskRunId).sort()).toEqual(parent.taskRuns.map((t) => t.id).sort());
    for (const child of parent.subflowRuns)
      expect(child).toMatchObject({ flowName: 'ingest', parentFlowRunId: parentId, state: { name: 'Completed' } });
    expect(parent.taskRuns.map((t) => t.result)).toEqual(['2', '2']);

    const text = await cli('flow-run', 'inspect', parentId);
    expect(text.code, showOutput(text)).toBe(0);
    expect(text.stdout).toContain('Task runs (2, 2 of them subflow calls)');
    const listing = text.stdout.slice(text.stdout.indexOf('Subflow runs (2)'));
    const rows = listing
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(['ID', 'NAME', 'FLOW', 'STATE', 'STARTED', 'ELAPSED']);
    expect(
      rows
        .slice(1)
        .map((r) => [r[1], r[2], r[3]])
        .sort(),
    ).toEqual(parent.subflowRuns.map((c) => [c.name, 'ingest', 'Completed']).sort());
    for (const child of parent.subflowRuns) expect(rows.slice(1).some((r) => child.id.startsWith(r[0]))).toBe(true);

    const child = parent.subflowRuns[0];
    const tracking = parent.taskRuns.find((t) => t.id === child.parentTaskRunId)!;
    const childText = await cli('flow-run', 'inspect', child.id);
    expect(childText.code, showOutput(childText)).toBe(0);
    expect(childText.stdout).toContain(`parent      ${parentId} (${parent.name})`);
    expect(childText.stdout).toContain(`as task run ${tracking.id} (${tracking.name})`);
    expect(childText.stdout).toMatch(/parameters\s+\{"source":"(crm|billing)","limit":2\}/);
    expect(childText.stdout).toContain('Task runs (1)');
    expect(childText.stdout).not.toContain('Subflow runs');
  });
});
