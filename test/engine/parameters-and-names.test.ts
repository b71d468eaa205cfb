import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isFlow, registeredFlows } from '../../app/engine/hosting.js';
import { flow, getRunContext, ParameterValidationError, task } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { onlyTaskRun, taskRunsOf } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

const GENERATED_NAME = /^[a-z]+-[a-z]+$/;

describe('flow parameters', () => {
  const schema = z.object({
    limit: z.number().int().positive(),
    region: z.string().default('eu'),
    db: z.object({ port: z.number() }).optional(),
  });

  it('rejects bad parameters before anything is recorded, naming each field', async () => {
    let ran = false;
    const f = flow({ name: 'validated', parameters: schema }, () => {
      ran = true;
    });
    const error = await f.run({ limit: 'ten', db: { port: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterValidationError);
    const issues = (error as ParameterValidationError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['db.port', 'limit']);
    expect((error as Error).message).toMatch(/^invalid parameters for flow 'validated': /);
    expect((error as Error).message).toContain('limit: ');
    expect((error as Error).message).toContain('db.port: ');
    await expect(f({ limit: -1, region: 'eu' })).rejects.toThrow(/limit: /);
    // The call's type is the schema's output, so leaving out a required field needs a cast.
    await expect((f as unknown as () => Promise<unknown>)()).rejects.toBeInstanceOf(ParameterValidationError);
    expect(ran).toBe(false);
    expect(await env.store.listFlowRuns()).toEqual([]);
  });

  it('hands the flow the parsed parameters, with defaults and coercion, and records them', async () => {
    const coercing = z.object({ limit: z.coerce.number(), since: z.coerce.date(), region: z.string().default('eu') });
    let seen: unknown;
    const f = flow({ name: 'coerced', parameters: coercing }, (params) => {
      seen = params;
      return params.limit * 2;
    });
    const outcome = await f.run({ limit: '21', since: '2024-01-02' });
    expect(outcome.result).toBe(42);
    expect(seen).toEqual({ limit: 21, since: new Date('2024-01-02'), region: 'eu' });
    const run = (await env.store.getFlowRun(outcome.flowRunId))!;
    expect(run.parameters).toEqual({ limit: 21, since: '2024-01-02T00:00:00.000Z', region: 'eu' });
  });

  it('validateParameters: false passes parameters through as given', async () => {
    const f = flow({ name: 'unvalidated', parameters: schema, validateParameters: false }, (params) => params);
    const outcome = await f.run({ limit: 'not a number' });
    expect(outcome.result).toEqual({ limit: 'not a number' });
    expect((await env.store.getFlowRun(outcome.flowRunId))!.parameters).toEqual({ limit: 'not a number' });
  });

  it('without a schema parameters must still be an object; none means {}', async () => {
    const f = flow({ name: 'schemaless' }, (params: Record<string, unknown>) => params);
    await expect(f.run([1, 2])).rejects.toThrow(/parameters must be an object/);
    await expect(f.run('x')).rejects.toBeInstanceOf(ParameterValidationError);
    expect(await env.store.listFlowRuns()).toEqual([]);
    const outcome = await f.run();
    expect(outcome.result).toEqual({});
    expect((await env.store.getFlowRun(outcome.flowRunId))!.parameters).toEqual({});
  });

  it('a subflow called with bad parameters fails its parent and records no child run', async () => {
    const child = flow({ name: 'strict-child', parameters: schema }, () => 'never');
    const parent = flow({ name: 'lenient-parent' }, () => child({ limit: 0, region: 'eu' }));
    const outcome = await parent.run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.error).toBeInstanceOf(ParameterValidationError);
    expect(outcome.state.error?.name).toBe('ParameterValidationError');
    expect((await env.store.listFlowRuns()).map((r) => r.flowName)).toEqual(['lenient-parent']);
  });

  it('records the entrypoint it was given', async () => {
    const f = flow({ name: 'with-entrypoint' }, () => 1);
    const outcome = await f.run({}, { entrypoint: 'flows/etl.ts:with-entrypoint' });
    expect((await env.store.getFlowRun(outcome.flowRunId))!.entrypoint).toBe('flows/etl.ts:with-entrypoint');
  });
});

describe('flow names and options', () => {
  it('flow(fn) takes its name from the function; a flow needs a name and a function', () => {
    const named = flow(function nightlyEtl() {
      return 1;
    });
    expect(named.name).toBe('nightlyEtl');
    expect(() => flow((() => 1) as () => number)).toThrow(/needs a name/);
    expect(() => flow({ name: 'x' } as never)).toThrow(/needs a function/);
  });

  it('keeps description and version on the options, and withOptions copies a flow', async () => {
    const f = flow({ name: 'documented', description: 'loads things', version: '1.2.0', tags: ['a'] }, () => 'ok');
    expect(f.options).toMatchObject({ description: 'loads things', version: '1.2.0' });
    const copy = f.withOptions({ name: 'documented-copy', tags: ['b'] });
    expect(copy.name).toBe('documented-copy');
    expect(f.options.tags).toEqual(['a']);
    const outcome = await copy.run();
    const run = (await env.store.getFlowRun(outcome.flowRunId))!;
    expect([run.flowName, run.tags]).toEqual(['documented-copy', ['b']]);
  });

  it('registers each flow with the module that defined it', () => {
    const f = flow({ name: 'registered-flow' }, () => 1);
    const t = task({ name: 'not-a-flow' }, () => 1);
    expect(isFlow(f)).toBe(true);
    expect(isFlow(t)).toBe(false);
    expect(isFlow(() => 1)).toBe(false);
    expect(f.moduleUrl).toBe(import.meta.url);
    expect(registeredFlows()).toContain(f);
    expect(registeredFlows().find((r) => r.name === 'registered-flow')?.moduleUrl).toBe(import.meta.url);
  });

  it('generates a friendly run name when there is no template', async () => {
    let contextName = '';
    const f = flow({ name: 'unnamed-runs' }, () => {
      contextName = getRunContext().flowRun.name;
    });
    const outcome = await f.run();
    expect(outcome.flowRunName).toMatch(GENERATED_NAME);
    expect((await env.store.getFlowRun(outcome.flowRunId))!.name).toBe(outcome.flowRunName);
    expect(contextName).toBe(outcome.flowRunName);
  });

  it('fills flowRunName templates from the parameters, nested fields included', async () => {
    const f = flow(
      { name: 'templated', flowRunName: 'etl-{region}-{cfg.db.name}-{limit}-{missing}-{cfg}' },
      (_params: { region: string; limit: number; cfg: { db: { name: string } } }) => getRunContext().flowRun.name,
    );
    const outcome = await f.run({ region: 'eu', limit: 5, cfg: { db: { name: 'main' } } });
    const expected = 'etl-eu-main-5-{missing}-{"db":{"name":"main"}}';
    expect(outcome.result).toBe(expected);
    expect(outcome.flowRunName).toBe(expected);
    expect((await env.store.getFlowRun(outcome.flowRunId))!.name).toBe(expected);
  });

  it('accepts a function as flowRunName, and falls back to a generated name when it throws', async () => {
    const f = flow({ name: 'fn-named', flowRunName: (p: { day: string }) => `day ${p.day.toUpperCase()}` }, () => 1);
    expect((await f.run({ day: 'mon' })).flowRunName).toBe('day MON');
    const broken = flow(
      {
        name: 'broken-name',
        flowRunName: () => {
          throw new Error('no name');
        },
      },
      () => 1,
    );
    const outcome = await broken.run();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.flowRunName).toMatch(GENERATED_NAME);
  });

  it('records flow and task tags on their runs', async () => {
    const t = task({ name: 'tagged-task', tags: ['db', 'slow'] }, () => 1);
    const f = flow({ name: 'tagged-flow', tags: ['nightly'] }, () => t());
    const outcome = await f.run();
    expect((await env.store.getFlowRun(outcome.flowRunId))!.tags).toEqual(['nightly']);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'tagged-task')).tags).toEqual(['db', 'slow']);
  });
});

describe('task run names', () => {
  it('fill {0} and {name} from the arguments and {a.b} from nested fields', async () => {
    const names: string[] = [];
    const fetchPage = task(
      { name: 'fetch-page', taskRunName: 'get-{url}-{1}-{opts.retries}' },
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- {opts.retries} reads the parameter by its name
      (url: string, page: number, opts: { retries: number }) => {
        names.push(getRunContext().taskRun!.name);
        return page;
      },
    );
    const byPosition = task({ name: 'by-position', taskRunName: 'item-{0}' }, (x: unknown) => x);
    const outcome = await flow({ name: 'task-names' }, async () => {
      await fetchPage('/users', 2, { retries: 3 });
      await byPosition.map(['a', 'b']).result();
    }).run();
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'fetch-page')).name).toBe('get-/users-2-3');
    expect(names).toEqual(['get-/users-2-3']);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'by-position')).map((r) => r.name).sort()).toEqual(['item-a', 'item-b']);
  });

  it('a lone object argument lends its keys; unknown placeholders stay as written', async () => {
    const t = task(
      { name: 'lone-object', taskRunName: 'user-{id}-{profile.city}-{nope}' },
      ({ id }: { id: number; profile: { city: string } }) => id,
    );
    const outcome = await flow({ name: 'lone-object' }, () => t({ id: 7, profile: { city: 'Oslo' } })).run();
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'lone-object')).name).toBe('user-7-Oslo-{nope}');
  });

  it('accepts a function of the arguments, and falls back to name-index when it throws', async () => {
    const fnNamed = task({ name: 'fn-task', taskRunName: (a: number, b: number) => `sum ${a}+${b}` }, (a: number, b: number) => a + b);
    const broken = task(
      {
        name: 'broken-task-name',
        taskRunName: () => {
          throw new Error('no');
        },
      },
      () => 1,
    );
    const outcome = await flow({ name: 'fn-task-names' }, async () => [await fnNamed(1, 2), await broken(), await broken()]).run();
    expect(outcome.result).toEqual([3, 1, 1]);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'fn-task')).name).toBe('sum 1+2');
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'broken-task-name')).map((r) => r.name)).toEqual([
      'broken-task-name-0',
      'broken-task-name-1',
    ]);
  });
});
