import type { LoadedBlock } from '../../core/api/blocks.js';
import { secretStrings } from '../../core/blocks/secret-strings.js';
import { currentFlowRun } from '../context.js';
import { engineSettings } from '../runtime.js';
import { registerSecretValues } from './secret-masks.js';

/** `TYPE/NAME` taken apart, or an error saying how to write it. */
function address(text: string): { type: string; name: string } {
  const parts = text.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new Error(`loadBlock('${text}'): give the block as 'TYPE/NAME', such as 'sql-connection/warehouse'`);
  return { type: parts[0], name: parts[1] };
}

/** The block, its secrets registered to be masked in what this process's runs record and print. */
export async function loadBlockDocument(text: string): Promise<LoadedBlock> {
  const { type, name } = address(text);
  const source = engineSettings().blocks;
  if (!source) throw new Error(`loadBlock('${text}'): no block store is configured; run flow files with \`flowdeck run FILE\``);
  const block = await source.load(type, name, currentFlowRun()?.flowRunId ?? null);
  registerSecretValues(secretStrings(block.secretFields, block.data));
  return block;
}

/**
 * A block's fields, secret ones in the clear: `await loadBlock('sql-connection/warehouse')`.
 * Its secret values are masked in the logs, errors, inputs and results this process records.
 */
export async function loadBlock<T extends Record<string, unknown> = Record<string, unknown>>(typeAndName: string): Promise<T> {
  return (await loadBlockDocument(typeAndName)).data as T;
}
