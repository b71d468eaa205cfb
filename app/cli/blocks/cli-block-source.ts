import type { LoadedBlock } from '../../core/api/blocks.js';
import type { BlockSource } from '../../engine/hosting.js';
import type { CliContext } from '../context.js';

/**
 * The engine's way to blocks from a flow process the CLI started: the local database opened with
 * this machine's key, or the server the run reports to. Loaded on the first `loadBlock`, so runs
 * that load none pay nothing for it.
 */
export class CliBlockSource implements BlockSource {
  private loader: Promise<(type: string, name: string, flowRunId: string | null) => Promise<LoadedBlock>> | null = null;

  constructor(private readonly ctx: CliContext) {}

  async load(type: string, name: string, flowRunId: string | null): Promise<LoadedBlock> {
    this.loader ??= this.makeLoader();
    return (await this.loader)(type, name, flowRunId);
  }

  private async makeLoader(): Promise<(type: string, name: string, flowRunId: string | null) => Promise<LoadedBlock>> {
    const ctx = this.ctx;
    const server = ctx.server;
    if (server.kind === 'local') {
      const [{ Blocks }, { EncryptionKeySource }, store] = await Promise.all([
        import('../../server/blocks/blocks.js'),
        import('../../server/blocks/encryption-key.js'),
        ctx.openStore(),
      ]);
      const blocks = new Blocks(store, new EncryptionKeySource({ setting: ctx.settings.FLOWDECK_SERVER_ENCRYPTION_KEY, home: ctx.home }));
      return (type, name, flowRunId) => blocks.load(type, name, flowRunId);
    }
    const { createApiClient } = await import('../../core/api/client.js');
    const api = createApiClient({ baseUrl: server.apiUrl, apiKey: ctx.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: 30_000 });
    return (type, name, flowRunId) => {
      // The server opens secrets only for a flow run that is Running.
      if (flowRunId === null) throw new Error(`block ${type}/${name}: load blocks inside a flow run when it reports to a server`);
      return api.loadBlock({ params: { type, name }, body: { flowRunId } });
    };
  }
}
