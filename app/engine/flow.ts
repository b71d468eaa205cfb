import { registerFlow } from './registry.js';
import { callerModuleUrl } from './registry.js';
import { flowSignature } from './flow-parameters.js';
import { executeFlowRun, type FlowDefinition, type FlowRunOutcome, type FlowRunRequest } from './flow-run-engine.js';
import { retryPolicyOf, validateTimeout, type FlowOptions, type ZodLikeError } from './options.js';
import type { Deployment } from '../core/api/deployments.js';
import type { DeployOptions, ServeOptions } from './deployments/options.js';
import { recordFlowDefinition } from './deployments/flow-source.js';
import { servableDeployment, type ServableDeployment } from './deployments/servable.js';

/** What a flow's options speak of as its parameters: the one object it takes, or its arguments by name. */
type FlowParameters<Args extends unknown[]> = Args extends [params?: infer P]
  ? P extends object
    ? P
    : Record<string, unknown>
  : Record<string, unknown>;

/** The arguments of a flow whose parameters a schema checks: optional when every field is. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{} extends X` holds when every field of X is optional
type SchemaArguments<P> = {} extends P ? [params?: P] : [params: P];

// A flow function's parameters are whatever it declares; `any` lets an unannotated one stay open.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => unknown;

interface ParametersSchema<P> {
  safeParse(value: unknown): { success: true; data: P } | { success: false; error: ZodLikeError };
}

export interface Flow<Args extends unknown[] = [params?: Record<string, unknown>], R = unknown> {
  /** Runs the flow (as a subflow when called inside another) with these arguments and resolves to its result. */
  (...args: Args): Promise<Awaited<R>>;
  readonly name: string;
  readonly options: Readonly<FlowOptions<FlowParameters<Args>, Flow<Args, R>>>;
  readonly fn: (...args: Args) => R;
  /** The module that defined the flow, when known. */
  readonly moduleUrl: string | null;
  /**
   * Runs the flow with its parameters by name, as `flowdeck run --param` and the server give them,
   * and reports how it ended instead of throwing.
   */
  run(params?: unknown, request?: FlowRunRequest): Promise<FlowRunOutcome<Awaited<R>>>;
  withOptions(changes: FlowOptions<FlowParameters<Args>, Flow<Args, R>>): Flow<Args, R>;
  /**
   * Registers a deployment of this flow, `FLOW/NAME`, whose runs the workers of a work pool run
   * (its file and the local files it imports are stored with it), and resolves to it as stored.
   */
  deploy(options: DeployOptions<FlowParameters<Args>>): Promise<Deployment>;
  /**
   * Registers a deployment of this flow with no work pool and runs its runs in this process as they
   * come due, until Ctrl+C (or SIGTERM): then it lets running runs finish and resolves.
   */
  serve(options: ServeOptions<FlowParameters<Args>>): Promise<void>;
  /** A deployment of this flow for `serve(...)` to run with others in one process; its options are checked when served. */
  toDeployment(options: ServeOptions<FlowParameters<Args>>): ServableDeployment<FlowParameters<Args>>;
  readonly isFlowdeckFlow: true;
}

function makeFlow<Args extends unknown[], R>(
  options: FlowOptions<unknown, Flow<Args, R>>,
  fn: (...args: Args) => R,
  moduleUrl: string | null,
): Flow<Args, R> {
  // Where it is defined, for a deployment of it to find its file; read only when deployed.
  const definedAt = new Error();
  const name = options.name ?? fn.name;
  if (!name) throw new Error('a flow needs a name: pass { name } or use a named function');
  validateTimeout(options.timeoutSeconds);
  const definition: FlowDefinition = {
    name,
    fn,
    signature: flowSignature(fn, options.parameters !== undefined),
    options: options as unknown as FlowDefinition['options'],
    retryPolicy: retryPolicyOf(options),
    tags: [...(options.tags ?? [])],
    subject: null,
  };
  const run = (params?: unknown, request?: FlowRunRequest) =>
    executeFlowRun(definition, { byName: params }, request) as Promise<FlowRunOutcome<Awaited<R>>>;
  const call = (async (...args: unknown[]) => {
    const outcome = (await executeFlowRun(definition, { args })) as FlowRunOutcome<Awaited<R>>;
    if (outcome.ok) return outcome.result;
    throw outcome.error;
  }) as unknown as Flow<Args, R>;
  const flowObject = Object.assign(call, {
    options,
    fn,
    moduleUrl,
    run,
    // Loaded on use: a flow file that never deploys does not pay for the schedule checks.
    deploy: async (deployOptions: unknown) => (await import('./deployments/deploy-flow.js')).deployFlow(call as never, deployOptions),
    serve: async (serveOptions: unknown) => (await import('./deployments/deploy-flow.js')).serveFlow(call as never, serveOptions),
    toDeployment: (serveOptions: ServeOptions<never>) => servableDeployment(call as never, serveOptions),
    isFlowdeckFlow: true as const,
    withOptions: (changes: FlowOptions<unknown, Flow<Args, R>>) => makeFlow({ ...options, ...changes }, fn, moduleUrl),
  });
  Object.defineProperty(flowObject, 'name', { value: name });
  definition.subject = flowObject;
  recordFlowDefinition(flowObject, definedAt);
  return registerFlow(flowObject as unknown as Flow<Args, R>);
}

/**
 * Defines a flow: an async function whose runs are recorded with their parameters, states, logs
 * and task runs. `flow(fn)` takes its name from the function. Inside another flow, calling it
 * with arguments runs it as a subflow: `child(11, 'x')`.
 */
export function flow<F extends AnyFunction>(fn: F): Flow<Parameters<F>, ReturnType<F>>;
export function flow<P, R>(
  options: FlowOptions<P, Flow<SchemaArguments<P>, R>> & { parameters: ParametersSchema<P> },
  fn: (params: P) => R,
): Flow<SchemaArguments<P>, R>;
export function flow<F extends AnyFunction, Named = FlowParameters<Parameters<F>>>(
  options: FlowOptions<Named, Flow<Parameters<F>, ReturnType<F>>>,
  fn: F,
): Flow<Parameters<F>, ReturnType<F>>;
export function flow(
  optionsOrFn: FlowOptions<unknown, never> | ((...args: unknown[]) => unknown),
  maybeFn?: (...args: unknown[]) => unknown,
): Flow<unknown[], unknown> {
  const [options, fn] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
  if (typeof fn !== 'function') throw new Error('flow() needs a function: flow(fn) or flow(options, fn)');
  return makeFlow(options as FlowOptions<unknown, Flow<unknown[], unknown>>, fn, callerModuleUrl());
}

export function isFlow(value: unknown): value is Flow<never, unknown> {
  return typeof value === 'function' && (value as { isFlowdeckFlow?: boolean }).isFlowdeckFlow === true;
}
