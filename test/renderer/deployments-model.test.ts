// What the Deployments pages say without a page: schedules, placement and next runs in words,
// relative times, the Run form from a deployment's parameter schema, and the server's refusals
// placed beside the fields they name.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeploymentIdParamsSchema } from '../../app/core/api/deployments.js';
import { parseRoute, routeHash, type Route } from '../../app/renderer/app/routes.js';
import { nextRunText, placementText, schedulesText, scheduleText, sortDeployments } from '../../app/renderer/deployments/model/deployment-text.js';
import { deploymentRunForm } from '../../app/renderer/deployments/model/run-form.js';
import { collectParameters } from '../../app/renderer/shared/parameter-form.js';
import { formatDue, formatRelative, formatSpan } from '../../app/renderer/shared/relative-time.js';
import { placeServerProblems } from '../../app/renderer/shared/server-problems.js';

const NOW = Date.UTC(2031, 2, 4, 12, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('relative times', () => {
  it('reads a span in the largest unit that reads well', () => {
    expect(formatSpan(40 * SECOND + 900)).toBe('40 s');
    expect(formatSpan(3 * MINUTE + 59 * SECOND)).toBe('3 min');
    expect(formatSpan(2 * 60 * MINUTE)).toBe('2 h');
    expect(formatSpan(125 * MINUTE)).toBe('2 h 5 min');
    expect(formatSpan(24 * 60 * MINUTE)).toBe('1 day');
    expect(formatSpan(3 * 24 * 60 * MINUTE + 5)).toBe('3 days');
  });

  it('says how far ahead or behind a time is', () => {
    expect(formatRelative(NOW + 3 * MINUTE, NOW)).toBe('in 3 min');
    expect(formatRelative(NOW - 4 * SECOND, NOW)).toBe('4 s ago');
    expect(formatRelative(NOW + 200, NOW)).toBe('just now');
  });

  it('says when a waiting run is due, and by how much a Late one is late', () => {
    expect(formatDue(NOW + 3 * MINUTE, NOW, false)).toBe('in 3 min');
    expect(formatDue(NOW - 40 * SECOND, NOW, true)).toBe('late by 40 s');
    expect(formatDue(NOW + 300, NOW, false)).toBe('due now');
    // Past its time but not yet named Late by the server.
    expect(formatDue(NOW - 5 * SECOND, NOW, false)).toBe('due 5 s ago');
  });
});

describe('a deployment in words', () => {
  const schedules = [
    { id: 's1', description: 'at 03:00 every day (Asia/Shanghai)', active: true, schedule: { cron: '0 3 * * *', timezone: 'Asia/Shanghai' } },
    { id: 's2', description: 'every hour', active: false, schedule: { interval: 3600 } },
  ];

  it('lists its schedules with the inactive ones marked, or says it runs when asked', () => {
    expect(scheduleText(schedules[1])).toBe('every hour (inactive)');
    expect(schedulesText(schedules)).toBe('at 03:00 every day (Asia/Shanghai); every hour (inactive)');
    expect(schedulesText([])).toBe('no schedule: runs when asked');
  });

  it('says where its runs go', () => {
    expect(placementText({ workPool: 'local', workQueue: null })).toBe('local');
    expect(placementText({ workPool: 'local', workQueue: 'fast' })).toBe('local / fast');
    expect(placementText({ workPool: null, workQueue: null })).toBe('its own serve process');
  });

  it('says when its next run is due, or why there is none', () => {
    expect(nextRunText({ nextRunAt: NOW + 3 * MINUTE, paused: false }, NOW)).toBe('in 3 min');
    expect(nextRunText({ nextRunAt: NOW + 3 * MINUTE, paused: true }, NOW)).toBe('paused');
    expect(nextRunText({ nextRunAt: null, paused: false }, NOW)).toBe('none scheduled');
    expect(nextRunText({ nextRunAt: NOW - 5 * SECOND, paused: false }, NOW)).toBe('due 5 s ago');
  });

  it('lists deployments by flow, then name', () => {
    const sorted = sortDeployments([
      { flowName: 'etl', name: 'nightly' },
      { flowName: 'backup', name: 'weekly' },
      { flowName: 'etl', name: 'hourly' },
    ]);
    expect(sorted.map((d) => `${d.flowName}/${d.name}`)).toEqual(['backup/weekly', 'etl/hourly', 'etl/nightly']);
  });
});

describe('the Run form of a deployment', () => {
  // As the CLI writes a flow's parameters: zod's JSON Schema of what a caller passes.
  const parameterSchema = z.toJSONSchema(z.object({ source: z.string(), limit: z.number().int().default(100), dryRun: z.boolean().default(false) }), {
    io: 'input',
  }) as Record<string, unknown>;

  it("has a field per parameter, filled with the deployment's defaults over the schema's own", () => {
    const form = deploymentRunForm({ flowName: 'etl', parameters: { source: 's3://bucket', limit: 5 }, parameterSchema });
    if (form.kind !== 'fields') throw new Error(`expected fields, got ${form.kind}`);
    expect(form.fields.map((f) => f.name)).toEqual(['source', 'limit', 'dryRun']);
    expect(form.values).toEqual({ source: 's3://bucket', limit: '5', dryRun: false });
    expect(collectParameters(form.fields, form.values).parameters).toEqual({ source: 's3://bucket', limit: 5, dryRun: false });
  });

  it('asks for the required parameters the deployment leaves out', () => {
    const form = deploymentRunForm({ flowName: 'etl', parameters: {}, parameterSchema });
    if (form.kind !== 'fields') throw new Error(`expected fields, got ${form.kind}`);
    expect(collectParameters(form.fields, form.values).errors).toEqual({ source: 'Source is required' });
  });

  it('is the defaults as JSON when the deployment has no parameter schema', () => {
    expect(deploymentRunForm({ flowName: 'etl', parameters: { a: 1 }, parameterSchema: null })).toEqual({ kind: 'json', text: '{\n  "a": 1\n}' });
  });
});

describe("the server's refusal beside the fields", () => {
  const fields = ['source', 'limit'];

  it('puts each issue at the field its path starts at, inside the request or the parameters', () => {
    const placed = placeServerProblems(fields, 'the parameters do not fit', [
      { path: ['parameters', 'limit'], message: 'expected number, received string' },
      { path: ['source'], message: 'required' },
      { path: ['other'], message: 'unknown parameter' },
    ]);
    expect(placed.byField).toEqual({ limit: 'expected number, received string', source: 'required' });
    expect(placed.rest).toEqual(['other: unknown parameter']);
  });

  it('puts a message without issues beside the one field it names', () => {
    expect(placeServerProblems(fields, "parameter 'limit' must be at most 1000", []).byField).toEqual({
      limit: "parameter 'limit' must be at most 1000",
    });
    expect(placeServerProblems(fields, 'limit: expected number', []).byField).toEqual({ limit: 'limit: expected number' });
    // "limitless" names no field; a message naming two stays whole.
    expect(placeServerProblems(fields, 'a limitless run', [])).toEqual({ byField: {}, rest: ['a limitless run'] });
    expect(placeServerProblems(fields, 'source and limit clash', []).rest).toEqual(['source and limit clash']);
  });
});

describe('the addresses of the Deployments and Work pools pages', () => {
  it('go there and back', () => {
    const routes: Route[] = [
      { page: 'deployments' },
      { page: 'deployment', deploymentId: '0b5c8a1e-3f9d-4c70-9a55-1d2e3f4a5b6c' },
      { page: 'work-pools' },
      { page: 'work-pool', pool: 'local.pool_1' },
      { page: 'runs', pool: 'local.pool_1' },
      { page: 'runs' },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('take what the API takes, and list the rest', () => {
    expect(DeploymentIdParamsSchema.safeParse({ id: 'a'.repeat(256) }).success).toBe(true);
    expect(parseRoute(`#/deployments/${'a'.repeat(256)}`)).toEqual({ page: 'deployment', deploymentId: 'a'.repeat(256) });
    expect(parseRoute('#/deployments/a%20b')).toEqual({ page: 'deployments' });
    expect(parseRoute('#/work-pools/-dash')).toEqual({ page: 'work-pools' });
    expect(parseRoute('#/work-pools/')).toEqual({ page: 'work-pools' });
    expect(parseRoute('#/runs?pool=gpu.1')).toEqual({ page: 'runs', pool: 'gpu.1' });
    expect(parseRoute('#/runs?pool=a%2Fb')).toEqual({ page: 'runs' });
    expect(parseRoute('#/runs?pool=')).toEqual({ page: 'runs' });
  });
});
