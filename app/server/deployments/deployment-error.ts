import type { JsonSchemaIssue } from '../../core/json-schema-check.js';

/**
 * A deploy or a run of a deployment refused before the store was asked: something it names is
 * not there (NOT_FOUND), or its parameters do not fit the flow's parameter schema (PARAMETERS).
 */
export class DeploymentError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'PARAMETERS',
    /** For PARAMETERS: each parameter that does not fit, and why. */
    readonly issues?: JsonSchemaIssue[],
  ) {
    super(message);
    this.name = 'DeploymentError';
  }
}
