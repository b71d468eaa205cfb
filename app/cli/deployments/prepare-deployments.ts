import { join } from 'node:path';
import type { Bundle, DeployRequest } from '../../core/api/index.js';
import { UsageError } from '../errors.js';
import { buildBundle } from './build-bundle.js';
import type { DeploymentSpec } from './deployment-spec.js';
import { parameterProblems, paramsFromPairs } from './deployment-params.js';
import { loadEntrypoint } from './load-entrypoint.js';

/** What `deploy` sends: every deployment, and the bundles they name by hash (each once). */
export interface PreparedDeployments {
  requests: DeployRequest[];
  bundles: Map<string, Bundle>;
}

/** `flowdeck.yaml:3: deployments[0].parameters.limit: ...`, or `parameters.limit: ...` without a file. */
function at(spec: DeploymentSpec, what: string): string {
  return spec.where ? `${spec.where}.${what}` : what;
}

/**
 * Loads each deployment's flow (its name, parameter schema and retries), checks its parameters
 * and each schedule's against that schema, and bundles its code. Every problem is collected; with
 * any, a UsageError lists them all and nothing is sent.
 */
export async function prepareDeployments(specs: readonly DeploymentSpec[], root: string, home: string): Promise<PreparedDeployments> {
  const problems: string[] = [];
  const requests: DeployRequest[] = [];
  const bundles = new Map<string, Bundle>();
  const hashByFile = new Map<string, string>();
  const seen = new Map<string, DeploymentSpec>();
  for (const spec of specs) {
    let flow;
    try {
      flow = await loadEntrypoint(root, spec.file, spec.exportName, home);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(`${at(spec, 'entrypoint')}: ${error.message}`);
      continue;
    }
    const parameters = { ...spec.parameters, ...paramsFromPairs(spec.paramPairs ?? [], flow.parameterSchema) };
    const fullName = `${flow.flowName}/${spec.name}`;
    const twin = seen.get(fullName);
    if (twin) problems.push(`${at(spec, 'name')}: ${fullName} is deployed twice (also at ${twin.where || 'the same place'})`);
    seen.set(fullName, spec);
    problems.push(...parameterProblems(flow.parameterSchema, parameters, 'parameters', false).map((p) => (spec.where ? `${spec.where}.${p}` : p)));
    spec.schedules.forEach((schedule, i) => {
      // A schedule's runs get the deployment's parameters and its own only: those must be complete.
      if (schedule.active === false) return;
      const merged = { ...parameters, ...schedule.parameters };
      problems.push(...parameterProblems(flow.parameterSchema, merged, at(spec, `schedules[${i}].parameters`), true));
    });
    let hash = hashByFile.get(spec.file);
    if (hash === undefined) {
      try {
        const built = await buildBundle(join(root, spec.file), root);
        hash = built.hash;
        bundles.set(hash, built.bundle);
        hashByFile.set(spec.file, hash);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        problems.push(`${at(spec, 'entrypoint')}: ${error.message}`);
        continue;
      }
    }
    requests.push({
      name: spec.name,
      flowName: flow.flowName,
      entrypoint: `${spec.file}:${spec.exportName}`,
      description: spec.description,
      version: spec.version,
      tags: spec.tags,
      parameters,
      parameterSchema: flow.parameterSchema,
      workPool: spec.workPool,
      workQueue: spec.workQueue,
      schedules: spec.schedules,
      retryPolicy: flow.retryPolicy,
      concurrencyLimit: spec.concurrencyLimit,
      ...(spec.collisionStrategy ? { collisionStrategy: spec.collisionStrategy } : {}),
      ...(spec.catchUp ? { catchUp: spec.catchUp } : {}),
      ...(spec.paused !== undefined ? { paused: spec.paused } : {}),
      bundle: hash,
    });
  }
  if (problems.length > 0) {
    const many = problems.length > 1;
    throw new UsageError(
      `${many ? `${problems.length} problems` : 'a problem'} with the deployments; nothing was deployed:\n  ${problems.join('\n  ')}`,
    );
  }
  return { requests, bundles };
}
