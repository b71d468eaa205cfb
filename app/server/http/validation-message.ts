import type { FastifySchemaValidationError } from 'fastify';

/** Where in the request a validation failure is, as people write it: `body.operations[0].kind`. */
function fieldPath(context: string | undefined, instancePath: string): string {
  const root = context === 'querystring' ? 'query' : (context ?? 'request');
  const segments = instancePath.split('/').filter((segment) => segment !== '');
  return segments.reduce(
    (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment.replace(/~1/g, '/').replace(/~0/g, '~')}`),
    root,
  );
}

const SHOWN_ISSUES = 3;

/** One line naming each field that failed (the first few) and what was wrong with it. */
export function validationMessage(context: string | undefined, issues: readonly FastifySchemaValidationError[]): string {
  const shown = issues.slice(0, SHOWN_ISSUES).map((issue) => `${fieldPath(context, issue.instancePath)}: ${issue.message ?? 'invalid'}`);
  const more = issues.length > SHOWN_ISSUES ? ` (and ${issues.length - SHOWN_ISSUES} more)` : '';
  return `${shown.join('; ')}${more}`;
}
