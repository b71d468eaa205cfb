import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleSchema, type Bundle } from '../../core/api/bundles.js';
import { BundleHashSchema } from '../../core/api/deployments.js';
import { createFileAtomic } from '../files/atomic-file.js';
import { bundleHash } from './bundle-hash.js';

/** A bundle that cannot be stored or read as asked; its message says why. */
export class BundleError extends Error {
  constructor(
    message: string,
    readonly code: 'HASH_MISMATCH' | 'INVALID' | 'NOT_FOUND',
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

/** What a stored bundle holds. */
export interface StoredBundle {
  hash: string;
  files: number;
  /** The decoded size of its files together. */
  bytes: number;
}

const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function checkedHash(hash: string): string {
  if (!BundleHashSchema.safeParse(hash).success) {
    throw new BundleError(`'${hash}' is not a bundle hash: it must be a SHA-256 in lowercase hex (64 characters)`, 'INVALID');
  }
  return hash;
}

function describe(hash: string, bundle: Bundle): StoredBundle {
  const bytes = bundle.files.reduce((sum, file) => sum + Buffer.byteLength(file.content, 'base64'), 0);
  return { hash, files: bundle.files.length, bytes };
}

/**
 * Deployments' code, one file per bundle named after its hash (`<folder>/<hash>.json`). A bundle
 * is stored only under its own hash, so what is read back at a hash is what that hash names.
 */
export class BundleStore {
  constructor(readonly folder: string) {}

  private pathOf(hash: string): string {
    return join(this.folder, `${checkedHash(hash)}.json`);
  }

  /** Stores the bundle at `hash` unless it is there already; refuses a bundle whose hash is another. */
  put(hash: string, bundle: Bundle): StoredBundle {
    const path = this.pathOf(hash);
    for (const file of bundle.files) {
      if (!CANONICAL_BASE64.test(file.content)) {
        throw new BundleError(`the content of the bundle file '${file.path}' is not base64`, 'INVALID');
      }
    }
    let actual: string;
    try {
      actual = bundleHash(bundle);
    } catch (error) {
      throw new BundleError((error as Error).message, 'INVALID');
    }
    if (actual !== hash) {
      throw new BundleError(`the bundle's content has the hash ${actual}, not ${hash}; it was not stored`, 'HASH_MISMATCH');
    }
    // The same hash is the same content: a bundle already there is left as it is.
    createFileAtomic(path, JSON.stringify({ files: bundle.files }));
    return describe(hash, bundle);
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  /** The bundle at `hash`, or undefined when none is stored there. */
  get(hash: string): Bundle | undefined {
    const path = this.pathOf(hash);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return BundleSchema.parse(JSON.parse(text));
  }
}

/** The folder of the local bundle store under a Flowdeck home. */
export function localBundleFolder(flowdeckHome: string): string {
  return join(flowdeckHome, 'storage', 'bundles');
}
