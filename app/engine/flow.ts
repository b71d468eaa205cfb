import { registerFlow } from './registry.js';
import { callerModuleUrl } from './registry.js';
import { executeFlowRun, type FlowDefinition, type FlowRunOutcome, type FlowRunRequest } from './flow-run-engine.js';
import { retryPolicyOf, validateTimeout, type FlowOptions } from './options.js';

export interface Flow<P = Record<string, unknown>, R = unknown> {
  /** Runs the flow (as a subflow when called inside another) and resolves to its result. */
  (...params: {} extends P ? [params?: P] : [params: P]): Promise<Awaited<R>>;
  readonly name: string;
  readonly options: Readonly<FlowOptions<P, Flow<P, R>>>;
  readonly fn: (params: P) => R;
  /** The module that defined the flow, when known. */
  readonly moduleUrl: string | null;
  /** Runs the flow and reports how it ended instead of throwing. */
  run(params?: unknown, request?: FlowRunRequest): Promise<FlowRunOutcome<Awaited<R>>>;
  withOptions(changes: FlowOptions<P, Flow<P, R>>): Flow<P, R>;
  readonly isFlowdeckFlow: true;
}

function makeFlow<P, R>(options: FlowOptions<P, Flow<P, R>>, fn: (params: P) => R, moduleUrl: string | null): Flow<P, R> {
  const name = options.name ?? fn.name;
  if (!name) throw new Error('a flow needs a name: pass { name } or use a named function');
  validateTimeout(options.timeoutSeconds);
  const definition: FlowDefinition = {
    name,
    fn: fn as unknown as FlowDefinition['fn'],
    options: options as unknown as FlowDefinition['options'],
    retryPolicy: retryPolicyOf(options),
    tags: [...(options.tags ?? [])],
    subject: null,
  };
  const run = (params?: unknown, request?: FlowRunRequest) =>
    executeFlowRun(definition, params, request) as Promise<FlowRunOutcome<Awaited<R>>>;
  const call = (async (params?: P) => {
    const outcome = await run(params);
    if (outcome.ok) return outcome.result;
    throw outcome.error;
  }) as unknown as Flow<P, R>;
  const flowObject = Object.assign(call, {
    options,
    fn,
    moduleUrl,
    run,
    isFlowdeckFlow: true as const,
    withOptions: (changes: FlowOptions<P, Flow<P, R>>) => makeFlow({ ...options, ...changes }, fn, moduleUrl),
  });
  Object.defineProperty(flowObject, 'name', { value: name });
  definition.subject = flowObject;
  return registerFlow(flowObject);
}

/**
 * Defines a flow: an async function whose runs are recorded with their parameters, states, logs
 * and task runs. `flow(fn)` takes its name from the function.
 */
export function flow<P = Record<string, unknown>, R = unknown>(fn: (params: P) => R): Flow<P, R>;
export function flow<P = Record<string, unknown>, R = unknown>(options: FlowOptions<P, Flow<P, R>>, fn: (params: P) => R): Flow<P, R>;
export function flow<P, R>(
  optionsOrFn: FlowOptions<P, Flow<P, R>> | ((params: P) => R),
  maybeFn?: (params: P) => R,
): Flow<P, R> {
  const [options, fn] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
  if (typeof fn !== 'function') throw new Error('flow() needs a function: flow(fn) or flow(options, fn)');
  return makeFlow(options, fn, callerModuleUrl());
}

export function isFlow(value: unknown): value is Flow<never, unknown> {
  return typeof value === 'function' && (value as { isFlowdeckFlow?: boolean }).isFlowdeckFlow === true;
}
