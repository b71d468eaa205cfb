// Prefect's parameter coercion (tests/test_flows.py, test_call_coerces_parameter_types): values
// given as JSON text are read into what the flow's schema declares, whichever way they arrive.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flow, ParameterValidationError } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

const schema = z.object({
  count: z.number(),
  flags: z.array(z.boolean()).default([]),
  limits: z.object({ max: z.number().optional(), name: z.string() }).optional(),
  label: z.string().default('none'),
});

const echo = flow({ name: 'echo-params', parameters: schema }, (params) => params);

describe('parameter coercion (test_call_coerces_parameter_types)', () => {
  it('a "1" for a number field becomes 1, in the flow and in the recorded parameters', async () => {
    const outcome = await echo.run({ count: '1' });
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toEqual({ count: 1, flags: [], label: 'none' });
    expect((await env.store.getFlowRun(outcome.flowRunId))!.parameters).toEqual({ count: 1, flags: [], label: 'none' });
  });

  it('items of arrays and fields of nested objects are read too', async () => {
    const outcome = await echo.run({ count: '2', flags: ['true', false], limits: { max: '10', name: 'x' } });
    expect(outcome.result).toEqual({ count: 2, flags: [true, false], limits: { max: 10, name: 'x' }, label: 'none' });
  });

  it('a string field keeps text that looks like JSON', async () => {
    const outcome = await echo.run({ count: 3, label: '42', limits: { name: 'true' } });
    expect(outcome.result).toMatchObject({ label: '42', limits: { name: 'true' } });
  });

  it('text that no reading fits is refused naming the field (test_fails_but_does_not_raise_on_incompatible_parameter_types)', async () => {
    const error = await echo.run({ count: 'ten' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect((error as ParameterValidationError).issues.map((i) => i.path)).toEqual(['count']);
    expect(await env.store.listFlowRuns()).toEqual([]);
  });

  it('validateParameters: false passes text through unread (test_call_ignores_incompatible_parameter_types_if_asked)', async () => {
    const loose = flow({ name: 'loose', parameters: schema, validateParameters: false }, (params) => params);
    expect((await loose.run({ count: '1' })).result).toEqual({ count: '1' });
  });

  it('a subflow called with text for a number gets the number', async () => {
    const child = flow({ name: 'child-count', parameters: z.object({ n: z.number() }) }, ({ n }) => n + 1);
    const outcome = await flow({ name: 'parent-text' }, () => child({ n: '41' as unknown as number })).run();
    expect(outcome.result).toBe(42);
  });
});
