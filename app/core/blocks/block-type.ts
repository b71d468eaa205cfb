import type { z } from 'zod';

/**
 * One kind of block: what it is called, what it holds (a zod object schema, from which the API
 * checks documents and the CLI and web UI build their forms), and which of its fields are secret
 * (encrypted at rest, never shown, masked in the logs of runs that load them).
 */
export interface BlockType {
  /** The name in `TYPE/NAME`, e.g. `sql-connection`. */
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly schema: z.ZodObject;
  /** Top-level fields whose values are secret: a string, or an object of strings (each value secret). */
  readonly secretFields: readonly string[];
}

export function blockType(entry: BlockType): BlockType {
  return entry;
}
