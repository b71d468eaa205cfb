import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from '../../app/renderer/app/routes.js';
import { automationFromForm, EMPTY_AUTOMATION_FORM } from '../../app/renderer/automations/model/automation-form.js';
import { deliveriesText } from '../../app/renderer/automations/model/firing-text.js';

describe('the automations page model', () => {
  it('is addressed as #/automations', () => {
    expect(parseRoute('#/automations')).toEqual({ page: 'automations' });
    expect(routeHash({ page: 'automations' })).toBe('#/automations');
  });

  it('makes an automation of the form: lists split on commas, empty filters left out', () => {
    expect(
      automationFromForm({ ...EMPTY_AUTOMATION_FORM, name: ' ops ', states: 'FAILED, TimedOut,', tags: 'a, b', block: 'webhook/ops', body: 'hi' }),
    ).toEqual({
      name: 'ops',
      trigger: { kind: 'flow-run-state', states: ['FAILED', 'TimedOut'], tags: ['a', 'b'] },
      actions: [{ kind: 'send-notification', block: 'webhook/ops', body: 'hi' }],
    });
  });

  it('says how each action of a firing went', () => {
    const delivery = { id: 'd', firingId: 'f', actionIndex: 0, nextAttemptAt: null, doneAt: null };
    const firing = {
      id: 'f',
      automationId: 'a',
      flowRunId: 'r',
      stateType: 'FAILED' as const,
      stateName: 'Failed',
      firedAt: 0,
      deliveries: [
        { ...delivery, actionKind: 'send-notification', status: 'done' as const, attempts: 3, lastError: 'answered 500' },
        { ...delivery, actionKind: 'run-deployment', status: 'failed' as const, attempts: 1, lastError: "no deployment 'x'" },
      ],
    };
    expect(deliveriesText(firing)).toBe("send-notification: done after 3 attempts; run-deployment: failed (no deployment 'x')");
  });
});
