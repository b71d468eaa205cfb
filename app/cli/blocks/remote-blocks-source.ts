import { ApiError, type ApiClient, type BlockRead, type BlockTypeInfo } from '../../core/api/index.js';
import { UsageError } from '../errors.js';
import type { BlocksSource } from './blocks-source.js';

function isStatus(error: unknown, ...statuses: number[]): error is ApiError {
  return error instanceof ApiError && statuses.includes(error.status);
}

/** The server's refusal of bad input, said as the local database says it. */
async function refusalsAsUsage<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (isStatus(error, 400, 409, 422)) throw new UsageError(error.message);
    throw error;
  }
}

/** The answer, or null when the server says there is no such block. */
async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await refusalsAsUsage(request);
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}

/** Blocks on a Flowdeck server, through its REST API. */
export class RemoteBlocksSource implements BlocksSource {
  constructor(private readonly api: ApiClient) {}

  listTypes(): Promise<BlockTypeInfo[]> {
    return this.api.listBlockTypes();
  }

  list(type?: string): Promise<BlockRead[]> {
    return refusalsAsUsage(this.api.listBlocks({ query: type === undefined ? {} : { type } }));
  }

  read(type: string, name: string): Promise<BlockRead | null> {
    return orNull(this.api.getBlock({ params: { type, name } }));
  }

  create(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    return refusalsAsUsage(this.api.createBlock({ body: { type, name, data } }));
  }

  save(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    return refusalsAsUsage(this.api.saveBlock({ params: { type, name }, body: { data } }));
  }

  async delete(type: string, name: string): Promise<boolean> {
    return (await orNull(this.api.deleteBlock({ params: { type, name } }).then(() => true))) ?? false;
  }
}
