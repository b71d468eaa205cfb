import type { BlockRead, LoadedBlock } from '../../core/api/blocks.js';
import { findBlockType, maskBlockData, SECRET_PLACEHOLDER, unknownBlockTypeMessage, type BlockType } from '../../core/blocks/index.js';
import type { BlockContent, BlockStore, StoredBlock } from '../store/block-store.js';
import { BlockError } from './block-error.js';
import type { EncryptionKeySource } from './encryption-key.js';
import { SecretCipher, SecretUnsealError } from './secret-cipher.js';

function typeOf(slug: string): BlockType {
  const type = findBlockType(slug);
  if (!type) throw new BlockError(`type: ${unknownBlockTypeMessage(slug)}`, 'UNKNOWN_TYPE');
  return type;
}

function readOf(type: BlockType, block: StoredBlock): BlockRead {
  const secretFieldsSet = type.secretFields.filter((field) => block.sealed[field] !== undefined);
  const shown = maskBlockData(type, { ...block.data, ...Object.fromEntries(secretFieldsSet.map((field) => [field, SECRET_PLACEHOLDER])) });
  return {
    id: block.id,
    type: block.type,
    name: block.name,
    data: shown,
    secretFields: [...type.secretFields],
    secretFieldsSet,
    createdAt: block.createdAt,
    updatedAt: block.updatedAt,
    lastLoadedAt: block.lastLoad?.at ?? null,
    lastLoadedBy: block.lastLoad?.flowRunId ?? null,
  };
}

/** A secret field as sent, with each `********` in it replaced by what is stored; undefined when it keeps all of it. */
function keptOrGiven(given: unknown, stored: unknown, path: string): unknown {
  if (given === undefined || given === SECRET_PLACEHOLDER) {
    if (given === SECRET_PLACEHOLDER && stored === undefined) {
      throw new BlockError(`${path}: '${SECRET_PLACEHOLDER}' keeps a stored value, and there is none; give the value`, 'INVALID');
    }
    return stored;
  }
  if (given !== null && typeof given === 'object' && !Array.isArray(given)) {
    // An object of secrets (a webhook's headers): each `********` keeps that entry's value.
    const storedEntries = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
    return Object.fromEntries(
      Object.entries(given as Record<string, unknown>).map(([key, value]) => [key, keptOrGiven(value, storedEntries[key], `${path}.${key}`)]),
    );
  }
  return given;
}

/** Documents nest no deeper than this: checking a deeper one would exhaust the stack. */
const MAX_DEPTH = 64;

function deeperThan(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth === 0) return true;
  return Object.values(value).some((item) => deeperThan(item, depth - 1));
}

/**
 * Blocks as people and flows use them: documents checked against their type's schema, secret
 * fields sealed before they reach the store and shown as `********` on every read, opened only
 * by `load`, which the server answers for a running flow run alone.
 */
export class Blocks {
  constructor(
    private readonly store: BlockStore,
    private readonly key: EncryptionKeySource,
  ) {}

  private cipher(): SecretCipher {
    return new SecretCipher(this.key.get());
  }

  async list(type?: string): Promise<BlockRead[]> {
    if (type !== undefined) typeOf(type);
    const blocks = await this.store.listBlocks(type);
    return blocks.flatMap((block) => {
      const known = findBlockType(block.type);
      return known ? [readOf(known, block)] : [];
    });
  }

  async read(slug: string, name: string): Promise<BlockRead | null> {
    const type = typeOf(slug);
    const block = await this.store.getBlock(slug, name);
    return block ? readOf(type, block) : null;
  }

  /** A new block; CONFLICT from the store when one of that type and name exists. */
  async create(slug: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    const type = typeOf(slug);
    const content = this.contentOf(type, name, data, null);
    return readOf(type, await this.store.insertBlock(slug, name, content));
  }

  /** Creates the block or replaces its document; secret fields left out or `********` keep their values. */
  async save(slug: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    const type = typeOf(slug);
    const stored = await this.store.getBlock(slug, name);
    const content = this.contentOf(type, name, data, stored);
    const saved = stored ? await this.store.replaceBlock(slug, name, content) : null;
    return readOf(type, saved ?? (await this.store.insertBlock(slug, name, content)));
  }

  async delete(slug: string, name: string): Promise<boolean> {
    typeOf(slug);
    return this.store.deleteBlock(slug, name);
  }

  /**
   * The block with its secret fields opened: for a flow run to use, never to show. The load is
   * recorded against the run (null: code outside a run), so people can see who read the secrets.
   */
  async load(slug: string, name: string, loadedBy: string | null): Promise<LoadedBlock> {
    const type = typeOf(slug);
    const block = await this.store.getBlock(slug, name);
    if (!block) throw new BlockError(`no block ${slug}/${name}`, 'NOT_FOUND');
    const data = { ...block.data, ...this.openSealed(block) };
    await this.store.recordBlockLoad(slug, name, loadedBy);
    return { type: slug, name, data, secretFields: [...type.secretFields] };
  }

  private openSealed(block: StoredBlock): Record<string, unknown> {
    const cipher = this.cipher();
    const opened: Record<string, unknown> = {};
    for (const [field, sealed] of Object.entries(block.sealed)) {
      try {
        opened[field] = JSON.parse(cipher.open(sealed, `${block.type}/${block.name}/${field}`)) as unknown;
      } catch (error) {
        if (!(error instanceof SecretUnsealError)) throw error;
        throw new BlockError(
          `block ${block.type}/${block.name}: its secret field '${field}' cannot be decrypted with the key from ${this.key.origin} (${error.message}); ` +
            'use the key it was saved with, or save the block again',
          'CANNOT_DECRYPT',
        );
      }
    }
    return opened;
  }

  /** The document checked against its type, its secret fields sealed apart from the rest. */
  private contentOf(type: BlockType, name: string, given: Record<string, unknown>, stored: StoredBlock | null): BlockContent {
    if (deeperThan(given, MAX_DEPTH)) throw new BlockError(`data: nests deeper than ${MAX_DEPTH} levels`, 'INVALID');
    const merged: Record<string, unknown> = { ...given };
    const previous = stored ? this.openSealed(stored) : {};
    for (const field of type.secretFields) {
      const value = keptOrGiven(given[field], previous[field], `data.${field}`);
      if (value === undefined) delete merged[field];
      else merged[field] = value;
    }
    const checked = type.schema.safeParse(merged);
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => ({
        path: ['data', ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))],
        message: issue.message,
      }));
      const shown = issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new BlockError(`${type.slug}/${name}: ${shown.join('; ')}`, 'INVALID', issues);
    }
    const document = checked.data;
    const data: Record<string, unknown> = {};
    const sealed: Record<string, string> = {};
    const cipher = type.secretFields.length > 0 ? this.cipher() : null;
    for (const [field, value] of Object.entries(document)) {
      if (value === undefined) continue;
      if (cipher && type.secretFields.includes(field)) sealed[field] = cipher.seal(JSON.stringify(value), `${type.slug}/${name}/${field}`);
      else data[field] = value;
    }
    return { data, sealed };
  }
}
