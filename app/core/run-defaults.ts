// What the create schemas in runs.ts fill in when a request leaves it out, for the store, which
// takes requests whose types already hold (the API checked those from outside) and fills them
// without loading zod. test/core/run-defaults.test.ts holds these to the schemas.
import type { z } from 'zod';
import type { CreateFlowRun, CreateFlowRunSchema, RetryPolicy } from './runs.js';

/** A flow run to create, with every default in place. */
export type CreateFlowRunRequest = z.output<typeof CreateFlowRunSchema>;

export function retryPolicyWithDefaults(policy: CreateFlowRun['retryPolicy']): RetryPolicy {
  const filled: RetryPolicy = { retries: policy.retries ?? 0, retryDelaySeconds: policy.retryDelaySeconds ?? [0] };
  if (policy.retryJitterFactor !== undefined) filled.retryJitterFactor = policy.retryJitterFactor;
  return filled;
}

export function createFlowRunWithDefaults(request: CreateFlowRun): CreateFlowRunRequest {
  return {
    id: request.id,
    flowName: request.flowName,
    name: request.name,
    parameters: request.parameters ?? {},
    tags: request.tags ?? [],
    parentFlowRunId: request.parentFlowRunId ?? null,
    parentTaskRunId: request.parentTaskRunId ?? null,
    entrypoint: request.entrypoint ?? null,
    retryPolicy: retryPolicyWithDefaults(request.retryPolicy),
    pid: request.pid ?? null,
    hostname: request.hostname ?? null,
    state: request.state,
    transitionId: request.transitionId,
    ...(request.debug ? { debug: request.debug } : {}),
    ...(request.rerunOf ? { rerunOf: request.rerunOf } : {}),
    ...(request.codeRef ? { codeRef: request.codeRef } : {}),
  };
}
