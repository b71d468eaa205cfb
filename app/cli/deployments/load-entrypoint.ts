import { join } from 'node:path';
import type { RetryPolicy } from '../../core/index.js';
import { isFlow } from '../../engine/hosting.js';
import { importFlowFile } from '../../engine/loader/import-flow-file.js';
import { retryPolicyOf } from '../../engine/options.js';
import { UsageError } from '../errors.js';
import { describeFlows } from '../flow-files/describe-flows.js';
import { loadFlowModule } from '../flow-files/load-flow-file.js';

/** What a deployment records of its flow: its name, the JSON Schema of its parameters, its retries. */
export interface EntrypointFlow {
  flowName: string;
  parameterSchema: Record<string, unknown> | null;
  retryPolicy: RetryPolicy;
}

/** Loads `file` (relative to `root`) and reads the flow it exports as `exportName`. */
export async function loadEntrypoint(root: string, file: string, exportName: string, home: string): Promise<EntrypointFlow> {
  // Loading first reports a file that does not compile or throws, with its line.
  const module = await loadFlowModule(join(root, file), root, home);
  // The same module again, already evaluated: for its exports by name.
  const { exports } = await importFlowFile(module.path, home);
  const exported = exportName === 'default' ? module.defaultFlow : exports[exportName];
  if (!isFlow(exported)) {
    const named = Object.entries(exports)
      .filter(([, value]) => isFlow(value))
      .map(([name]) => name);
    const what = exportName === 'default' ? 'no default export that is a flow' : `no export '${exportName}' that is a flow`;
    throw new UsageError(`${file} has ${what}${named.length ? `; its flows are exported as ${named.join(', ')}` : ''}`);
  }
  const flow = exported;
  const described = describeFlows(module).find((f) => f.name === flow.name);
  return {
    flowName: flow.name,
    parameterSchema: described?.parameters ?? null,
    retryPolicy: retryPolicyOf(flow.options),
  };
}
