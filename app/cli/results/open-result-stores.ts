import { isAbsolute } from 'node:path';
import { RESULT_STORAGE_BLOCK } from '../../core/blocks/block-types.js';
import { FolderResultStorage, type ResultStorage, type ResultStores } from '../../engine/hosting.js';
import { serverResultsFolder } from '../../server/results/server-results.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { ServerResultStorage } from './server-result-storage.js';

/**
 * Where the engine keeps results, from FLOWDECK_DEFAULT_RESULT_STORAGE: null when it is unset, so
 * runs keep them in FLOWDECK_HOME with no extra work; otherwise the block, loaded and checked once
 * before any flow code runs (a missing block or a bad one is a clear error then).
 */
export async function openResultStores(ctx: CliContext): Promise<ResultStores | null> {
  const setting = ctx.settings.FLOWDECK_DEFAULT_RESULT_STORAGE;
  if (setting === null) return null;
  const name = setting.slice(setting.indexOf('/') + 1);
  const block = await (await ctx.blocks()).read(RESULT_STORAGE_BLOCK.slug, name);
  if (!block) {
    throw new UsageError(
      `FLOWDECK_DEFAULT_RESULT_STORAGE names block ${setting}, and there is none; create it with ` +
        `flowdeck block create ${setting} --data '{"kind":"server"}' (or kind folder with a path)`,
    );
  }
  const checked = RESULT_STORAGE_BLOCK.schema.safeParse(block.data);
  if (!checked.success) throw new UsageError(`block ${setting} is not a valid result-storage block: ${checked.error.issues[0]?.message ?? ''}`);
  const data = checked.data as { kind: 'folder' | 'server'; path?: string };
  const server = serverStorage(ctx);
  if (data.kind === 'server') return { default: server, reader: (scheme) => (scheme === 'server' ? server : null) };
  if (!isAbsolute(data.path!)) throw new UsageError(`block ${setting}: path must be an absolute folder path, got '${data.path}'`);
  const folder = new FolderResultStorage('folder', data.path!);
  return { default: folder, reader: (scheme) => (scheme === 'server' ? server : folder) };
}

/** The server's results: over the API, or, with no server, the same folder a local server would keep them in. */
function serverStorage(ctx: CliContext): ResultStorage {
  const server = ctx.server;
  if (server.kind === 'remote') return new ServerResultStorage(server.apiUrl, ctx.settings.FLOWDECK_API_KEY);
  return new FolderResultStorage('server', serverResultsFolder(ctx.home));
}
