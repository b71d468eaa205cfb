import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * The Flowdeck package folder: the nearest folder above this module whose package.json is
 * Flowdeck's. Climbing works the same from the sources (tests) and from dist/ (the built app).
 */
export function packageRoot(): string {
  if (cached !== null) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'flowdeck') return (cached = dir);
      } catch {
        // Not a manifest we can read, so not ours: keep climbing.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no Flowdeck package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The `flowdeck` command of this installation, run with `process.execPath`. */
export function flowdeckCliPath(): string {
  return join(packageRoot(), 'bin', 'flowdeck.js');
}

/** The example flows that serve as templates. */
export function examplesDir(): string {
  return join(packageRoot(), 'resources', 'examples');
}
