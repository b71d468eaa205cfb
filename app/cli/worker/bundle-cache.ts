import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiClient } from '../../core/api/client.js';
import type { Bundle } from '../../core/api/bundles.js';
import { newId } from '../../core/ids.js';
import { bundleHash } from '../../server/bundles/bundle-hash.js';

/** The file a bundle's folder gets last: its presence says every other file is complete. */
const COMPLETE_MARKER = '.flowdeck-bundle';

/** A fetched bundle whose content is not what its hash names: refused, never run. */
export class BundleMismatchError extends Error {
  constructor(expected: string, actual: string) {
    super(`the code fetched for bundle ${expected} has the hash ${actual}; it was not run`);
    this.name = 'BundleMismatchError';
  }
}

/**
 * The folder a bundle is written to under `root`. Node resolves the packages a flow imports from
 * the flow file's folder upward, so a bundle under a job template's working folder finds that
 * folder's node_modules.
 */
export function bundleFolder(root: string, hash: string): string {
  return join(root, '.flowdeck', 'bundles', hash);
}

/**
 * Deployments' code on this machine: each bundle fetched from the server once, checked against its
 * hash, and written whole to its own folder (through a temporary folder and a rename, so a folder
 * that exists is complete and two workers on one machine never see half of one).
 */
export class BundleCache {
  /** Fetches in flight, so runs of one deployment claimed together fetch its code once. */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly client: ApiClient) {}

  /** The folder holding bundle `hash` under `root`, fetched and written first when it is not there. */
  folder(root: string, hash: string): Promise<string> {
    const folder = bundleFolder(root, hash);
    if (existsSync(join(folder, COMPLETE_MARKER))) return Promise.resolve(folder);
    let pending = this.pending.get(folder);
    if (!pending) {
      pending = this.fetchInto(folder, hash).finally(() => this.pending.delete(folder));
      this.pending.set(folder, pending);
    }
    return pending;
  }

  private async fetchInto(folder: string, hash: string): Promise<string> {
    const bundle = await this.client.getBundle({ params: { hash } });
    const actual = bundleHash(bundle);
    if (actual !== hash) throw new BundleMismatchError(hash, actual);
    const temporary = `${folder}.${newId()}.tmp`;
    try {
      writeBundle(temporary, bundle);
      mkdirSync(dirname(folder), { recursive: true });
      try {
        renameSync(temporary, folder);
      } catch (error) {
        // Another worker wrote the same bundle first: its folder is as good as ours.
        if (!existsSync(join(folder, COMPLETE_MARKER))) throw error;
      }
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
    return folder;
  }
}

function writeBundle(folder: string, bundle: Bundle): void {
  for (const file of bundle.files) {
    // The contract's paths are relative with no '.' or '..' parts, so each lands inside `folder`.
    const path = join(folder, ...file.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(file.content, 'base64'));
  }
  writeFileSync(join(folder, COMPLETE_MARKER), '');
}
