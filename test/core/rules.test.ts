import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_TRANSITIONS,
  advanceRunTiming,
  attemptOf,
  exponentialBackoffDelays,
  isAllowedTransition,
  isTerminal,
  orchestrate,
  ORCHESTRATION_POLICY,
  runAfterHooks,
  retryDelayMs,
  STATE_TYPES,
  type CachedResult,
  type OrchestrationRule,
  type OrchestrationServices,
  type PolicyOutcome,
  type ProposedState,
  type RetryPolicy,
  type RunKind,
  type SlotOutcome,
  type State,
  type StateType,
} from '../../app/core/index.js';
import { SLOT_RETRY_SECONDS } from '../../app/core/orchestration/rules/secure-concurrency-slots.js';

const NOW = 1_700_000_000_000;
const noRetries: RetryPolicy = { retries: 0, retryDelaySeconds: [0] };

type Call =
  | { method: 'acquireConcurrencySlots'; tags: readonly string[]; taskRunId: string; now: number }
  | { method: 'releaseConcurrencySlots'; taskRunId: string }
  | { method: 'findCachedResult'; cacheKey: string; now: number }
  | { method: 'storeCachedResult'; entry: Parameters<OrchestrationServices['storeCachedResult']>[0] }
  | { method: 'flowRunStateType'; flowRunId: string };

/** An in-memory stand-in for what a store offers the rules: answers are set up front, calls recorded. */
class FakeServices implements OrchestrationServices {
  calls: Call[] = [];
  slotOutcome: SlotOutcome = { acquired: true };
  cache = new Map<string, CachedResult>();
  flowState: StateType | null = 'RUNNING';

  acquireConcurrencySlots(tags: readonly string[], taskRunId: string, now: number): SlotOutcome {
    this.calls.push({ method: 'acquireConcurrencySlots', tags, taskRunId, now });
    return this.slotOutcome;
  }
  releaseConcurrencySlots(taskRunId: string): void {
    this.calls.push({ method: 'releaseConcurrencySlots', taskRunId });
  }
  findCachedResult(cacheKey: string, now: number): CachedResult | null {
    this.calls.push({ method: 'findCachedResult', cacheKey, now });
    return this.cache.get(cacheKey) ?? null;
  }
  storeCachedResult(entry: Parameters<OrchestrationServices['storeCachedResult']>[0]): void {
    this.calls.push({ method: 'storeCachedResult', entry });
  }
  flowRunStateType(flowRunId: string): StateType | null {
    this.calls.push({ method: 'flowRunStateType', flowRunId });
    return this.flowState;
  }

  called(method: Call['method']): Call[] {
    return this.calls.filter((call) => call.method === method);
  }
}

function state(type: StateType, name: string, extra: Partial<State> = {}): State {
  return { type, name, timestamp: NOW - 1000, attempt: 1, ...extra };
}

interface Setup {
  kind?: RunKind;
  initial?: State | null;
  proposed: ProposedState;
  runCount?: number;
  tags?: string[];
  retryPolicy?: RetryPolicy;
  lastTransitionId?: string | null;
  transitionId?: string;
  random?: () => number;
  services?: FakeServices;
  rules?: readonly OrchestrationRule[];
}

/**
 * Runs one proposed transition through the policy (or the given rules) and, when it is accepted,
 * the rules' after hooks, as a store does once it has written the new state.
 */
function propose(setup: Setup): PolicyOutcome & { services: FakeServices } {
  const services = setup.services ?? new FakeServices();
  const kind = setup.kind ?? 'task';
  const outcome = orchestrate(
    {
      run: {
        kind,
        id: 'run-1',
        flowRunId: kind === 'flow' ? 'run-1' : 'flow-1',
        tags: setup.tags ?? [],
        retryPolicy: setup.retryPolicy ?? noRetries,
        runCount: setup.runCount ?? 0,
        lastTransitionId: setup.lastTransitionId ?? null,
      },
      initial: setup.initial === undefined ? null : setup.initial,
      proposed: setup.proposed,
      transitionId: setup.transitionId ?? 't-new',
      now: NOW,
      random: setup.random ?? (() => 0.5),
      services,
    },
    setup.rules,
  );
  if (outcome.decision === 'accept') runAfterHooks(outcome, { ...outcome.state, timestamp: NOW, attempt: 1 });
  return { ...outcome, services };
}

function acceptedState(outcome: PolicyOutcome): ProposedState {
  if (outcome.decision !== 'accept') throw new Error(`expected accept, got ${JSON.stringify(outcome)}`);
  return outcome.state;
}

const running: ProposedState = { type: 'RUNNING', name: 'Running' };
const pending: ProposedState = { type: 'PENDING', name: 'Pending' };
const completed: ProposedState = { type: 'COMPLETED', name: 'Completed' };
const failed: ProposedState = {
  type: 'FAILED',
  name: 'Failed',
  message: 'boom',
  error: { name: 'Error', message: 'boom' },
};

describe('ORCHESTRATION_POLICY', () => {
  it('gives every rule a unique name', () => {
    const names = ORCHESTRATION_POLICY.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it('holds every rule defined under app/core/orchestration/rules', async () => {
    const folder = fileURLToPath(new URL('../../app/core/orchestration/rules/', import.meta.url));
    const defined: OrchestrationRule[] = [];
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
      const module = (await import(`${folder}${file}`)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if (typeof value === 'object' && value !== null && 'runKinds' in value && 'from' in value) {
          defined.push(value as OrchestrationRule);
        }
      }
    }
    expect(defined.length).toBeGreaterThan(0);
    for (const rule of defined) expect(ORCHESTRATION_POLICY).toContain(rule);
    expect(defined).toHaveLength(ORCHESTRATION_POLICY.length);
  });

  it('accepts an ordinary transition unchanged and names no rule', () => {
    const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: running });
    expect(outcome).toMatchObject({ decision: 'accept', state: running, appliedRules: [] });
  });
});

describe('the allowed-transitions table', () => {
  it('has a row for a run with no state and for every state type', () => {
    expect(Object.keys(ALLOWED_TRANSITIONS).sort()).toEqual(['NONE', ...STATE_TYPES].sort());
  });

  it('starts a run only as SCHEDULED, PENDING or RUNNING, or COMPLETED (left to the rule on reused results)', () => {
    for (const to of STATE_TYPES) {
      expect(isAllowedTransition(null, to)).toBe(['SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED'].includes(to));
    }
  });

  it('lets a finished run move only back to SCHEDULED, and a Completed one nowhere', () => {
    for (const from of STATE_TYPES.filter(isTerminal)) {
      for (const to of STATE_TYPES) {
        const expected = from !== 'COMPLETED' && to === 'SCHEDULED';
        expect(isAllowedTransition(from, to), `${from} -> ${to}`).toBe(expected);
      }
    }
  });

  it('forbids the transitions people rely on being impossible', () => {
    expect(isAllowedTransition('COMPLETED', 'RUNNING')).toBe(false);
    expect(isAllowedTransition('CANCELLING', 'RUNNING')).toBe(false);
    expect(isAllowedTransition('CANCELLING', 'CANCELLING')).toBe(false);
    expect(isAllowedTransition('RUNNING', 'PENDING')).toBe(false);
    expect(isAllowedTransition('PAUSED', 'SCHEDULED')).toBe(false);
    expect(isAllowedTransition('RUNNING', 'RUNNING')).toBe(false);
  });

  it('allows the transitions of a normal life and of a retry', () => {
    const life: [StateType | null, StateType][] = [
      [null, 'PENDING'],
      ['PENDING', 'RUNNING'],
      ['RUNNING', 'SCHEDULED'],
      ['SCHEDULED', 'RUNNING'],
      ['RUNNING', 'PAUSED'],
      ['PAUSED', 'RUNNING'],
      ['RUNNING', 'CANCELLING'],
      ['CANCELLING', 'CANCELLED'],
      ['RUNNING', 'COMPLETED'],
      ['FAILED', 'SCHEDULED'],
    ];
    for (const [from, to] of life) expect(isAllowedTransition(from, to), `${from} -> ${to}`).toBe(true);
  });

  it('is what EnforceAllowedTransitions applies, for every pair', () => {
    for (const from of [null, ...STATE_TYPES]) {
      for (const to of STATE_TYPES) {
        const outcome = propose({
          initial: from === null ? null : state(from, 'Whatever'),
          proposed: { type: to, name: 'Next' },
          rules: ORCHESTRATION_POLICY.filter((rule) => rule.name === 'EnforceAllowedTransitions'),
        });
        expect(outcome.decision, `${from} -> ${to}`).toBe(isAllowedTransition(from, to) ? 'accept' : 'reject');
      }
    }
  });
});

describe('PreventDuplicateTransitions', () => {
  it('answers a resent transition id as a duplicate, before any other rule', () => {
    // Even a transition the table forbids: the first attempt was already accepted.
    const outcome = propose({
      initial: state('COMPLETED', 'Completed'),
      proposed: completed,
      lastTransitionId: 't-1',
      transitionId: 't-1',
    });
    expect(outcome.decision).toBe('duplicate');
    if (outcome.decision === 'duplicate') expect(outcome.services.calls).toEqual([]);
  });

  it('lets a new transition id through', () => {
    const outcome = propose({
      initial: state('PENDING', 'Pending'),
      proposed: running,
      lastTransitionId: 't-1',
      transitionId: 't-2',
    });
    expect(outcome.decision).toBe('accept');
  });

  it('does not treat a run without transitions as a duplicate', () => {
    const outcome = propose({ initial: null, proposed: pending, lastTransitionId: null, transitionId: 't-1' });
    expect(outcome.decision).toBe('accept');
  });
});

describe('EnforceAllowedTransitions', () => {
  it('rejects COMPLETED -> RUNNING, naming both states', () => {
    const outcome = propose({ initial: state('COMPLETED', 'Completed'), proposed: running });
    expect(outcome.decision).toBe('reject');
    if (outcome.decision === 'reject') expect(outcome.reason).toBe('a run in state Completed cannot move to Running');
    expect(outcome).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED' });
  });

  it('rejects CANCELLING -> RUNNING', () => {
    const outcome = propose({ initial: state('CANCELLING', 'Cancelling'), proposed: running });
    expect(outcome.decision).toBe('reject');
    if (outcome.decision === 'reject') expect(outcome.reason).toMatch(/Cancelling cannot move to Running/);
  });

  it('says with its code when the run was stopped from outside: cancelled, crashed or being cancelled', () => {
    for (const [type, name] of [
      ['CANCELLING', 'Cancelling'],
      ['CANCELLED', 'Cancelled'],
      ['CRASHED', 'Crashed'],
    ] as const) {
      expect(propose({ initial: state(type, name), proposed: running }), name).toMatchObject({ decision: 'reject', code: 'RUN_STOPPED' });
    }
    for (const [type, name] of [
      ['COMPLETED', 'Completed'],
      ['FAILED', 'Failed'],
    ] as const) {
      expect(propose({ initial: state(type, name), proposed: running }), name).toMatchObject({ decision: 'reject', code: 'TRANSITION_NOT_ALLOWED' });
    }
  });

  it('rejects a new run that proposes a final state', () => {
    const outcome = propose({ initial: null, proposed: completed });
    expect(outcome.decision).toBe('reject');
    if (outcome.decision === 'reject') expect(outcome.reason).toMatch(/starts Completed only as a task run reusing the recorded result/);
    const failed = propose({ initial: null, proposed: { type: 'FAILED', name: 'Failed' } });
    if (failed.decision === 'reject') expect(failed.reason).toMatch(/state none cannot move to Failed/);
    expect(failed.decision).toBe('reject');
  });

  it('lets a new task run start Completed only with the recorded result it reuses', () => {
    const reused = { type: 'COMPLETED', name: 'Cached', resultRef: 'storage/runs/x.results#0+10', reusedFrom: 'old-task-run' } as const;
    expect(propose({ initial: null, proposed: reused }).decision).toBe('accept');
    expect(propose({ initial: null, proposed: { ...reused, resultRef: undefined } }).decision).toBe('reject');
    expect(propose({ initial: null, proposed: { ...reused, reusedFrom: undefined } }).decision).toBe('reject');
    expect(propose({ initial: null, proposed: reused, kind: 'flow' }).decision).toBe('reject');
  });

  it('does not ask the store anything for a rejected transition', () => {
    const outcome = propose({ initial: state('COMPLETED', 'Completed'), proposed: running, tags: ['db'] });
    expect(outcome.services.calls).toEqual([]);
  });
});

describe('RetryOnlyUnsuccessfulRuns', () => {
  for (const from of ['FAILED', 'CRASHED', 'CANCELLED'] as const) {
    it(`lets a ${from} run be scheduled again only as AwaitingRetry`, () => {
      const initial = state(from, 'Whatever');
      const plain = propose({ initial, proposed: { type: 'SCHEDULED', name: 'Scheduled' } });
      expect(plain.decision).toBe('reject');
      if (plain.decision === 'reject') expect(plain.reason).toMatch(/only be scheduled again as AwaitingRetry/);
      expect(plain).toMatchObject({ code: 'NOT_A_RETRY' });
      const retry = propose({ initial, proposed: { type: 'SCHEDULED', name: 'AwaitingRetry', scheduledTime: NOW } });
      expect(acceptedState(retry)).toEqual({ type: 'SCHEDULED', name: 'AwaitingRetry', scheduledTime: NOW });
    });
  }

  it('never lets a Completed run be scheduled again', () => {
    const outcome = propose({ initial: state('COMPLETED', 'Completed'), proposed: { type: 'SCHEDULED', name: 'AwaitingRetry' } });
    expect(outcome.decision).toBe('reject');
  });

  it('leaves a running run free to be rescheduled under another name', () => {
    const outcome = propose({ kind: 'flow', initial: state('RUNNING', 'Running'), proposed: { type: 'SCHEDULED', name: 'Scheduled' } });
    expect(acceptedState(outcome).name).toBe('Scheduled');
  });
});

describe('KeepBreakpointMovesToBreakpoints', () => {
  const breakpoint: ProposedState = { type: 'PAUSED', name: 'Breakpoint' };
  const atBreakpoint = state('PAUSED', 'Breakpoint');

  it('lets a task run stop at a breakpoint before it starts or on its failure, and leave it as Continued or Skipped', () => {
    expect(propose({ initial: state('PENDING', 'Pending'), proposed: breakpoint }).decision).toBe('accept');
    expect(propose({ initial: state('RUNNING', 'Running'), proposed: breakpoint, runCount: 1 }).decision).toBe('accept');
    expect(propose({ initial: atBreakpoint, proposed: { type: 'PENDING', name: 'Continued' } }).decision).toBe('accept');
    expect(propose({ initial: atBreakpoint, proposed: { type: 'COMPLETED', name: 'Skipped' } }).decision).toBe('accept');
    expect(propose({ initial: atBreakpoint, proposed: failed }).decision).toBe('accept');
  });

  it('keeps every other run out of those moves', () => {
    const refused = [
      propose({ kind: 'flow', initial: state('PENDING', 'Pending'), proposed: breakpoint }),
      propose({ kind: 'flow', initial: state('RUNNING', 'Running'), proposed: breakpoint, runCount: 1 }),
      propose({ initial: state('PENDING', 'Pending'), proposed: { type: 'PAUSED', name: 'Paused' } }),
      propose({ kind: 'flow', initial: state('PAUSED', 'Paused'), proposed: { type: 'PENDING', name: 'Continued' } }),
      propose({ kind: 'flow', initial: state('PAUSED', 'Paused'), proposed: completed }),
      propose({ initial: atBreakpoint, proposed: completed }),
      propose({ initial: atBreakpoint, proposed: pending }),
    ];
    for (const outcome of refused) expect(outcome).toMatchObject({ code: expect.stringMatching(/TRANSITION_NOT_ALLOWED|ALREADY_STARTED/) });
  });
});

describe('RejectPendingDuplicates', () => {
  for (const [type, name] of [
    ['PENDING', 'Pending'],
    ['RUNNING', 'Running'],
    ['CANCELLING', 'Cancelling'],
    ['PAUSED', 'Paused'],
  ] as const) {
    it(`aborts a second PENDING for a run that is ${name}`, () => {
      for (const kind of ['flow', 'task'] as const) {
        const outcome = propose({ kind, initial: state(type, name), proposed: pending });
        expect(outcome.decision, kind).toBe('abort');
        if (outcome.decision === 'abort') expect(outcome.reason).toBe(`the run is already ${name}`);
        expect(outcome).toMatchObject({ code: 'ALREADY_STARTED' });
      }
    });
  }

  it('lets a scheduled run become PENDING', () => {
    expect(propose({ initial: state('SCHEDULED', 'Scheduled'), proposed: pending }).decision).toBe('accept');
  });
});

describe('WaitForScheduledTime', () => {
  it('asks a run scheduled for later to wait until it is due', () => {
    for (const proposed of [pending, running]) {
      const outcome = propose({
        kind: 'flow',
        initial: state('SCHEDULED', 'Scheduled', { scheduledTime: NOW + 5_000 }),
        proposed,
      });
      expect(outcome).toMatchObject({ decision: 'wait', delaySeconds: 5 });
      if (outcome.decision === 'wait') expect(outcome.reason).toContain(new Date(NOW + 5_000).toISOString());
    }
  });

  it('waits for a time too far off for a Date without failing', () => {
    const far = 9e15;
    const outcome = propose({ initial: state('SCHEDULED', 'Scheduled', { scheduledTime: far }), proposed: running });
    expect(outcome).toMatchObject({ decision: 'wait' });
    if (outcome.decision === 'wait') expect(outcome.reason).toContain(String(far));
  });

  it('gives the delay in fractions of a second', () => {
    const outcome = propose({ initial: state('SCHEDULED', 'AwaitingRetry', { scheduledTime: NOW + 250 }), proposed: running });
    expect(outcome).toMatchObject({ decision: 'wait', delaySeconds: 0.25 });
  });

  it('does not make a run wait for a clock difference within the tolerance', () => {
    for (const scheduledTime of [NOW + 2, NOW + 1, NOW, NOW - 60_000]) {
      const outcome = propose({ initial: state('SCHEDULED', 'Scheduled', { scheduledTime }), proposed: running });
      expect(outcome.decision, `due at now${scheduledTime - NOW}`).toBe('accept');
    }
    const justOver = propose({ initial: state('SCHEDULED', 'Scheduled', { scheduledTime: NOW + 3 }), proposed: running });
    expect(justOver).toMatchObject({ decision: 'wait', delaySeconds: 0.003 });
  });

  it('lets a scheduled run without a time start at once', () => {
    expect(propose({ initial: state('SCHEDULED', 'Scheduled'), proposed: running }).decision).toBe('accept');
  });

  it('does not hold up cancelling a run scheduled for later', () => {
    const outcome = propose({
      kind: 'flow',
      initial: state('SCHEDULED', 'Scheduled', { scheduledTime: NOW + 60_000 }),
      proposed: { type: 'CANCELLED', name: 'Cancelled' },
    });
    expect(outcome.decision).toBe('accept');
  });
});

describe('AbortTasksOfStoppingFlows', () => {
  for (const flowState of ['CANCELLING', 'CANCELLED', 'CRASHED', 'COMPLETED', 'FAILED'] as const) {
    it(`aborts a task that wants to start while its flow run is ${flowState}`, () => {
      const services = new FakeServices();
      services.flowState = flowState;
      const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: running, services, tags: ['db'] });
      expect(outcome.decision).toBe('abort');
      if (outcome.decision === 'abort') expect(outcome.reason).toBe(`its flow run is ${flowState.toLowerCase()}`);
      // The engine cancels the task when its flow run was stopped, and fails it when it had ended.
      expect(outcome).toMatchObject({ code: flowState === 'COMPLETED' || flowState === 'FAILED' ? 'FLOW_FINISHED' : 'FLOW_STOPPING' });
      expect(services.called('flowRunStateType')).toEqual([{ method: 'flowRunStateType', flowRunId: 'flow-1' }]);
      // Aborted before it could take a slot.
      expect(services.called('acquireConcurrencySlots')).toEqual([]);
    });
  }

  it('lets tasks of a running or paused flow start', () => {
    for (const flowState of ['RUNNING', 'PAUSED', 'PENDING'] as const) {
      const services = new FakeServices();
      services.flowState = flowState;
      expect(propose({ initial: null, proposed: running, services }).decision, flowState).toBe('accept');
    }
  });

  it('lets a task of a cancelling flow finish', () => {
    const services = new FakeServices();
    services.flowState = 'CANCELLING';
    const outcome = propose({ initial: state('RUNNING', 'Running'), proposed: completed, services, runCount: 1 });
    expect(outcome.decision).toBe('accept');
  });

  it('does not apply to flow runs', () => {
    const services = new FakeServices();
    services.flowState = 'CANCELLING';
    const outcome = propose({ kind: 'flow', initial: state('PENDING', 'Pending'), proposed: running, services });
    expect(outcome.decision).toBe('accept');
    expect(services.called('flowRunStateType')).toEqual([]);
  });
});

describe('UseCachedResult', () => {
  const hit: CachedResult = { resultRef: 'results/abc.json', taskRunId: 'earlier-run' };

  it('completes a task with a valid cache entry at once, as Cached', () => {
    const services = new FakeServices();
    services.cache.set('key-1', hit);
    const outcome = propose({
      initial: state('PENDING', 'Pending'),
      proposed: { ...running, cacheKey: 'key-1' },
      services,
      tags: ['db'],
    });
    expect(acceptedState(outcome)).toEqual({
      type: 'COMPLETED',
      name: 'Cached',
      cacheKey: 'key-1',
      resultRef: 'results/abc.json',
      message: 'cached result of task run earlier-run',
    });
    expect(outcome.decision === 'accept' && outcome.appliedRules).toEqual(['UseCachedResult']);
    expect(services.called('findCachedResult')).toEqual([{ method: 'findCachedResult', cacheKey: 'key-1', now: NOW }]);
    // A cached task never runs, so it takes no slot and stores nothing.
    expect(services.called('acquireConcurrencySlots')).toEqual([]);
    expect(services.called('storeCachedResult')).toEqual([]);
  });

  it('serves a run that starts with no state yet', () => {
    const services = new FakeServices();
    services.cache.set('key-1', hit);
    const outcome = propose({ initial: null, proposed: { ...running, cacheKey: 'key-1' }, services });
    expect(acceptedState(outcome).name).toBe('Cached');
  });

  it('skips the cache when asked to refresh it', () => {
    const services = new FakeServices();
    services.cache.set('key-1', hit);
    const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: { ...running, cacheKey: 'key-1', refreshCache: true }, services });
    expect(acceptedState(outcome)).toMatchObject({ type: 'RUNNING', name: 'Running' });
    expect(services.called('findCachedResult')).toEqual([]);
  });

  it('runs the task on a miss, and does not look without a key', () => {
    const services = new FakeServices();
    const miss = propose({ initial: state('PENDING', 'Pending'), proposed: { ...running, cacheKey: 'other' }, services });
    expect(acceptedState(miss).type).toBe('RUNNING');
    const noKey = propose({ initial: state('PENDING', 'Pending'), proposed: running, services });
    expect(acceptedState(noKey).type).toBe('RUNNING');
    expect(services.called('findCachedResult')).toHaveLength(1);
  });

  it('does not apply to flow runs', () => {
    const services = new FakeServices();
    services.cache.set('key-1', hit);
    const outcome = propose({ kind: 'flow', initial: state('PENDING', 'Pending'), proposed: { ...running, cacheKey: 'key-1' }, services });
    expect(acceptedState(outcome).type).toBe('RUNNING');
  });
});

describe('SecureConcurrencySlots', () => {
  it('takes a slot for every tag of a tagged task as it starts', () => {
    const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: running, tags: ['db', 'api'] });
    expect(acceptedState(outcome)).toEqual(running);
    expect(outcome.services.called('acquireConcurrencySlots')).toEqual([
      { method: 'acquireConcurrencySlots', tags: ['db', 'api'], taskRunId: 'run-1', now: NOW },
    ]);
  });

  it('does not ask for slots for an untagged task or for a flow run', () => {
    expect(propose({ initial: state('PENDING', 'Pending'), proposed: running }).services.calls).not.toContainEqual(
      expect.objectContaining({ method: 'acquireConcurrencySlots' }),
    );
    const flow = propose({ kind: 'flow', initial: state('PENDING', 'Pending'), proposed: running, tags: ['db'] });
    expect(flow.services.called('acquireConcurrencySlots')).toEqual([]);
  });

  it('parks a task as AwaitingConcurrencySlot when a limit is full', () => {
    const services = new FakeServices();
    services.slotOutcome = { acquired: false, tag: 'db', limit: 2 };
    const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: running, tags: ['db'], services });
    expect(acceptedState(outcome)).toEqual({
      type: 'SCHEDULED',
      name: 'AwaitingConcurrencySlot',
      message: "waiting for a slot of tag 'db' (limit 2)",
      scheduledTime: NOW + SLOT_RETRY_SECONDS * 1000,
    });
    expect(outcome.decision === 'accept' && outcome.appliedRules).toEqual(['SecureConcurrencySlots']);
  });

  it('asks a task already awaiting a slot to wait and try again', () => {
    const services = new FakeServices();
    services.slotOutcome = { acquired: false, tag: 'db', limit: 2 };
    const outcome = propose({
      initial: state('SCHEDULED', 'AwaitingConcurrencySlot', { scheduledTime: NOW - 1 }),
      proposed: running,
      tags: ['db'],
      services,
    });
    expect(outcome).toMatchObject({ decision: 'wait', delaySeconds: SLOT_RETRY_SECONDS });
    if (outcome.decision === 'wait') expect(outcome.reason).toBe("waiting for a slot of tag 'db' (limit 2)");
  });

  it('starts a task awaiting a slot once one is free', () => {
    const outcome = propose({
      initial: state('SCHEDULED', 'AwaitingConcurrencySlot', { scheduledTime: NOW - 1 }),
      proposed: running,
      tags: ['db'],
    });
    expect(acceptedState(outcome)).toEqual(running);
  });

  it('aborts a task whose tag has a limit of 0', () => {
    const services = new FakeServices();
    services.slotOutcome = { acquired: false, tag: 'never', limit: 0 };
    const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: running, tags: ['never'], services });
    expect(outcome.decision).toBe('abort');
    if (outcome.decision === 'abort') expect(outcome.reason).toBe("the concurrency limit for tag 'never' is 0");
    expect(outcome).toMatchObject({ code: 'CONCURRENCY_LIMIT_ZERO' });
  });

  it('does not take slots again when a paused task resumes', () => {
    const outcome = propose({ initial: state('PAUSED', 'Paused'), proposed: running, tags: ['db'], runCount: 1 });
    expect(acceptedState(outcome)).toEqual(running);
    expect(outcome.services.called('acquireConcurrencySlots')).toEqual([]);
  });
});

describe('NameRetryAttempts', () => {
  it('calls the first attempt Running', () => {
    const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: running, runCount: 0 });
    expect(acceptedState(outcome).name).toBe('Running');
  });

  it('calls every later attempt Retrying, for flows and tasks', () => {
    for (const kind of ['flow', 'task'] as const) {
      for (const runCount of [1, 2, 5]) {
        const fromRetry = propose({ kind, initial: state('SCHEDULED', 'AwaitingRetry', { scheduledTime: NOW }), proposed: running, runCount });
        expect(acceptedState(fromRetry), `${kind} ${runCount}`).toEqual({ type: 'RUNNING', name: 'Retrying' });
        const fromPending = propose({ kind, initial: state('PENDING', 'Pending'), proposed: running, runCount });
        expect(acceptedState(fromPending).name).toBe('Retrying');
      }
    }
  });

  it('keeps Running for a run resuming from a pause', () => {
    const outcome = propose({ kind: 'flow', initial: state('PAUSED', 'Paused'), proposed: running, runCount: 1 });
    expect(acceptedState(outcome).name).toBe('Running');
  });

  it('keeps a name the client chose', () => {
    const outcome = propose({ initial: state('PENDING', 'Pending'), proposed: { type: 'RUNNING', name: 'Retrying' }, runCount: 0 });
    expect(acceptedState(outcome).name).toBe('Retrying');
  });

  it('does not rename an attempt that has to wait for a slot', () => {
    const services = new FakeServices();
    services.slotOutcome = { acquired: false, tag: 'db', limit: 1 };
    const outcome = propose({
      initial: state('SCHEDULED', 'AwaitingRetry', { scheduledTime: NOW }),
      proposed: running,
      runCount: 1,
      tags: ['db'],
      services,
    });
    expect(acceptedState(outcome).name).toBe('AwaitingConcurrencySlot');
  });
});

describe('RetryFailedRuns', () => {
  function failAttempt(runCount: number, retryPolicy: RetryPolicy, extra: Partial<Setup> = {}) {
    return propose({ initial: state('RUNNING', runCount > 1 ? 'Retrying' : 'Running'), proposed: failed, runCount, retryPolicy, ...extra });
  }

  it('turns a failure with retries left into AwaitingRetry with the fixed delay', () => {
    const outcome = failAttempt(1, { retries: 2, retryDelaySeconds: [10] });
    expect(acceptedState(outcome)).toEqual({
      type: 'SCHEDULED',
      name: 'AwaitingRetry',
      message: 'boom',
      error: { name: 'Error', message: 'boom' },
      scheduledTime: NOW + 10_000,
    });
    expect(outcome.decision === 'accept' && outcome.appliedRules).toContain('RetryFailedRuns');
    expect(acceptedState(failAttempt(2, { retries: 2, retryDelaySeconds: [10] })).scheduledTime).toBe(NOW + 10_000);
  });

  it('takes listed delays in turn, repeating the last', () => {
    const policy: RetryPolicy = { retries: 5, retryDelaySeconds: [1, 5, 10] };
    const due = [1, 2, 3, 4, 5].map((attempt) => acceptedState(failAttempt(attempt, policy)).scheduledTime! - NOW);
    expect(due).toEqual([1_000, 5_000, 10_000, 10_000, 10_000]);
  });

  it('backs off exponentially with exponentialBackoffDelays', () => {
    const policy: RetryPolicy = { retries: 4, retryDelaySeconds: exponentialBackoffDelays(2, 4) };
    const due = [1, 2, 3, 4].map((attempt) => acceptedState(failAttempt(attempt, policy)).scheduledTime! - NOW);
    expect(due).toEqual([2_000, 4_000, 8_000, 16_000]);
  });

  it('spreads the delay by the jitter factor using the random source', () => {
    const policy: RetryPolicy = { retries: 3, retryDelaySeconds: [10], retryJitterFactor: 0.5 };
    const at = (random: number) => acceptedState(failAttempt(1, policy, { random: () => random })).scheduledTime! - NOW;
    expect(at(0)).toBe(5_000);
    expect(at(0.5)).toBe(10_000);
    expect(at(0.75)).toBe(12_500);
    expect(at(0.9999)).toBe(14_999);
    expect(Number.isInteger(at(0.123456))).toBe(true);
  });

  it('fails a run whose retry condition said no', () => {
    const outcome = failAttempt(1, { retries: 3, retryDelaySeconds: [0] }, { proposed: { ...failed, retryable: false } });
    expect(acceptedState(outcome)).toMatchObject({ type: 'FAILED', name: 'Failed' });
  });

  it('fails a run that has used all its retries, and one without retries', () => {
    const policy: RetryPolicy = { retries: 2, retryDelaySeconds: [1] };
    expect(acceptedState(failAttempt(2, policy)).type).toBe('SCHEDULED');
    expect(acceptedState(failAttempt(3, policy))).toMatchObject({ type: 'FAILED', name: 'Failed', message: 'boom' });
    expect(acceptedState(failAttempt(1, noRetries)).type).toBe('FAILED');
  });

  it('retries flow runs too', () => {
    const outcome = propose({
      kind: 'flow',
      initial: state('RUNNING', 'Running'),
      proposed: failed,
      runCount: 1,
      retryPolicy: { retries: 1, retryDelaySeconds: [3] },
    });
    expect(acceptedState(outcome)).toMatchObject({ name: 'AwaitingRetry', scheduledTime: NOW + 3_000 });
  });

  it('does not retry a failure outside RUNNING', () => {
    const outcome = propose({
      initial: state('PENDING', 'Pending'),
      proposed: failed,
      runCount: 0,
      retryPolicy: { retries: 3, retryDelaySeconds: [0] },
    });
    expect(acceptedState(outcome).type).toBe('FAILED');
  });
});

describe('ReleaseConcurrencySlots', () => {
  for (const to of [completed, failed, { type: 'CRASHED', name: 'Crashed' }, { type: 'CANCELLED', name: 'Cancelled' }] as ProposedState[]) {
    it(`gives back a tagged task's slots when it leaves RUNNING for ${to.type}`, () => {
      const outcome = propose({ initial: state('RUNNING', 'Running'), proposed: to, runCount: 1, tags: ['db'] });
      expect(outcome.decision).toBe('accept');
      expect(outcome.services.called('releaseConcurrencySlots')).toEqual([{ method: 'releaseConcurrencySlots', taskRunId: 'run-1' }]);
    });
  }

  it('gives them back when a failure becomes a retry', () => {
    const outcome = propose({
      initial: state('RUNNING', 'Running'),
      proposed: failed,
      runCount: 1,
      tags: ['db'],
      retryPolicy: { retries: 1, retryDelaySeconds: [1] },
    });
    expect(acceptedState(outcome).name).toBe('AwaitingRetry');
    expect(outcome.services.called('releaseConcurrencySlots')).toHaveLength(1);
  });

  it('gives them back when a cancelling or paused task finishes', () => {
    for (const initial of [state('CANCELLING', 'Cancelling'), state('PAUSED', 'Paused')]) {
      const outcome = propose({ initial, proposed: { type: 'CANCELLED', name: 'Cancelled' }, runCount: 1, tags: ['db'] });
      expect(outcome.services.called('releaseConcurrencySlots'), initial.name).toHaveLength(1);
    }
  });

  it('keeps the slots of a task that pauses, and does nothing for untagged tasks or flows', () => {
    const paused = propose({ initial: state('RUNNING', 'Running'), proposed: { type: 'PAUSED', name: 'Paused' }, runCount: 1, tags: ['db'] });
    expect(paused.services.called('releaseConcurrencySlots')).toEqual([]);
    const untagged = propose({ initial: state('RUNNING', 'Running'), proposed: completed, runCount: 1 });
    expect(untagged.services.called('releaseConcurrencySlots')).toEqual([]);
    const flow = propose({ kind: 'flow', initial: state('RUNNING', 'Running'), proposed: completed, runCount: 1, tags: ['db'] });
    expect(flow.services.called('releaseConcurrencySlots')).toEqual([]);
  });

  it('has nothing to give back for a task that never started', () => {
    const outcome = propose({
      initial: state('SCHEDULED', 'AwaitingConcurrencySlot'),
      proposed: { type: 'CANCELLED', name: 'Cancelled' },
      tags: ['db'],
    });
    expect(outcome.services.called('releaseConcurrencySlots')).toEqual([]);
  });
});

describe('StoreCachedResult', () => {
  it('stores the result of a completed task with a cache key and a result', () => {
    const outcome = propose({
      initial: state('RUNNING', 'Running'),
      proposed: { ...completed, cacheKey: 'key-1', resultRef: 'results/r.json', cacheExpirationSeconds: 60 },
      runCount: 1,
    });
    expect(outcome.decision).toBe('accept');
    expect(outcome.services.called('storeCachedResult')).toEqual([
      {
        method: 'storeCachedResult',
        entry: { cacheKey: 'key-1', resultRef: 'results/r.json', taskRunId: 'run-1', createdAt: NOW, expiresAt: NOW + 60_000 },
      },
    ]);
  });

  it('stores an entry that never expires when no expiry is given', () => {
    const outcome = propose({ initial: state('RUNNING', 'Running'), proposed: { ...completed, cacheKey: 'k', resultRef: 'r' }, runCount: 1 });
    const [call] = outcome.services.called('storeCachedResult');
    expect(call).toMatchObject({ entry: { expiresAt: null } });
  });

  it('stores nothing without both a cache key and a result, or for a failure', () => {
    const onlyKey = propose({ initial: state('RUNNING', 'Running'), proposed: { ...completed, cacheKey: 'k' }, runCount: 1 });
    const onlyRef = propose({ initial: state('RUNNING', 'Running'), proposed: { ...completed, resultRef: 'r' }, runCount: 1 });
    const failure = propose({ initial: state('RUNNING', 'Running'), proposed: { ...failed, cacheKey: 'k', resultRef: 'r' }, runCount: 1 });
    for (const outcome of [onlyKey, onlyRef, failure]) expect(outcome.services.called('storeCachedResult')).toEqual([]);
  });

  it('does not store again what was served from the cache', () => {
    const services = new FakeServices();
    services.cache.set('k', { resultRef: 'r', taskRunId: 'earlier' });
    propose({ initial: state('PENDING', 'Pending'), proposed: { ...running, cacheKey: 'k' }, services });
    expect(services.called('storeCachedResult')).toEqual([]);
  });
});

describe('a cancel request: RefuseCancellingFinishedRuns, RefuseCancellingTwice, CancelUnstartedRunsAtOnce', () => {
  const cancel: ProposedState = { type: 'CANCELLING', name: 'Cancelling', message: 'cancellation requested' };

  it('asks a started run to stop: it becomes Cancelling', () => {
    for (const initial of [state('RUNNING', 'Running'), state('PAUSED', 'Paused')]) {
      expect(acceptedState(propose({ kind: 'flow', initial, proposed: cancel }))).toEqual(cancel);
    }
  });

  it('cancels a run that has not started at once', () => {
    for (const initial of [state('SCHEDULED', 'Scheduled', { scheduledTime: NOW + 60_000 }), state('PENDING', 'Pending')]) {
      const outcome = propose({ kind: 'flow', initial, proposed: cancel });
      expect(acceptedState(outcome)).toEqual({ type: 'CANCELLED', name: 'Cancelled', message: 'cancelled before it started' });
      expect(outcome.decision === 'accept' && outcome.appliedRules).toEqual(['CancelUnstartedRunsAtOnce']);
    }
  });

  it('refuses to cancel a finished run, or one already being cancelled, saying which', () => {
    for (const [type, name] of [
      ['COMPLETED', 'Completed'],
      ['FAILED', 'Failed'],
      ['CRASHED', 'Crashed'],
      ['CANCELLED', 'Cancelled'],
    ] as const) {
      expect(propose({ kind: 'flow', initial: state(type, name), proposed: cancel }), name).toEqual(
        expect.objectContaining({ decision: 'reject', reason: 'the run has already finished', code: 'RUN_FINISHED' }),
      );
    }
    expect(propose({ kind: 'flow', initial: state('CANCELLING', 'Cancelling'), proposed: cancel })).toEqual(
      expect.objectContaining({ decision: 'reject', reason: 'the run is already being cancelled', code: 'ALREADY_CANCELLING' }),
    );
  });
});

describe('a retry request: RetryOnlyFailedCrashedOrCancelledRuns', () => {
  const retry: ProposedState = { type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retry requested', scheduledTime: NOW };

  it('schedules a failed, crashed or cancelled flow run again', () => {
    for (const [type, name] of [
      ['FAILED', 'TimedOut'],
      ['CRASHED', 'Crashed'],
      ['CANCELLED', 'Cancelled'],
    ] as const) {
      expect(acceptedState(propose({ kind: 'flow', initial: state(type, name), proposed: retry })), name).toEqual(retry);
    }
  });

  it('refuses any other, with a code', () => {
    for (const [type, name] of [
      ['SCHEDULED', 'AwaitingRetry'],
      ['PENDING', 'Pending'],
      ['RUNNING', 'Running'],
      ['PAUSED', 'Paused'],
      ['COMPLETED', 'Completed'],
    ] as const) {
      expect(propose({ kind: 'flow', initial: state(type, name), proposed: retry }), name).toEqual(
        expect.objectContaining({ decision: 'reject', reason: 'only Failed, Crashed or Cancelled runs can be retried', code: 'NOT_RETRYABLE' }),
      );
    }
  });

  it('leaves alone the retry the rules make of a failed attempt', () => {
    const outcome = propose({
      kind: 'flow',
      initial: state('RUNNING', 'Running'),
      proposed: failed,
      runCount: 1,
      retryPolicy: { retries: 1, retryDelaySeconds: [0] },
    });
    expect(acceptedState(outcome).name).toBe('AwaitingRetry');
  });
});

describe('before and after hooks', () => {
  /** A rule that records when its hooks run. */
  function recorder(log: string[], to: StateType[] = ['COMPLETED']): OrchestrationRule {
    return {
      name: 'Recorder',
      runKinds: ['task'],
      from: 'any',
      to,
      before: () => void log.push('before'),
      after: (ctx, written) => void log.push(`after ${ctx.proposed.name} -> ${written.name}`),
    };
  }
  const rejecter: OrchestrationRule = {
    name: 'Rejecter',
    runKinds: ['task'],
    from: 'any',
    to: 'any',
    before: () => ({ decision: 'reject', reason: 'no', code: 'TRANSITION_NOT_ALLOWED' }),
  };
  const renamer: OrchestrationRule = {
    name: 'Renamer',
    runKinds: ['task'],
    from: 'any',
    to: 'any',
    before: (ctx) => ({ decision: 'accept', state: { ...ctx.proposed, name: 'Renamed' } }),
  };
  const ctx = (proposed: ProposedState) => ({
    run: { kind: 'task' as const, id: 'run-1', flowRunId: 'flow-1', tags: [], retryPolicy: noRetries, runCount: 1, lastTransitionId: null },
    initial: state('RUNNING', 'Running'),
    proposed,
    transitionId: 't-1',
    now: NOW,
    random: () => 0.5,
    services: new FakeServices(),
  });

  it("runs an after hook only when the store runs the accepted outcome's hooks, with what its before saw and the written state", () => {
    const log: string[] = [];
    const outcome = orchestrate(ctx(completed), [recorder(log), renamer]);
    expect(log).toEqual(['before']);
    if (outcome.decision !== 'accept') throw new Error(`expected accept, got ${outcome.decision}`);
    expect(outcome.afterHooks.map((hook) => hook.rule.name)).toEqual(['Recorder']);
    runAfterHooks(outcome, { type: 'COMPLETED', name: 'Renamed', timestamp: NOW, attempt: 1 });
    expect(log).toEqual(['before', 'after Completed -> Renamed']);
  });

  it('does not run an after hook when a later rule rejects', () => {
    const log: string[] = [];
    const outcome = orchestrate(ctx(completed), [recorder(log), rejecter]);
    expect(outcome).toEqual({ decision: 'reject', reason: 'no', code: 'TRANSITION_NOT_ALLOWED' });
    expect(log).toEqual(['before']);
  });

  it('runs no hooks of a rule the proposal no longer matches once an earlier rule changed it', () => {
    const log: string[] = [];
    const toFailed: OrchestrationRule = { ...renamer, before: (c) => ({ decision: 'accept', state: { ...c.proposed, type: 'FAILED' } }) };
    const outcome = orchestrate(ctx(completed), [toFailed, recorder(log)]);
    expect(outcome).toMatchObject({ decision: 'accept', afterHooks: [] });
    expect(log).toEqual([]);
  });

  it('releases slots and stores a cached result only after the transition is accepted', () => {
    const services = new FakeServices();
    const outcome = orchestrate({ ...ctx({ ...completed, cacheKey: 'k', resultRef: 'r' }), run: { ...ctx(completed).run, tags: ['db'] }, services });
    expect(outcome.decision).toBe('accept');
    expect(services.calls).toEqual([]);
    if (outcome.decision === 'accept') runAfterHooks(outcome, { type: 'COMPLETED', name: 'Completed', timestamp: NOW, attempt: 1 });
    expect(services.calls.map((call) => call.method)).toEqual(['releaseConcurrencySlots', 'storeCachedResult']);
  });
});

describe('retryDelayMs', () => {
  const random = () => 0.5;

  it('uses the delay listed for the attempt, the last one repeating', () => {
    const policy: RetryPolicy = { retries: 5, retryDelaySeconds: [1, 2.5, 7] };
    expect([1, 2, 3, 4, 10].map((attempt) => retryDelayMs(policy, attempt, random))).toEqual([1_000, 2_500, 7_000, 7_000, 7_000]);
  });

  it('treats an empty list as no delay', () => {
    expect(retryDelayMs({ retries: 1, retryDelaySeconds: [] }, 1, random)).toBe(0);
  });

  it('keeps jitter within base * (1 ± factor) and never below zero', () => {
    const policy: RetryPolicy = { retries: 1, retryDelaySeconds: [4], retryJitterFactor: 0.25 };
    expect(retryDelayMs(policy, 1, () => 0)).toBe(3_000);
    expect(retryDelayMs(policy, 1, () => 0.5)).toBe(4_000);
    for (let i = 0; i <= 100; i++) {
      const delay = retryDelayMs(policy, 1, () => i / 101);
      expect(delay).toBeGreaterThanOrEqual(3_000);
      expect(delay).toBeLessThan(5_000);
    }
    const wide: RetryPolicy = { retries: 1, retryDelaySeconds: [4], retryJitterFactor: 3 };
    expect(retryDelayMs(wide, 1, () => 0)).toBe(0);
  });

  it('adds no jitter to a zero delay and does not draw a random number without jitter', () => {
    let draws = 0;
    const counting = () => {
      draws++;
      return 0;
    };
    expect(retryDelayMs({ retries: 1, retryDelaySeconds: [0], retryJitterFactor: 0.5 }, 1, counting)).toBe(0);
    expect(retryDelayMs({ retries: 1, retryDelaySeconds: [3] }, 1, counting)).toBe(3_000);
    expect(draws).toBe(0);
  });
});

describe('exponentialBackoffDelays', () => {
  it('gives factor * 2^n for each retry', () => {
    expect(exponentialBackoffDelays(1, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(exponentialBackoffDelays(0.5, 3)).toEqual([0.5, 1, 2]);
  });

  it('gives at least one delay and at most 50', () => {
    expect(exponentialBackoffDelays(3, 0)).toEqual([3]);
    expect(exponentialBackoffDelays(1, 80)).toHaveLength(50);
  });
});

describe('advanceRunTiming and attemptOf', () => {
  const fresh = { runCount: 0, startTime: null, endTime: null };

  it('counts an attempt and starts the clock when a run enters RUNNING', () => {
    const pendingTiming = advanceRunTiming(fresh, null, 'PENDING', 10);
    expect(pendingTiming).toEqual({ runCount: 0, startTime: null, endTime: null });
    expect(advanceRunTiming(pendingTiming, 'PENDING', 'RUNNING', 20)).toEqual({ runCount: 1, startTime: 20, endTime: null });
    expect(advanceRunTiming(fresh, null, 'RUNNING', 5)).toEqual({ runCount: 1, startTime: 5, endTime: null });
  });

  it('follows a retry: end time set, cleared when rescheduled, start time kept, attempt counted again', () => {
    const failedTiming = advanceRunTiming({ runCount: 1, startTime: 20, endTime: null }, 'RUNNING', 'FAILED', 30);
    expect(failedTiming).toEqual({ runCount: 1, startTime: 20, endTime: 30 });
    const rescheduled = advanceRunTiming(failedTiming, 'FAILED', 'SCHEDULED', 40);
    expect(rescheduled).toEqual({ runCount: 1, startTime: 20, endTime: null });
    expect(advanceRunTiming(rescheduled, 'SCHEDULED', 'RUNNING', 50)).toEqual({ runCount: 2, startTime: 20, endTime: null });
  });

  it('does not count resuming from a pause as a new attempt', () => {
    const paused = advanceRunTiming({ runCount: 1, startTime: 20, endTime: null }, 'RUNNING', 'PAUSED', 30);
    expect(paused).toEqual({ runCount: 1, startTime: 20, endTime: null });
    expect(advanceRunTiming(paused, 'PAUSED', 'RUNNING', 40)).toEqual({ runCount: 1, startTime: 20, endTime: null });
  });

  it('ends every final state and keeps the end through CANCELLING', () => {
    for (const to of ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'] as const) {
      expect(advanceRunTiming({ runCount: 1, startTime: 1, endTime: null }, 'RUNNING', to, 9).endTime).toBe(9);
    }
    expect(advanceRunTiming({ runCount: 1, startTime: 1, endTime: null }, 'RUNNING', 'CANCELLING', 9).endTime).toBeNull();
  });

  it('finishes a cached run that never started without a start time', () => {
    expect(advanceRunTiming(fresh, 'PENDING', 'COMPLETED', 7)).toEqual({ runCount: 0, startTime: null, endTime: 7 });
  });

  it('counts a run that has not started as attempt 1', () => {
    expect(attemptOf(0)).toBe(1);
    expect(attemptOf(1)).toBe(1);
    expect(attemptOf(3)).toBe(3);
  });
});
