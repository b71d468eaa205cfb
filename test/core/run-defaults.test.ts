// The defaults the store fills into create requests without zod, held to the schemas that state them.
import { describe, expect, it } from 'vitest';
import { CreateFlowRunSchema, RetryPolicySchema, type CreateFlowRun } from '../../app/core/index.js';
import { createFlowRunWithDefaults, retryPolicyWithDefaults } from '../../app/core/run-defaults.js';

const BARE: CreateFlowRun = {
  id: 'r1',
  flowName: 'etl',
  name: 'calm-otter',
  retryPolicy: {},
  state: { type: 'PENDING', name: 'Pending' },
  transitionId: 't1',
};

const FULL: CreateFlowRun = {
  ...BARE,
  parameters: { n: 1 },
  tags: ['nightly'],
  parentFlowRunId: 'p1',
  parentTaskRunId: 'pt1',
  entrypoint: 'flows/etl.ts:etl',
  retryPolicy: { retries: 2, retryDelaySeconds: [1, 5], retryJitterFactor: 0.5 },
  pid: 42,
  hostname: 'box',
};

describe('run request defaults', () => {
  it.each([
    ['left out', BARE],
    ['all given', FULL],
  ])('fill a flow run to create as its schema does, with fields %s', (_name, request) => {
    expect(JSON.stringify(createFlowRunWithDefaults(request))).toBe(JSON.stringify(CreateFlowRunSchema.parse(request)));
  });

  it.each([{}, { retries: 3 }, { retryDelaySeconds: [2] }, { retries: 1, retryDelaySeconds: [0, 1], retryJitterFactor: 0.1 }])(
    'fill a retry policy as its schema does: %j',
    (policy) => {
      expect(JSON.stringify(retryPolicyWithDefaults(policy))).toBe(JSON.stringify(RetryPolicySchema.parse(policy)));
    },
  );
});
