import { type ApiClient, type BlockRead, type BlockTypeInfo } from '../../core/api/index.js';
import type { BlocksSource } from './blocks-source.js';
import { orNull, refusalsAsUsage as refusals } from '../remote-answers.js';

/** What the server says of a bad block; a 404 is an unknown block, answered as none. */
const BLOCK_REFUSALS = [400, 409, 422];

function refusalsAsUsage<T>(request: Promise<T>): Promise<T> {
  return refusals(request, BLOCK_REFUSALS);
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
    return orNull(refusalsAsUsage(this.api.getBlock({ params: { type, name } })));
  }

  create(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    return refusalsAsUsage(this.api.createBlock({ body: { type, name, data } }));
  }

  save(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead> {
    return refusalsAsUsage(this.api.saveBlock({ params: { type, name }, body: { data } }));
  }

  async delete(type: string, name: string): Promise<boolean> {
    return (await orNull(refusalsAsUsage(this.api.deleteBlock({ params: { type, name } }).then(() => true)))) ?? false;
  }
}
