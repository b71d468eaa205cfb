/**
 * A block as the store keeps it: its plain fields, and each secret field as the sealed text the
 * server's cipher made of it. The store never sees a secret in the clear.
 */
export interface StoredBlock {
  id: string;
  type: string;
  name: string;
  /** The fields that are not secret. */
  data: Record<string, unknown>;
  /** Each secret field that holds a value, sealed (see app/server/blocks/secret-cipher.ts). */
  sealed: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** When the block was last loaded with its secrets, and by which flow run (null: outside one); null if never. */
  lastLoad: BlockLoad | null;
}

export interface BlockLoad {
  flowRunId: string | null;
  at: number;
}

export interface BlockContent {
  data: Record<string, unknown>;
  sealed: Record<string, string>;
}

/** Blocks: configuration and credentials kept on the server, by type and name. */
export interface BlockStore {
  /** Every block, or those of one type, by type then name. */
  listBlocks(type?: string): Promise<StoredBlock[]>;
  getBlock(type: string, name: string): Promise<StoredBlock | null>;
  /** A new block; a CONFLICT StoreError when one of that type and name exists. */
  insertBlock(type: string, name: string, content: BlockContent): Promise<StoredBlock>;
  /** Replaces a block's content; null when there is none of that type and name. */
  replaceBlock(type: string, name: string, content: BlockContent): Promise<StoredBlock | null>;
  deleteBlock(type: string, name: string): Promise<boolean>;
  /** Notes that a flow run (or code outside one: null) loaded the block now; false when there is no such block. */
  recordBlockLoad(type: string, name: string, flowRunId: string | null): Promise<boolean>;
}
