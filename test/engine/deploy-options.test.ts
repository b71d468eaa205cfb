import { afterEach, describe, expect, it } from 'vitest';
import { configureEngine, engineSettings } from '../../app/engine/hosting.js';
import { flow, serve } from '../../app/engine/index.js';
import { checkDeployOptions, checkServeOptions, DeploymentOptionsError } from '../../app/engine/deployments/check-options.js';
import { SERVE_DEFAULT_LIMIT } from '../../app/engine/deployments/options.js';

function deployError(options: unknown): string {
  try {
    checkDeployOptions('etl', options);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentOptionsError);
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

function serveError(options: unknown): string {
  try {
    checkServeOptions('etl', options);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentOptionsError);
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

describe('deploy() options', () => {
  it('reads a work pool by name or with its queue, and fills what was left out', () => {
    expect(checkDeployOptions('etl', { name: 'nightly', workPool: 'local' })).toEqual({
      name: 'nightly',
      parameters: {},
      schedules: [],
      description: null,
      tags: [],
      version: null,
      workPool: 'local',
      workQueue: null,
      concurrencyLimit: null,
    });
    const spec = checkDeployOptions('etl', {
      name: 'nightly',
      workPool: { name: 'local', queue: 'fast' },
      parameters: { limit: 100 },
      cron: '0 3 * * *',
      timezone: 'Asia/Shanghai',
      description: 'every night',
      tags: ['etl'],
      version: '2',
      concurrencyLimit: 1,
      collisionStrategy: 'CANCEL_NEW',
      catchUp: 'none',
      paused: true,
    });
    expect(spec).toMatchObject({
      workPool: 'local',
      workQueue: 'fast',
      parameters: { limit: 100 },
      schedules: [{ cron: '0 3 * * *', timezone: 'Asia/Shanghai' }],
      description: 'every night',
      tags: ['etl'],
      version: '2',
      concurrencyLimit: 1,
      collisionStrategy: 'CANCEL_NEW',
      catchUp: 'none',
      paused: true,
    });
  });

  it('takes one interval or rrule, or several schedules that get the time zone unless they name their own', () => {
    expect(checkDeployOptions('etl', { name: 'n', workPool: 'p', interval: 'PT1H' }).schedules).toEqual([{ interval: 'PT1H' }]);
    expect(checkDeployOptions('etl', { name: 'n', workPool: 'p', rrule: 'FREQ=WEEKLY;BYDAY=MO' }).schedules).toEqual([
      { rrule: 'FREQ=WEEKLY;BYDAY=MO' },
    ]);
    const spec = checkDeployOptions('etl', {
      name: 'n',
      workPool: 'p',
      timezone: 'Europe/Berlin',
      schedules: [{ cron: '0 3 * * *' }, { interval: 60, timezone: 'UTC', parameters: { fast: true }, active: false }],
    });
    expect(spec.schedules).toEqual([
      { cron: '0 3 * * *', timezone: 'Europe/Berlin' },
      { interval: 60, timezone: 'UTC', parameters: { fast: true }, active: false },
    ]);
  });

  it('refuses bad options with a message naming the method, the flow and the option', () => {
    expect(deployError({ name: 'nightly' })).toBe(
      "deploy() of flow 'etl': option 'workPool' is needed: the name of the work pool whose workers run it, or { name, queue } (serve() runs a flow's runs without one)",
    );
    expect(deployError('nightly')).toBe("deploy() of flow 'etl' takes an object of options such as { name: 'nightly' }, got 'nightly'");
    expect(deployError({ workPool: 'p' })).toMatch(/^deploy\(\) of flow 'etl': option 'name' must be a name \(a string\), got undefined/);
    expect(deployError({ name: 'night ly', workPool: 'p' })).toMatch(/option 'name' 'night ly' must start with a letter or digit/);
    expect(deployError({ name: 'n', workPool: 42 })).toMatch(/option 'workPool' must be a pool's name or \{ name, queue \}, got number 42/);
    expect(deployError({ name: 'n', workPool: { name: 'p', queeu: 'q' } })).toMatch(/option 'workPool' has an unknown field 'queeu'/);
    expect(deployError({ name: 'n', workPool: { name: 'p', queue: '' } })).toMatch(/option 'workPool.queue'/);
    expect(deployError({ name: 'n', workPool: 'p', schedule: '0 3 * * *' })).toMatch(
      /unknown option 'schedule'; the options are name, parameters, cron/,
    );
    expect(deployError({ name: 'n', workPool: 'p', cron: '0 25 * * *' })).toMatch(
      /^deploy\(\) of flow 'etl': option 'cron' is not a valid schedule: cron: "0 25 \* \* \*" is not a valid cron expression/,
    );
    expect(deployError({ name: 'n', workPool: 'p', interval: -5 })).toMatch(
      /option 'interval' is not a valid schedule: interval: -5 must be longer than zero/,
    );
    expect(deployError({ name: 'n', workPool: 'p', interval: true })).toMatch(
      /option 'interval' must be a number of seconds or an ISO 8601 duration, got boolean true/,
    );
    expect(deployError({ name: 'n', workPool: 'p', rrule: 'FREQ=SOMETIMES' })).toMatch(/option 'rrule' is not a valid schedule: rrule:/);
    expect(deployError({ name: 'n', workPool: 'p', cron: '0 3 * * *', interval: 60 })).toMatch(
      /option 'interval' cannot be given with 'cron': a deployment with several schedules takes them as 'schedules'/,
    );
    expect(deployError({ name: 'n', workPool: 'p', cron: '0 3 * * *', schedules: [] })).toMatch(/option 'schedules' cannot be given with 'cron'/);
    expect(deployError({ name: 'n', workPool: 'p', schedules: [{ cron: '* * * * *' }, { every: 5 }] })).toMatch(
      /option 'schedules\[1\]' is not a valid schedule: A schedule needs exactly one of cron, interval or rrule/,
    );
    expect(deployError({ name: 'n', workPool: 'p', cron: '0 3 * * *', timezone: 'Mars/Olympus' })).toMatch(
      /option 'timezone' 'Mars\/Olympus' is not a known time zone/,
    );
    expect(deployError({ name: 'n', workPool: 'p', timezone: 'UTC' })).toMatch(
      /option 'timezone' is the time zone of a schedule, and no schedule was given/,
    );
    expect(deployError({ name: 'n', workPool: 'p', parameters: [1] })).toMatch(
      /option 'parameters' must be an object of parameters by name, got a list/,
    );
    expect(deployError({ name: 'n', workPool: 'p', parameters: { when: () => 1 } })).toMatch(/option 'parameters' 'when' cannot be stored as JSON/);
    expect(deployError({ name: 'n', workPool: 'p', parameters: { n: 10n } })).toMatch(/option 'parameters' 'n' cannot be stored as JSON/);
    expect(deployError({ name: 'n', workPool: 'p', tags: 'etl' })).toMatch(/option 'tags' must be a list of non-empty strings/);
    expect(deployError({ name: 'n', workPool: 'p', concurrencyLimit: 0 })).toMatch(
      /option 'concurrencyLimit' must be a whole number of 1 or more, got number 0/,
    );
    expect(deployError({ name: 'n', workPool: 'p', collisionStrategy: 'DROP' })).toMatch(
      /option 'collisionStrategy' must be one of ENQUEUE, CANCEL_NEW, got 'DROP'/,
    );
    expect(deployError({ name: 'n', workPool: 'p', catchUp: 'some' })).toMatch(/option 'catchUp' must be one of latest, all, none/);
    expect(deployError({ name: 'n', workPool: 'p', paused: 'yes' })).toMatch(/option 'paused' must be true or false/);
    expect(deployError({ name: 'n', workPool: 'p', description: 5 })).toMatch(/option 'description' must be a string, got number 5/);
  });
});

describe('serve() options', () => {
  it('has no work pool and runs up to a limit of runs at once', () => {
    const { spec, limit } = checkServeOptions('etl', { name: 'every-minute', interval: 60, parameters: { n: 1 } });
    expect(spec).toMatchObject({ name: 'every-minute', workPool: null, workQueue: null, schedules: [{ interval: 60 }], parameters: { n: 1 } });
    expect(limit).toBe(SERVE_DEFAULT_LIMIT);
    expect(checkServeOptions('etl', { name: 'on-demand', limit: 3 })).toMatchObject({ spec: { schedules: [] }, limit: 3 });
  });

  it('refuses a work pool and a bad limit', () => {
    expect(serveError({ name: 'n', workPool: 'p' })).toMatch(/^serve\(\) of flow 'etl': unknown option 'workPool'/);
    expect(serveError({ name: 'n', limit: 1.5 })).toBe("serve() of flow 'etl': option 'limit' must be a whole number of 1 or more, got number 1.5");
  });
});

describe('deploy() and serve() of a flow', () => {
  const host = engineSettings().deploymentHost;
  afterEach(() => configureEngine({ deploymentHost: host }));

  it('check their options before anything else, and without the CLI say how to run them', async () => {
    configureEngine({ deploymentHost: null });
    const etl = flow({ name: 'etl' }, () => 1);
    await expect(etl.deploy({ name: 'nightly' } as never)).rejects.toThrow("deploy() of flow 'etl': option 'workPool' is needed");
    await expect(etl.deploy({ name: 'nightly', workPool: 'local' })).rejects.toThrow(
      "deploy() of flow 'etl' needs the flowdeck CLI to reach the server or local store: start the file with `flowdeck run FILE`",
    );
    await expect(etl.serve({ name: 'nightly', interval: 60 })).rejects.toThrow(
      "serve() of flow 'etl' needs the flowdeck CLI to reach the server or local store: start the file with `flowdeck run FILE` or `flowdeck serve FILE --name NAME`",
    );
  });
});

describe('serve() of several deployments', () => {
  const host = engineSettings().deploymentHost;
  afterEach(() => configureEngine({ deploymentHost: host }));

  it('refuses no deployment, an argument that is not one, one given twice, and names the flow whose options do not fit', async () => {
    configureEngine({ deploymentHost: null });
    const etl = flow({ name: 'etl' }, () => 1);
    const report = flow({ name: 'report' }, () => 2);
    await expect(serve()).rejects.toThrow('serve() needs at least one deployment');
    await expect(serve(etl.toDeployment({ name: 'hourly' }), { name: 'x' } as never)).rejects.toThrow(
      'serve(): argument 2 is not a deployment; make one with myFlow.toDeployment({ name: ... })',
    );
    await expect(serve(etl.toDeployment({ name: 'hourly' }), etl.toDeployment({ name: 'hourly', interval: 60 }))).rejects.toThrow(
      'serve(): the deployment etl/hourly is given more than once',
    );
    await expect(serve(etl.toDeployment({ name: 'hourly' }), report.toDeployment({ name: 'daily', limit: 0 }))).rejects.toThrow(
      "serve() of flow 'report': option 'limit' must be a whole number of 1 or more",
    );
    // Two flows of the same deployment name are two deployments.
    await expect(serve(etl.toDeployment({ name: 'hourly' }), report.toDeployment({ name: 'hourly' }))).rejects.toThrow(
      "serve() of flow 'etl' needs the flowdeck CLI",
    );
  });
});
