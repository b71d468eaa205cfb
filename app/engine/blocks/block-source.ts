import type { LoadedBlock } from '../../core/api/blocks.js';

/**
 * Where `loadBlock` and `Secret.load` get a block with its secrets in the clear: the local
 * database and this machine's key, or the server the run reports to (which answers only for a
 * flow run that is Running). Set by whoever starts flows (the CLI) through configureEngine.
 */
export interface BlockSource {
  load(type: string, name: string, flowRunId: string | null): Promise<LoadedBlock>;
}
