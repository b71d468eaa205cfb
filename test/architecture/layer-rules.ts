import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Which layers each layer may import, as DESIGN.md's table says. */
export const ALLOWED_LAYER_IMPORTS: Record<string, readonly string[]> = {
  core: [],
  engine: ['core'],
  server: ['core'],
  cli: ['core', 'engine', 'server'],
  main: ['core', 'server'],
  preload: ['core'],
  renderer: ['core'],
};

/** Layers that run in a browser (or are shared with one) and so may not use Node's built-ins. */
const BROWSER_SAFE_LAYERS = new Set(['core', 'renderer', 'preload']);

export interface ImportViolation {
  file: string;
  specifier: string;
  reason: string;
}

const IMPORT_PATTERN =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT_PATTERN)) found.push(match[1] ?? match[2] ?? match[3]);
  return found;
}

function layerOf(appDir: string, path: string): string | null {
  const rel = relative(appDir, path);
  if (rel.startsWith('..')) return null;
  return rel.split(sep)[0] ?? null;
}

/** Checks one file's imports against the layer rules. */
export function checkFile(appDir: string, file: string, source: string): ImportViolation[] {
  const layer = layerOf(appDir, file);
  if (!layer || !(layer in ALLOWED_LAYER_IMPORTS)) {
    return [{ file, specifier: '', reason: `'${layer}' is not a layer DESIGN.md names` }];
  }
  const violations: ImportViolation[] = [];
  for (const specifier of importsOf(source)) {
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      const targetLayer = layerOf(appDir, target);
      if (targetLayer === null) {
        violations.push({ file, specifier, reason: 'reaches outside app/' });
      } else if (targetLayer !== layer && !ALLOWED_LAYER_IMPORTS[layer].includes(targetLayer)) {
        violations.push({ file, specifier, reason: `${layer} may not import ${targetLayer}` });
      }
    } else if (BROWSER_SAFE_LAYERS.has(layer) && (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier))) {
      violations.push({ file, specifier, reason: `${layer} must stay usable in a browser, so no Node built-ins` });
    }
  }
  return violations;
}

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'child_process', 'crypto', 'worker_threads', 'url', 'util', 'events', 'net', 'http']);

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

export function checkTree(appDir: string): ImportViolation[] {
  return sourceFiles(appDir).flatMap((file) => checkFile(appDir, file, readFileSync(file, 'utf8')));
}
