/**
 * Imports a flow file from anywhere on disk. The file and its local imports are compiled once
 * into a module cached under FLOWDECK_HOME, which Node then imports directly; only a file whose
 * packages the bundle cannot resolve goes through the module hooks on Node's loader thread.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { bundleFlowFile } from './flow-bundle.js';
import { flowCacheKey, flowCachePath, isCachedBundleFresh, writeCachedBundle } from './flow-cache.js';
import { enginePackages, registerFlowLoader } from './register.js';

/** Files the bundle compiles; anything else (`.cjs`, `.json`) is imported as Node would. */
const BUNDLED = /\.(m?ts|tsx|m?js|jsx)$/;

export interface ImportedFlowFile {
  exports: Record<string, unknown>;
  /** How the file was loaded, for whoever measures start-up. */
  via: 'cache' | 'bundle' | 'hooks';
  /** The compiled module Node imported, when it was compiled into one. */
  module?: string;
}

/** What the cached module was compiled against: this engine, wherever it is installed. */
const COMPILED_AGAINST = enginePackages().flowdeck;

/**
 * Imports `path` (absolute). A file that does not compile throws esbuild's failure, whose errors
 * name their files; anything the flow code throws while loading is thrown as it is.
 */
export async function importFlowFile(path: string, home: string): Promise<ImportedFlowFile> {
  if (!BUNDLED.test(path)) return { exports: await importWithHooks(path), via: 'hooks' };
  // Stack traces of flow code point into the flow files, not into the compiled module.
  process.setSourceMapsEnabled(true);
  const entry = flowCachePath(home, flowCacheKey(path, readFileSync(path, 'utf8'), COMPILED_AGAINST));
  if (isCachedBundleFresh(entry)) {
    try {
      return { exports: (await import(pathToFileURL(entry).href)) as Record<string, unknown>, via: 'cache', module: entry };
    } catch (error) {
      // A package the entry names by its file was moved or removed since (an upgrade, a reinstall):
      // nothing of the module ran, so compile again against what is installed now.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
      return compileAndImport(path, entry, '?recompiled');
    }
  }
  return compileAndImport(path, entry, '');
}

/** `query` makes the module's URL new when an import of the same entry has already failed. */
async function compileAndImport(path: string, entry: string, query: string): Promise<ImportedFlowFile> {
  const bundle = await bundleFlowFile(path, entry);
  if (!bundle) return { exports: await importWithHooks(path), via: 'hooks' };
  try {
    writeCachedBundle(entry, bundle);
  } catch {
    // A full disk or a read-only FLOWDECK_HOME costs only speed: the hooks compile in memory.
    return { exports: await importWithHooks(path), via: 'hooks' };
  }
  return { exports: (await import(`${pathToFileURL(entry).href}${query}`)) as Record<string, unknown>, via: 'bundle', module: entry };
}

async function importWithHooks(path: string): Promise<Record<string, unknown>> {
  registerFlowLoader();
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
