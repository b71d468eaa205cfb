import type { VariableStore } from '../../server/store/variable-store.js';
import type { CliContext } from '../context.js';

/** A server that has not answered in this long is treated as unreachable rather than waited on. */
const API_TIMEOUT_MS = 30_000;

/**
 * Where the variable commands and flow code find variables: the local store (which is a
 * VariableStore itself), or the server the settings name, through its API.
 */
export async function openVariables(ctx: CliContext): Promise<VariableStore> {
  await ctx.prepare();
  const server = ctx.server;
  if (server.kind === 'local') return ctx.openStore();
  const [{ RemoteVariables }, { createApiClient }] = await Promise.all([import('./remote-variables.js'), import('../../core/api/client.js')]);
  return new RemoteVariables(
    createApiClient({ baseUrl: server.apiUrl, apiKey: ctx.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: API_TIMEOUT_MS }),
  );
}
