import { BlockReadSchema, type BlockRead, type BlockTypeInfo } from '../../core/api/blocks.js';
import { blockTypeInfos } from '../../core/blocks/index.js';
import { BlockError } from '../../server/blocks/block-error.js';
import type { Blocks } from '../../server/blocks/blocks.js';
import { EncryptionKeyError } from '../../server/blocks/encryption-key.js';
import { StoreError } from '../../server/store/store-error.js';
import { UsageError } from '../errors.js';
import type { BlocksSource } from './blocks-source.js';

/** The refusals of bad input (and of a key that cannot be used), said as a server says them. */
async function refusalsAsUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BlockError || error instanceof EncryptionKeyError) throw new UsageError(error.message);
    if (error instanceof StoreError && error.code === 'CONFLICT') throw new UsageError(error.message);
    throw error;
  }
}

// Parsed through the API's schema so `--json` prints the same text locally and against a server.
const asRead = (block: BlockRead): BlockRead => BlockReadSchema.parse(block);

/** Blocks in the local database, their secret fields sealed with the key of this FLOWDECK_HOME or setting. */
export class LocalBlocksSource implements BlocksSource {
  constructor(private readonly blocks: Blocks) {}

  async listTypes(): Promise<BlockTypeInfo[]> {
    return blockTypeInfos();
  }

  list(type?: string): Promise<BlockRead[]> {
    return refusalsAsUsage(async () => (await this.blocks.list(type)).map(asRead));
  }

  read(type: string, name: string): Promise<BlockRead | null> {
    return refusalsAsUsage(async () => {
      const block = await this.blocks.read(type, name);
      return block && asRead(block);
    });
  }

  create(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    return refusalsAsUsage(async () => asRead(await this.blocks.create(type, name, data)));
  }

  save(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    return refusalsAsUsage(async () => asRead(await this.blocks.save(type, name, data)));
  }

  delete(type: string, name: string): Promise<boolean> {
    return refusalsAsUsage(() => this.blocks.delete(type, name));
  }
}
