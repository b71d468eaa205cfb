/**
 * Module hooks that let Node run flow files as they are: TypeScript is transpiled with esbuild,
 * `flowdeck` and `flowdeck/tasks` resolve to this engine wherever the file lives, and every other
 * import resolves from the file's own folder, as Node does. Runs on Node's loader thread.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

interface HookData {
  packages: Record<string, string>;
  /** Packages Flowdeck ships, used when the flow's own folder does not have them. */
  fallbacks: Record<string, string>;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string }>;
type NextLoad = (url: string, context?: unknown) => Promise<{ format: string; source?: string | Buffer; shortCircuit?: boolean }>;

let packages: Record<string, string> = {};
let fallbacks: Record<string, string> = {};

export function initialize(data: HookData): void {
  packages = data.packages;
  fallbacks = data.fallbacks;
}

const TS_FILE = /\.(m?ts|tsx)$/;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve) {
  const own = packages[specifier];
  if (own) return { url: own, shortCircuit: true };
  try {
    return await next(specifier, context);
  } catch (error) {
    // TypeScript lets `./util.js` name `./util.ts` and allows leaving the extension off.
    const fallback = fallbacks[specifier];
    if (fallback) return { url: fallback, shortCircuit: true };
    const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    const fromTs = context.parentURL !== undefined && TS_FILE.test(context.parentURL);
    if (!relative || !fromTs) throw error;
    const candidates = /\.js$/.test(specifier)
      ? [specifier.replace(/\.js$/, '.ts'), specifier.replace(/\.js$/, '.tsx')]
      : /\.mjs$/.test(specifier)
        ? [specifier.replace(/\.mjs$/, '.mts')]
        : [`${specifier}.ts`, `${specifier}/index.ts`, `${specifier}.js`];
    for (const candidate of candidates) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
}

export async function load(url: string, context: unknown, next: NextLoad) {
  if (!url.startsWith('file:') || !TS_FILE.test(url)) return next(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const result = await transform(source, {
    loader: url.endsWith('x') ? 'tsx' : 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: path,
    jsx: 'automatic',
  });
  return { format: 'module', source: result.code, shortCircuit: true };
}
