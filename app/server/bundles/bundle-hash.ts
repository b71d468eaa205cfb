import { createHash } from 'node:crypto';
import type { Bundle } from '../../core/api/bundles.js';

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A bundle's address: SHA-256 hex over its files sorted by path, each contributing
 * `${path}\t${sha256 hex of its bytes}\n`. The same files give the same hash whatever their order
 * in the bundle or how their base64 was written. Two files at one path have no single meaning, so
 * such a bundle has no hash.
 */
export function bundleHash(bundle: Bundle): string {
  // Code-unit order, not the locale's: every machine must sort the same way.
  const files = [...bundle.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash('sha256');
  for (let i = 0; i < files.length; i += 1) {
    const file = files[i];
    if (i > 0 && files[i - 1].path === file.path) throw new Error(`the bundle has the file '${file.path}' twice`);
    hash.update(`${file.path}\t${sha256Hex(Buffer.from(file.content, 'base64'))}\n`);
  }
  return hash.digest('hex');
}
