import type { Deployment } from '../../../core/api/deployments.js';
import { runAgainForm, type RunAgainForm } from '../../shared/parameter-form.js';

/**
 * The form to run a deployment with: a field per parameter of its schema, filled with the
 * deployment's defaults (or the schema's own where it has none); its defaults as JSON when it was
 * deployed without a schema.
 */
export function deploymentRunForm(
  deployment: Pick<Deployment, 'flowName' | 'parameters' | 'parameterSchema'>,
): Exclude<RunAgainForm, { kind: 'missing' }> {
  const form = runAgainForm([{ name: deployment.flowName, parameters: deployment.parameterSchema }], deployment.flowName, deployment.parameters);
  // The flow is the one named just above, so it is never missing.
  return form.kind === 'missing' ? { kind: 'json', text: JSON.stringify(deployment.parameters, null, 2) } : form;
}
