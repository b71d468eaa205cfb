// A deployment's code: its flow file and every local file it imports, found by esbuild's resolver
// (so `./util.js` finds util.ts as a flow file run by `flowdeck run` would), packages left out.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import type { Bundle } from '../../core/api/bundles.js';
import { bundleHash } from '../../server/bundles/bundle-hash.js';
import { UsageError } from '../errors.js';

export interface BuiltBundle {
  hash: string;
  bundle: Bundle;
}

/** Imports of anything that is not a relative or absolute path are packages: not part of the bundle. */
const packagesOutside: Plugin = {
  name: 'flowdeck-packages-outside',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('.') || args.path.startsWith('/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** `root`-relative with '/' separators, or null when the file is outside `root`. */
function insideRoot(root: string, file: string): string | null {
  const rel = relative(root, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/** The local files `entry` imports, transitively, with who imports each (absolute paths). */
async function localImports(entry: string, root: string): Promise<Map<string, string | null>> {
  const { build } = await import('esbuild');
  let metafile: Metafile;
  try {
    ({ metafile } = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      outdir: 'out',
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      plugins: [packagesOutside],
    }));
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    if (!Array.isArray(errors)) throw error;
    const lines = errors.map((e) => (e.location ? `${resolve(root, e.location.file)}:${e.location.line}: ${e.text}` : e.text));
    throw new UsageError(`cannot gather the files ${entry} imports:\n  ${lines.join('\n  ')}`);
  }
  const importedBy = new Map<string, string | null>();
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    const from = resolve(root, input);
    if (!importedBy.has(from)) importedBy.set(from, null);
    for (const imported of imports) {
      if (imported.external) continue;
      const path = resolve(root, imported.path);
      if (importedBy.get(path) == null) importedBy.set(path, from);
    }
  }
  importedBy.set(resolve(entry), null);
  return importedBy;
}

/**
 * The bundle of a flow file: it and its local imports, at paths relative to `root`, and its hash.
 * The same files give the same bundle and hash, whatever the order they were found in.
 */
export async function buildBundle(entry: string, root: string): Promise<BuiltBundle> {
  const files = await localImports(entry, root);
  const outside = [...files].filter(([file]) => insideRoot(root, file) === null);
  if (outside.length > 0) {
    // The import that crosses the root's edge, not one made further out.
    const [file, importer] = outside.find(([, by]) => by === null || insideRoot(root, by) !== null) ?? outside[0];
    throw new UsageError(
      `${importer ?? entry} imports ${file}, which is outside the project root ${root}; ` +
        'a deployment carries only files inside its project: move the file into the project, or make it a package',
    );
  }
  const bundled: Bundle['files'] = [...files.keys()].map((file) => ({
    path: insideRoot(root, file)!,
    content: readFileSync(file).toString('base64'),
  }));
  bundled.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const bundle: Bundle = { files: bundled };
  return { hash: bundleHash(bundle), bundle };
}
