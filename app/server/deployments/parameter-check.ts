import { checkJsonSchema, describeJsonSchemaIssue } from '../../core/json-schema-check.js';
import { DeploymentError } from './deployment-error.js';

type Parameters = Record<string, unknown>;

/**
 * Refuses parameters that do not fit the flow's parameter schema, naming each parameter and the
 * deployment. `complete` is whether every required parameter must be there: a run's parameters
 * must be complete, a deployment's defaults need not (a run may give the rest).
 */
export function checkParameters(
  schema: Record<string, unknown> | null | undefined,
  parameters: Parameters,
  { deployment, what, complete }: { deployment: string; what: string; complete: boolean },
): void {
  if (!schema) return;
  const issues = checkJsonSchema(complete ? schema : { ...schema, required: [] }, parameters);
  if (issues.length === 0) return;
  const details = issues.map((issue) => (issue.path.length > 0 ? `parameter ${describeJsonSchemaIssue(issue)}` : issue.message)).join('; ');
  throw new DeploymentError(`the ${what} of deployment '${deployment}' do not fit the flow's parameter schema: ${details}`, 'PARAMETERS', issues);
}
