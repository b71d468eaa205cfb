import { join } from 'node:path';
import type { Bundle, DeployRequest } from '../../core/api/index.js';
import type { JsonSchemaIssue } from '../../core/index.js';
import { UsageError } from '../errors.js';
import { buildBundle } from './build-bundle.js';
import type { DeploymentSpec } from './deployment-spec.js';
import { parameterIssues, paramsFromPairs } from './deployment-params.js';
import { loadEntrypoint } from './load-entrypoint.js';

/** What `deploy` sends: every deployment, and the bundles they name by hash (each once). */
export interface PreparedDeployments {
  requests: DeployRequest[];
  bundles: Map<string, Bundle>;
}

const sameIssue = (a: JsonSchemaIssue, b: JsonSchemaIssue) => a.message === b.message && a.path.join('.') === b.path.join('.');

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
      problems.push(`${spec.at(['entrypoint'])}: ${error.message}`);
      continue;
    }
    const parameters = { ...spec.parameters, ...paramsFromPairs(spec.paramPairs ?? [], flow.parameterSchema) };
    const fullName = `${flow.flowName}/${spec.name}`;
    const twin = seen.get(fullName);
    if (twin) problems.push(`${spec.at(['name'])}: ${fullName} is deployed twice (also at ${twin.at(['name'])})`);
    seen.set(fullName, spec);
    const defaultIssues = parameterIssues(flow.parameterSchema, parameters, false);
    problems.push(...defaultIssues.map((issue) => `${spec.at(['parameters', ...issue.path])}: ${issue.message}`));
    spec.schedules.forEach((schedule, i) => {
      // A schedule's runs get the deployment's parameters and its own only: those must be complete.
      if (schedule.active === false) return;
      const issues = parameterIssues(flow.parameterSchema, { ...parameters, ...schedule.parameters }, true);
      // What the defaults already got wrong is said once, of the defaults.
      const own = issues.filter((issue) => !defaultIssues.some((d) => sameIssue(d, issue)));
      problems.push(...own.map((issue) => `${spec.at(['schedules', i, 'parameters', ...issue.path])}: ${issue.message}`));
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
        problems.push(`${spec.at(['entrypoint'])}: ${error.message}`);
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
