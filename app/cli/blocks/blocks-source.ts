import type { BlockRead, BlockTypeInfo } from '../../core/api/blocks.js';

/**
 * Where the block and secret commands work: the local database (secret fields sealed with this
 * machine's key), or a Flowdeck server over its API. Both hand out blocks as the API shows them,
 * secret fields masked, so every command prints the same either way. Bad input is a UsageError.
 */
export interface BlocksSource {
  listTypes(): Promise<BlockTypeInfo[]>;
  list(type?: string): Promise<BlockRead[]>;
  read(type: string, name: string): Promise<BlockRead | null>;
  create(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead>;
  /** Creates or replaces; a secret field left out or `********` keeps its value. */
  save(type: string, name: string, data: Record<string, unknown>): Promise<BlockRead>;
  delete(type: string, name: string): Promise<boolean>;
}
