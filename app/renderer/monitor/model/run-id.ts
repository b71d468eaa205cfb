import type { ApiClient } from '../../../core/api/client.js';
import { RunIdSchema, runIdProblemMessage } from '../../../core/api/index.js';
import { errorMessage } from '../../../core/error-message.js';

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id as the server makes them, which needs no resolving. */
export function isFullRunId(id: string): boolean {
  return FULL_ID.test(id);
}

/**
 * The full id of the flow run an address names by its id or a unique prefix of it, as the CLI
 * takes them: the server resolves it by the same rule. Otherwise what was wrong, in its words.
 */
export async function resolveFlowRunId(client: Pick<ApiClient, 'resolveRunId'>, given: string): Promise<{ id: string } | { error: string }> {
  if (!RunIdSchema.safeParse(given).success) return { error: runIdProblemMessage('flow', given, 'unknown') };
  try {
    return { id: (await client.resolveRunId({ query: { kind: 'flow', prefix: given } })).id };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}
