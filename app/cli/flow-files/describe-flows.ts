import { z } from 'zod';
import type { DescribedFlow } from '../../core/api/index.js';
import type { AnyFlow, FlowModule } from './load-flow-file.js';

/**
 * The JSON Schema of what a caller passes as the flow's parameters (zod's input side, so fields
 * with defaults are optional), or null when the flow declares no schema or it is not zod 4's.
 * Parts JSON Schema cannot say (transforms, dates) become `{}`: anything goes there.
 */
export function parametersJsonSchema(flow: AnyFlow): Record<string, unknown> | null {
  const schema = flow.options.parameters as unknown;
  if (!schema || typeof schema !== 'object' || !('_zod' in schema)) return null;
  try {
    return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Each flow of the file once by name, the default export first. */
export function describeFlows(module: FlowModule): DescribedFlow[] {
  const ordered = module.defaultFlow ? [module.defaultFlow, ...module.flows] : module.flows;
  const seen = new Set<string>();
  const described: DescribedFlow[] = [];
  for (const flow of ordered) {
    if (seen.has(flow.name)) continue;
    seen.add(flow.name);
    described.push({ name: flow.name, isDefault: flow === module.defaultFlow, parameters: parametersJsonSchema(flow) });
  }
  return described;
}
