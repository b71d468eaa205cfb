// The builder's Deploy dialog without a page: what it sends to deploy the open file, checked with
// the same schemas the server checks it with, and each problem named by its field.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeployFlowFileSchema } from '../../app/core/api/workspace.js';
import {
  changedParameters,
  deployErrorField,
  deployRequest,
  exportToDeploy,
  initialDeployForm,
  schedulePreview,
  type DeployForm,
} from '../../app/renderer/builder/model/deploy-form.js';
import { collectParameters, initialParameterValues, parameterFields } from '../../app/renderer/shared/parameter-form.js';

function form(overrides: Partial<DeployForm> = {}): DeployForm {
  return { ...initialDeployForm('UTC', ['local']), ...overrides };
}

describe('the Deploy dialog', () => {
  it('starts with the only pool chosen, or none to choose from several', () => {
    expect(initialDeployForm('Europe/Berlin', ['local']).workPool).toBe('local');
    expect(initialDeployForm('Europe/Berlin', ['a', 'b']).workPool).toBe('');
    expect(initialDeployForm('Europe/Berlin', []).timezone).toBe('Europe/Berlin');
  });

  it('deploys a flow by the export a worker loads it by: the default export unnamed, else its first export; none when it is not exported', () => {
    expect(exportToDeploy({ isDefault: true, exports: ['default', 'etl'] })).toBeUndefined();
    expect(exportToDeploy({ isDefault: false, exports: ['default'] })).toBeUndefined();
    expect(exportToDeploy({ isDefault: false, exports: ['tidy', 'tidyUp'] })).toBe('tidy');
    expect(exportToDeploy({ isDefault: false, exports: [] })).toBeNull();
  });

  it('sends the file, the export, the name and the pool; no schedule for none, and the default export unnamed', () => {
    const read = deployRequest('flows/etl.ts', undefined, form({ name: ' nightly ' }), {});
    expect(read).toEqual({ request: { path: 'flows/etl.ts', name: 'nightly', workPool: 'local' } });
    const named = deployRequest('flows/etl.ts', 'cleanup', form({ workQueue: 'fast' }), { limit: 5 });
    expect(named).toEqual({
      request: { path: 'flows/etl.ts', export: 'cleanup', name: 'default', workPool: 'local', workQueue: 'fast', parameters: { limit: 5 } },
    });
    if ('request' in named) expect(DeployFlowFileSchema.safeParse(named.request).success).toBe(true);
  });

  it('sends a cron with its time zone, and an interval in seconds or as an ISO 8601 duration', () => {
    const cron = deployRequest('etl.ts', undefined, form({ scheduleKind: 'cron', cron: '0 3 * * *', timezone: 'Asia/Shanghai' }), {});
    expect(cron).toMatchObject({ request: { schedule: { cron: '0 3 * * *', timezone: 'Asia/Shanghai' } } });
    expect(deployRequest('etl.ts', undefined, form({ scheduleKind: 'interval', interval: '90' }), {})).toMatchObject({
      request: { schedule: { interval: 90 } },
    });
    const iso = deployRequest('etl.ts', undefined, form({ scheduleKind: 'interval', interval: 'PT1H' }), {});
    expect(iso).toMatchObject({ request: { schedule: { interval: 'PT1H' } } });
    if ('request' in iso) expect(DeployFlowFileSchema.safeParse(iso.request).success).toBe(true);
  });

  it('describes the schedule as it is typed, and nothing while it is not valid', () => {
    expect(schedulePreview(form({ scheduleKind: 'cron', cron: '0 3 * * *', timezone: 'Asia/Shanghai' }))).toMatch(/03:00.*Asia\/Shanghai/);
    expect(schedulePreview(form({ scheduleKind: 'interval', interval: '900' }))).toMatch(/15 minutes/);
    expect(schedulePreview(form({ scheduleKind: 'cron', cron: 'every day' }))).toBeNull();
    expect(schedulePreview(form())).toBeNull();
  });

  it('names the field of each problem: name, pool, cron, time zone, interval', () => {
    const bad = deployRequest(
      'etl.ts',
      undefined,
      form({ name: '-x', workPool: '', scheduleKind: 'cron', cron: '61 * * * *', timezone: 'Mars/Base' }),
      {},
    );
    if (!('errors' in bad)) throw new Error('expected errors');
    expect(bad.errors.name).toMatch(/^Name must start with a letter or digit/);
    expect(bad.errors.workPool).toMatch(/work pool/);
    // Both are wrong: the message beside the cron says both.
    expect(bad.errors.cron).toMatch(/61 \* \* \* \*.*Mars\/Base/);
    const zone = deployRequest('etl.ts', undefined, form({ scheduleKind: 'cron', cron: '0 3 * * *', timezone: 'Mars/Base' }), {});
    expect(zone).toMatchObject({ errors: { timezone: expect.stringContaining('Mars/Base') } });
    const cron = deployRequest('etl.ts', undefined, form({ scheduleKind: 'cron', cron: '61 * * * *' }), {});
    expect(cron).toMatchObject({ errors: { cron: expect.stringContaining('61 * * * *') } });
    expect(deployRequest('etl.ts', undefined, form({ scheduleKind: 'interval', interval: '0' }), {})).toMatchObject({
      errors: { interval: expect.stringContaining('longer than zero') },
    });
    expect(deployRequest('etl.ts', undefined, form({ scheduleKind: 'interval', interval: ' ' }), {})).toMatchObject({
      errors: { interval: expect.stringContaining('required') },
    });
    expect(deployRequest('etl.ts', undefined, form({ name: '' }), {})).toMatchObject({ errors: { name: 'Name is required' } });
  });

  it("keeps only the parameters that differ from the flow's own defaults", () => {
    const schema = z.toJSONSchema(z.object({ source: z.string(), limit: z.number().default(100), tags: z.array(z.string()).default([]) }), {
      io: 'input',
    });
    const fields = parameterFields(schema);
    const values = { ...initialParameterValues(fields), source: 's3://x' };
    const { parameters } = collectParameters(fields, values);
    expect(changedParameters(fields, parameters)).toEqual({ source: 's3://x' });
    expect(changedParameters(fields, { ...parameters, limit: 5 })).toEqual({ source: 's3://x', limit: 5 });
  });

  it("puts the server's refusal beside the field it names", () => {
    expect(deployErrorField("no work pool 'nope'; create it with flowdeck work-pool create nope")).toBe('workPool');
    expect(deployErrorField("work pool 'local' has no queue 'fast'")).toBe('workQueue');
    expect(deployErrorField('schedule.timezone: a time zone goes with a cron schedule only here')).toBe('timezone');
    expect(deployErrorField('cron: "x" is not a valid cron expression')).toBe('cron');
    expect(deployErrorField('the file does not load: SyntaxError')).toBeNull();
  });
});
