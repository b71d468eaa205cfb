import { z } from 'zod';
import type { DescribedFlow } from '../../core/api/index.js';
import { flowSignature, type DeclaredParameter } from '../../engine/hosting.js';
import type { AnyFlow, FlowModule } from './load-flow-file.js';

/**
 * The JSON Schema of what a caller passes as the flow's parameters (zod's input side, so fields
 * with defaults are optional), or null when it declares no schema that JSON Schema can say.
 * Parts JSON Schema cannot say (transforms, dates) become `{}`: anything goes there.
 */
function zodJsonSchema(schema: unknown): Record<string, unknown> | null {
  if (!schema || typeof schema !== 'object' || !('_zod' in schema)) return null;
  try {
    return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' });
  } catch {
    return null;
  }
}

/**
 * A flow that takes arguments is run with them by name. Their types are gone once the code runs,
 * and so is whether they may be left out, so each takes any JSON value and none is required. A
 * flow of one parameter may also be given all its parameters as one object.
 */
function argumentsJsonSchema(parameters: readonly DeclaredParameter[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const parameter of parameters) properties[parameter.name] = parameter.rest ? { type: 'array' } : {};
  const sole = parameters.length === 1 && !parameters[0].rest;
  return { type: 'object', properties, additionalProperties: sole };
}

/** The JSON Schema of a flow's parameters by name, or null when it declares none. */
function parametersJsonSchema(flow: AnyFlow): Record<string, unknown> | null {
  const schema = flow.options.parameters as unknown;
  if (schema) return zodJsonSchema(schema);
  const signature = flowSignature(flow.fn, false);
  return signature.kind === 'positional' ? argumentsJsonSchema(signature.parameters) : null;
}

/** The names `exported` holds `flow` under, `default` first. */
function exportNamesOf(flow: AnyFlow, exported: Record<string, unknown>): string[] {
  const names = Object.keys(exported).filter((name) => exported[name] === flow);
  return names.includes('default') ? ['default', ...names.filter((name) => name !== 'default')] : names;
}

/** Each flow of the file once by name, the default export first, with the names the file exports it under. */
export function describeFlows(module: FlowModule): DescribedFlow[] {
  const ordered = module.defaultFlow ? [module.defaultFlow, ...module.flows] : module.flows;
  const seen = new Set<string>();
  const described: DescribedFlow[] = [];
  for (const flow of ordered) {
    if (seen.has(flow.name)) continue;
    seen.add(flow.name);
    described.push({
      name: flow.name,
      isDefault: flow === module.defaultFlow,
      exports: exportNamesOf(flow, module.exported),
      parameters: parametersJsonSchema(flow),
    });
  }
  return described;
}
