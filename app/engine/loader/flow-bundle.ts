/**
 * A flow file and the local files it imports, compiled by esbuild into one ES module that Node
 * imports as it is, with no module hooks. Packages stay outside the bundle: each import of one is
 * resolved from the importing file's folder (as Node would) and written as that file's URL, so a
 * package is the same module it would be without the bundle; `flowdeck` and `flowdeck/tasks`
 * become this engine's own modules.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { enginePackages, packageFallbacks } from './register.js';

export interface FlowBundle {
  /** The module's code, with its source map inline. */
  code: string;
  /** Every local file compiled into it, the flow file first. */
  inputs: string[];
}

const BUILTINS = new Set(builtinModules);

/**
 * Code that finds other files from where it sits at run time: `import.meta.resolve`, or `import()`
 * of a path that is not a plain string. Bundled, it would look beside the cache entry instead of
 * beside its own file, so such a file is loaded through the module hooks, where it is itself.
 */
const FINDS_FILES_AT_RUN_TIME = /\bimport\.meta\.resolve\b|\bimport\s*\(\s*(?!(['"])[^'"]*\1\s*[,)]|`[^`$]*`\s*[,)])/;
const LOCAL_SOURCE = /\.(m?[jt]sx?|cts|cjs)$/;

/** Local files know where they are: import.meta names the file itself, not the bundle. */
function withOwnImportMeta(source: string, path: string): string {
  if (!source.includes('import.meta')) return source;
  return source
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(path).href))
    .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(path))
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(path)));
}

/**
 * Compiles `path` into one module to be written at `outfile` (source map paths are relative to
 * it). Null when the file imports a package that cannot be resolved from its folder (Node's own
 * resolution through the module hooks then loads it and reports what is missing), or when a local
 * file finds files at run time (see FINDS_FILES_AT_RUN_TIME). A file that does
 * not compile throws esbuild's failure, with every error's location.
 */
export async function bundleFlowFile(path: string, outfile: string): Promise<FlowBundle | null> {
  const { build } = await import('esbuild');
  const packages = enginePackages();
  const fallbacks = packageFallbacks();
  // Set when the bundle cannot stand for the file: Node's own loading, through the hooks, then does.
  let unresolved = false;
  const plugin: Plugin = {
    name: 'flowdeck-flow-file',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'plain') return undefined;
        const own = packages[args.path];
        if (own) return { path: own, external: true };
        if (args.path.startsWith('node:') || BUILTINS.has(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith('.') || args.path.startsWith('/')) return undefined;
        const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'plain' });
        if (found.errors.length === 0 && found.path) return { path: pathToFileURL(found.path).href, external: true };
        const fallback = fallbacks[args.path];
        if (fallback) return { path: fallback, external: true };
        unresolved = true;
        return { path: args.path, external: true };
      });
      b.onLoad({ filter: LOCAL_SOURCE }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const loader = /x$/.test(args.path) ? (args.path.endsWith('tsx') ? 'tsx' : 'jsx') : /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js';
        const source = readFileSync(args.path, 'utf8');
        if (FINDS_FILES_AT_RUN_TIME.test(source)) unresolved = true;
        return { contents: withOwnImportMeta(source, args.path), loader };
      });
    },
  };
  const result = await build({
    entryPoints: [path],
    absWorkingDir: dirname(path),
    outfile,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node's conditions for an import: no bundler-only `module` condition.
    conditions: [],
    sourcemap: 'inline',
    // Stack traces need the mappings only; the sources are on disk beside them.
    sourcesContent: false,
    jsx: 'automatic',
    logLevel: 'silent',
    plugins: [plugin],
  });
  if (unresolved) return null;
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(dirname(path), input));
  inputs.sort((a, b) => (a === path ? -1 : b === path ? 1 : 0));
  return { code: result.outputFiles[0].text, inputs };
}
