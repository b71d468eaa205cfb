import { ParameterValidationError } from './errors.js';
import { declaredParameters, type DeclaredParameter } from './parameter-names.js';

/**
 * How a flow's function takes its parameters. `object`: as one object (it declares a `parameters`
 * schema, destructures its first parameter, or declares none), so a run's parameters are exactly
 * that object. `positional`: as arguments, so a run's parameters are the arguments by name.
 */
export type FlowSignature = { kind: 'object' } | { kind: 'positional'; parameters: DeclaredParameter[] };

/** What a flow is started with: parameters by name (a top-level run) or a call's arguments. */
export type FlowInput = { byName?: unknown } | { args: readonly unknown[] };

/** A flow call made ready: the function's arguments and the parameters recorded by name. */
export interface BoundFlowCall {
  args: unknown[];
  params: Record<string, unknown>;
}

export function flowSignature(fn: (...args: never[]) => unknown, hasSchema: boolean): FlowSignature {
  if (hasSchema) return { kind: 'object' };
  const parameters = declaredParameters(fn);
  if (parameters.length === 0 || parameters[0].destructured === 'object') return { kind: 'object' };
  return { kind: 'positional', parameters };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function invalid(flowName: string, path: string, message: string): ParameterValidationError {
  return new ParameterValidationError(flowName, [{ path, message }]);
}

function namesOf(parameters: readonly DeclaredParameter[]): string {
  return parameters.map((p) => (p.rest ? `...${p.name}` : p.name)).join(', ');
}

/**
 * A flow with one plain parameter may also be handed its parameters as one object, as flows were
 * written before they took arguments: `(params: { limit: number })` run with `limit=10`.
 */
function soleParameter(parameters: readonly DeclaredParameter[]): DeclaredParameter | null {
  return parameters.length === 1 && !parameters[0].rest ? parameters[0] : null;
}

/** Parameters by name, as a top-level run gives them, made into the function's arguments. */
export function bindByName(flowName: string, parameters: readonly DeclaredParameter[], raw: unknown): BoundFlowCall {
  const named = raw ?? {};
  if (!isPlainObject(named)) throw invalid(flowName, '', 'parameters must be an object');
  const keys = Object.keys(named);
  const sole = soleParameter(parameters);
  if (sole) {
    if (keys.length === 0) return { args: sole.hasDefault ? [] : [{}], params: {} };
    if (keys.length === 1 && keys[0] === sole.name) return { args: [named[sole.name]], params: named };
    return { args: [named], params: named };
  }
  const known = new Set(parameters.map((p) => p.name));
  const unknown = keys.filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ParameterValidationError(
      flowName,
      unknown.map((key) => ({ path: key, message: `the flow takes no parameter '${key}'; it takes ${namesOf(parameters)}` })),
    );
  }
  const args: unknown[] = [];
  for (const parameter of parameters) {
    const value = named[parameter.name];
    if (!parameter.rest) {
      args.push(value);
      continue;
    }
    if (value === undefined) break;
    if (!Array.isArray(value)) throw invalid(flowName, parameter.name, `takes the rest of the arguments, so it must be an array`);
    args.push(...(value as unknown[]));
  }
  // Trailing gaps are left off, so the function sees as many arguments as were named.
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  return { args, params: named };
}

/** A call's arguments, named after the function's parameters so the run records them by name. */
export function bindArguments(flowName: string, parameters: readonly DeclaredParameter[], given: readonly unknown[]): BoundFlowCall {
  const args = [...given];
  const hasRest = parameters.some((p) => p.rest);
  if (!hasRest && args.length > parameters.length) {
    throw invalid(
      flowName,
      '',
      `the flow takes ${parameters.length} argument${parameters.length === 1 ? '' : 's'} (${namesOf(parameters)}) but was called with ${args.length}`,
    );
  }
  const sole = soleParameter(parameters);
  const only = args[0];
  // One object for a one-parameter flow is recorded as the parameters themselves, as a run by
  // name would give them, unless reading it back by name would tell another story.
  if (sole && args.length === 1 && isPlainObject(only) && !(sole.name in only) && (Object.keys(only).length > 0 || !sole.hasDefault)) {
    return { args, params: only };
  }
  const params: Record<string, unknown> = {};
  parameters.forEach((parameter, i) => {
    if (parameter.rest) params[parameter.name] = args.slice(i);
    else if (i < args.length && args[i] !== undefined) params[parameter.name] = args[i];
  });
  return { args, params };
}
