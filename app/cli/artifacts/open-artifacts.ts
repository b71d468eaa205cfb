import { API_TIMEOUT_MS, type CliContext } from '../context.js';
import type { ArtifactSink } from '../../engine/hosting.js';
import type { ArtifactsSource } from './artifacts-source.js';

/**
 * The artifacts of the local database, or of the server FLOWDECK_API_URL names. `beforeWrite`
 * (a flow process's) runs before an artifact is recorded on a server.
 */
export async function openArtifacts(ctx: CliContext, beforeWrite?: () => Promise<void>): Promise<ArtifactsSource> {
  const server = ctx.server;
  if (server.kind === 'local') {
    const [{ LocalArtifactsSource }, store] = await Promise.all([import('./local-artifacts-source.js'), ctx.openStore()]);
    return new LocalArtifactsSource(store);
  }
  const [{ RemoteArtifactsSource }, { createApiClient }] = await Promise.all([
    import('./remote-artifacts-source.js'),
    import('../../core/api/client.js'),
  ]);
  const api = createApiClient({ baseUrl: server.apiUrl, apiKey: ctx.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: API_TIMEOUT_MS });
  return new RemoteArtifactsSource(api, beforeWrite);
}

/**
 * The engine's artifact sink for a flow process: the source is opened (and the API's schemas
 * loaded) only when the flow makes its first artifact, so runs that make none pay nothing.
 */
export function lazyArtifactSink(ctx: CliContext, beforeWrite: () => Promise<void>): ArtifactSink {
  let source: Promise<ArtifactsSource> | null = null;
  const open = () => (source ??= openArtifacts(ctx, beforeWrite));
  return {
    createArtifact: async (artifact) => (await open()).createArtifact(artifact),
    updateArtifactProgress: async (id, progress) => (await open()).updateArtifactProgress(id, progress),
  };
}
