import { describe, expect, it } from 'vitest';
import {
  CLIENT_POLICY,
  needsServer,
  orchestrate,
  ORCHESTRATION_POLICY,
  RUN_KINDS,
  SERVER_ONLY_RULES,
  STATE_TYPES,
  type ClientServices,
  type OrchestrationRule,
  type ProposedState,
  type RunFacts,
  type StateType,
} from '../../app/core/index.js';
import { secureConcurrencySlots } from '../../app/core/orchestration/rules/secure-concurrency-slots.js';

const NOW = 1_700_000_000_000;

function facts(overrides: Partial<RunFacts> = {}): RunFacts {
  return {
    kind: 'task',
    id: 'run-1',
    flowRunId: 'flow-1',
    tags: [],
    retryPolicy: { retries: 1, retryDelaySeconds: [0] },
    runCount: 1,
    lastTransitionId: null,
    ...overrides,
  };
}

const running: ProposedState = { type: 'RUNNING', name: 'Running' };

describe('CLIENT_POLICY', () => {
  it('is the server policy, in its order, without the rules that need the server', () => {
    const serverOnly = SERVER_ONLY_RULES.map((entry) => entry.rule);
    for (const rule of serverOnly) expect(ORCHESTRATION_POLICY).toContain(rule);
    expect(CLIENT_POLICY.map((rule) => rule.name)).toEqual(
      ORCHESTRATION_POLICY.filter((rule) => !serverOnly.includes(rule)).map((rule) => rule.name),
    );
    expect(CLIENT_POLICY.length + serverOnly.length).toBe(ORCHESTRATION_POLICY.length);
  });

  it("asks nothing but a flow run's state, whatever the transition", () => {
    const asked: string[] = [];
    const services: ClientServices = { flowRunStateType: (id) => (asked.push(id), 'RUNNING') };
    const from: (StateType | null)[] = [null, ...STATE_TYPES];
    for (const kind of RUN_KINDS) {
      for (const initialType of from) {
        for (const type of STATE_TYPES) {
          const initial = initialType === null ? null : { type: initialType, name: 'Before', timestamp: NOW - 1, attempt: 1 };
          // Tags and a cache key make the server's rules ask their services; the client's must not.
          const proposed: ProposedState = { type, name: type, cacheKey: 'k', resultRef: 'r' };
          const outcome = orchestrate(
            { run: facts({ kind, tags: ['db'] }), initial, proposed, transitionId: 't', now: NOW, random: () => 0.5, services },
            CLIENT_POLICY,
          );
          expect(outcome.decision).toMatch(/^(accept|reject|wait|abort|duplicate)$/);
        }
      }
    }
    expect(new Set(asked)).toEqual(new Set(['flow-1']));
  });

  it('cannot hold a rule that needs the server, as its type says', () => {
    // @ts-expect-error a rule that takes concurrency slots needs the store's services
    const list: readonly OrchestrationRule<ClientServices>[] = [secureConcurrencySlots];
    expect(list).toHaveLength(1);
  });
});

describe('needsServer', () => {
  it("says a task run's start needs the server when it has tags or a cache key to look up", () => {
    expect(needsServer(facts({ tags: ['db'] }), 'PENDING', running)).toBe(true);
    expect(needsServer(facts(), 'PENDING', { ...running, cacheKey: 'k' })).toBe(true);
  });

  it("leaves to the client a start with neither, one that refreshes its cache, and a flow run's", () => {
    expect(needsServer(facts(), 'PENDING', running)).toBe(false);
    expect(needsServer(facts(), 'PENDING', { ...running, cacheKey: 'k', refreshCache: true })).toBe(false);
    expect(needsServer(facts({ kind: 'flow', tags: ['db'] }), 'PENDING', running)).toBe(false);
  });

  it('says a tagged task run that stops running needs the server, to give back its slots', () => {
    expect(needsServer(facts({ tags: ['db'] }), 'RUNNING', { type: 'COMPLETED', name: 'Completed' })).toBe(true);
    expect(needsServer(facts(), 'RUNNING', { type: 'COMPLETED', name: 'Completed', cacheKey: 'k', resultRef: 'r' })).toBe(true);
    expect(needsServer(facts(), 'RUNNING', { type: 'COMPLETED', name: 'Completed' })).toBe(false);
  });
});
