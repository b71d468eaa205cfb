// `flowdeck deploy` from flowdeck.yaml and from one flow file: the real CLI in a child process over
// a temporary FLOWDECK_HOME, reading back what the local database holds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deployment, DeploymentSummary } from '../../app/core/api/index.js';
import { bundleHash } from '../../app/server/bundles/bundle-hash.js';
import { lastJsonLine } from '../helpers/cli.js';
import { deployedJson, expectExit, flowdeckIn, useDeployProject } from './deploy-support.js';
import { cli } from './harness.js';

const ctx = useDeployProject();

function deploy(...args: string[]) {
  return flowdeckIn(ctx.home, ctx.project, ['deploy', ...args]);
}

async function listed(): Promise<DeploymentSummary[]> {
  const result = await cli(ctx.home, 'deployment', 'ls', '--json');
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out) as DeploymentSummary[];
}

function writeYaml(text: string): void {
  writeFileSync(join(ctx.project, 'flowdeck.yaml'), text);
}

beforeEach(async () => {
  expect((await cli(ctx.home, 'work-pool', 'create', 'local')).code).toBe(0);
});

describe('flowdeck deploy from flowdeck.yaml', () => {
  it('deploys every deployment with --all: flow, parameter schema, retries, schedules, pool and the code bundle', async () => {
    const result = expectExit(await deploy('--all'), 0);
    expect(result.stdout).toContain('Deployed etl/nightly (flows/etl.ts:etl, work pool local/default)');
    expect(result.stdout).toContain('  at 03:00 every day (Asia/Shanghai)');
    expect(result.stdout).toContain('  every hour');
    expect(result.stdout).toMatch(/ {2}next runs: \d{4}-\d\d-\d\d \d\d:\d\d:00\.000, /);
    expect(result.stdout).toContain('Deployed etl/adhoc (flows/etl.ts:default, work pool local)');
    expect(result.stdout).toContain('  no schedule: start runs with flowdeck deployment run etl/adhoc');

    const [adhoc, nightly] = await listed();
    expect(adhoc.fullName).toBe('etl/adhoc');
    expect(nightly).toMatchObject({
      fullName: 'etl/nightly',
      flowName: 'etl',
      entrypoint: 'flows/etl.ts:etl',
      description: 'The nightly load',
      version: '1.2',
      tags: ['etl'],
      parameters: { limit: 100 },
      workPool: 'local',
      workQueue: 'default',
      retryPolicy: { retries: 2, retryDelaySeconds: [5] },
      concurrencyLimit: 1,
      collisionStrategy: 'CANCEL_NEW',
      catchUp: 'none',
      paused: false,
    });
    expect(nightly.schedules.map((s) => [s.schedule, s.description])).toEqual([
      [{ cron: '0 3 * * *', timezone: 'Asia/Shanghai' }, 'at 03:00 every day (Asia/Shanghai)'],
      [{ interval: 3600, parameters: { mode: 'full' } }, 'every hour'],
    ]);
    expect(nightly.parameterSchema).toMatchObject({ properties: { limit: { type: 'integer' } }, required: ['limit'] });

    // One bundle for both: the flow file and the local file it imports, and nothing else.
    expect(adhoc.bundle).toBe(nightly.bundle);
    const stored = JSON.parse(readFileSync(join(ctx.home, 'storage', 'bundles', `${nightly.bundle}.json`), 'utf8')) as {
      files: { path: string; content: string }[];
    };
    expect(stored.files.map((f) => f.path)).toEqual(['flows/etl.ts', 'flows/lib/greeting.ts']);
    expect(Buffer.from(stored.files[1].content, 'base64').toString()).toBe(readFileSync(join(ctx.project, 'flows/lib/greeting.ts'), 'utf8'));
    expect(bundleHash(stored)).toBe(nightly.bundle);
  });

  it('deploys the deployments named; with several and none named it asks for names, and a typo gets a suggestion', async () => {
    const unnamed = expectExit(await deploy(), 2);
    expect(unnamed.stderr).toContain('flowdeck.yaml has 2 deployments: name the ones to deploy (nightly, adhoc) or deploy them all with --all');
    const typo = expectExit(await deploy('nightyl'), 2);
    expect(typo.stderr).toContain("flowdeck.yaml has no deployment named 'nightyl'; did you mean 'nightly'?");
    expect(await listed()).toEqual([]);

    const [only] = deployedJson(await deploy('nightly', '--json'));
    expect(only.fullName).toBe('etl/nightly');
    expect((await listed()).map((d) => d.fullName)).toEqual(['etl/nightly']);
  });

  it('finds flowdeck.yaml in a folder above, or where --file says', async () => {
    const below = await flowdeckIn(ctx.home, join(ctx.project, 'flows', 'lib'), ['deploy', 'adhoc', '--json']);
    expect(deployedJson(below).map((d) => d.fullName)).toEqual(['etl/adhoc']);
    const elsewhere = await flowdeckIn(ctx.home, ctx.home, ['deploy', 'nightly', '--file', join(ctx.project, 'flowdeck.yaml'), '--json']);
    expect(deployedJson(elsewhere).map((d) => d.entrypoint)).toEqual(['flows/etl.ts:etl']);
    const none = expectExit(await flowdeckIn(ctx.home, ctx.home, ['deploy', '--all']), 2);
    expect(none.stderr).toContain('no flowdeck.yaml in');
  });

  it('redeploying replaces the deployment: same id, the new settings, the same bundle for the same code', async () => {
    const [first] = deployedJson(await deploy('nightly', '--json'));
    const yaml = readFileSync(join(ctx.project, 'flowdeck.yaml'), 'utf8');
    writeYaml(yaml.replace('parameters: { limit: 100 }', 'parameters: { limit: 7 }').replace("version: '1.2'", "version: '1.3'"));
    const [second] = deployedJson(await deploy('nightly', '--json'));
    expect(second.id).toBe(first.id);
    expect(second.parameters).toEqual({ limit: 7 });
    expect(second.version).toBe('1.3');
    expect(second.bundle).toBe(first.bundle);
    expect((await listed()).map((d) => d.fullName)).toEqual(['etl/nightly']);

    // Changed code is a new bundle.
    writeFileSync(join(ctx.project, 'flows/lib/greeting.ts'), 'export function greeting(mode: string): string {\n  return mode;\n}\n');
    const [third] = deployedJson(await deploy('nightly', '--json'));
    expect(third.id).toBe(first.id);
    expect(third.bundle).not.toBe(first.bundle);
  });

  it('refuses a flowdeck.yaml with mistakes, naming the file, line and key of each, and deploys none of it', async () => {
    writeYaml(
      [
        'deployments:',
        '  - name: nightly',
        '    entrypoint: flows/etl.ts:etl',
        '    workPool: { name: local }',
        '    schedule:',
        '      - cron: "0 3 * * *"',
        '  - name: hourly',
        '    entrypoint: flows/etl.ts',
        '    schedules:',
        '      - interval: 3600',
        '      - cron: "0 25 * * *"',
        '        timezone: Mars/Base',
        '    catchUp: latests',
        '    concurrencyLimit: { limit: 0 }',
        '',
      ].join('\n'),
    );
    const result = expectExit(await deploy('--all'), 2);
    expect(result.stderr).toContain('flowdeck.yaml has 5 problems; nothing was deployed:');
    const lines = result.stderr.split('\n').map((line) => line.trim());
    expect(lines).toContain("flowdeck.yaml:5: deployments[0].schedule: unknown key; did you mean 'schedules'?");
    expect(lines).toContain(
      'flowdeck.yaml:11: deployments[1].schedules[1].cron: "0 25 * * *" is not a valid cron expression: CronPattern: Invalid value for hour: 25',
    );
    expect(lines).toContain(
      'flowdeck.yaml:12: deployments[1].schedules[1].timezone: unknown time zone "Mars/Base"; use an IANA name such as Europe/Berlin or UTC',
    );
    expect(lines).toContain(`flowdeck.yaml:13: deployments[1].catchUp: must be one of latest, all, none, not "latests"; did you mean 'latest'?`);
    expect(lines).toContain('flowdeck.yaml:14: deployments[1].concurrencyLimit.limit: must be a whole number of runs from 1 to 1000000, not 0');
    expect(await listed()).toEqual([]);
  });

  it('reports a YAML syntax error with its line', async () => {
    writeYaml('deployments:\n  - name: nightly\n    entrypoint: [flows/etl.ts\n');
    const result = expectExit(await deploy('--all'), 2);
    expect(result.stderr).toMatch(/flowdeck\.yaml:\d+: /);
    expect(result.stderr).toContain('nothing was deployed');
  });

  it('refuses default parameters that do not fit the flow, naming the field, and deploys none', async () => {
    const yaml = readFileSync(join(ctx.project, 'flowdeck.yaml'), 'utf8');
    writeYaml(yaml.replace('parameters: { limit: 100 }', 'parameters: { limit: many }'));
    const result = expectExit(await deploy('--all'), 2);
    expect(result.stderr).toContain('a problem with the deployments; nothing was deployed:');
    expect(result.stderr).toContain('flowdeck.yaml:8: deployments[0].parameters.limit: expected a whole number, got string');
    expect(await listed()).toEqual([]);
  });

  it('refuses an unknown work pool without deploying the other deployments', async () => {
    const yaml = readFileSync(join(ctx.project, 'flowdeck.yaml'), 'utf8');
    writeYaml(yaml.replace('workPool: { name: local }', 'workPool: { name: locale }'));
    const result = expectExit(await deploy('--all'), 2);
    expect(result.stderr).toContain("no work pool named 'locale'");
    expect(await listed()).toEqual([]);
  });

  it('refuses a local import outside the project root', async () => {
    writeFileSync(join(ctx.project, '..', 'outside.ts'), 'export const outside = 1;\n');
    writeFileSync(
      join(ctx.project, 'flows', 'escape.ts'),
      "import { flow } from 'flowdeck';\nimport { outside } from '../../outside.js';\nexport default flow({ name: 'escape' }, async () => outside);\n",
    );
    writeYaml('deployments:\n  - name: out\n    entrypoint: flows/escape.ts\n');
    const result = expectExit(await deploy(), 2);
    expect(result.stderr).toContain(
      `flows/escape.ts imports ${join(ctx.project, '..', 'outside.ts')}, which is outside the project root ${ctx.project}`,
    );
    expect(await listed()).toEqual([]);
  });
});

describe('flowdeck deploy FILE --name NAME', () => {
  it('deploys one flow file with a schedule, pool and parameters, printing it as JSON', async () => {
    const [deployed] = deployedJson(
      await deploy(
        'flows/etl.ts:etl',
        '--name',
        'quick',
        '--pool',
        'local',
        '--cron',
        '*/5 * * * *',
        '--timezone',
        'Europe/Berlin',
        '--param',
        'limit=3',
        '--tag',
        'a',
        '--json',
      ),
    );
    expect(deployed).toMatchObject({
      fullName: 'etl/quick',
      entrypoint: 'flows/etl.ts:etl',
      parameters: { limit: 3 },
      tags: ['a'],
      workPool: 'local',
      workQueue: null,
    });
    expect(deployed.schedules.map((s) => s.description)).toEqual(['every 5 minutes (Europe/Berlin)']);
    const again = (await listed()).find((d) => d.id === deployed.id) as Deployment | undefined;
    expect(again?.bundle).toBe(deployed.bundle);
  });

  it('takes its project root from the nearest package.json when there is no flowdeck.yaml', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(join(ctx.project, 'flowdeck.yaml'));
    writeFileSync(join(ctx.project, 'package.json'), '{"name": "project", "type": "module"}\n');
    const [deployed] = deployedJson(await flowdeckIn(ctx.home, join(ctx.project, 'flows'), ['deploy', 'etl.ts', '--name', 'plain', '--json']));
    expect(deployed.entrypoint).toBe('flows/etl.ts:default');
    expect(existsSync(join(ctx.home, 'storage', 'bundles', `${deployed.bundle}.json`))).toBe(true);
  });

  it('refuses bad input with exit 2 and a message naming what was wrong', async () => {
    const cases: [string[], string][] = [
      [['flows/etl.ts', '--name', 'q', '--cron', '0 25 * * *'], '--cron: "0 25 * * *" is not a valid cron expression'],
      [['flows/etl.ts', '--name', 'q', '--interval', '0'], '--interval: 0 must be longer than zero'],
      [['flows/etl.ts', '--name', 'q', '--cron', '* * * * *', '--interval', '60'], 'give one schedule: --cron or --interval, not both'],
      [['flows/etl.ts', '--name', 'bad name'], "--name 'bad name' must start with a letter or digit"],
      [['flows/etl.ts', '--name', 'q', '--param', 'limit=abc'], 'parameters.limit: expected a whole number, got string'],
      [['flows/etl.ts', '--name', 'q', '--pool', 'nowhere'], "no work pool named 'nowhere'"],
      [['flows/missing.ts', '--name', 'q'], 'no such file'],
      [['flows/etl.ts:nope', '--name', 'q'], "flows/etl.ts has no export 'nope' that is a flow; its flows are exported as default, etl"],
      [['--cron', '* * * * *'], '--cron describes a deployment of one flow file: give its name too'],
    ];
    for (const [args, message] of cases) {
      const result = expectExit(await deploy(...args, '--json'), 2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    expect(await listed()).toEqual([]);
  });
});

describe('deploy --json', () => {
  it('prints the deployments as the last line, as the API gives them', async () => {
    const result = await deploy('--all', '--json');
    const printed = lastJsonLine<Deployment[]>(expectExit(result, 0).stdout);
    const stored = await listed();
    expect(printed.map((d) => d.fullName).sort()).toEqual(stored.map((d) => d.fullName).sort());
    expect(Object.keys(printed[0])).toEqual(Object.keys(stored[0]).filter((key) => key !== 'nextRunAt'));
  });
});
