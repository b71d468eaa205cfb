import type { BlockTypeInfo } from '../../core/api/blocks.js';
import { parseBlockAddress } from '../../core/blocks/index.js';
import { UsageError } from '../errors.js';
import type { BlocksSource } from './blocks-source.js';
import { promptBlockData } from './prompt-block-data.js';
import { readAllStdin, stdinIsTerminal } from './terminal-input.js';

/** `TYPE/NAME` from the command line, or a usage error saying what is wrong with it. */
export function blockAddress(text: string): { type: string; name: string } {
  const parsed = parseBlockAddress(text);
  if ('problem' in parsed) throw new UsageError(parsed.problem);
  return parsed;
}

function parseDocument(text: string, from: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${from} must be a JSON object: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${from} must be a JSON object of the block's fields`);
  return value as Record<string, unknown>;
}

/**
 * The block's document: `--data JSON`, `--data -` (JSON from stdin, so no secret is on the
 * command line), or asked field by field when a person is at the terminal.
 */
export async function blockData(given: string | undefined, type: string, source: BlocksSource): Promise<Record<string, unknown>> {
  if (given === '-') return parseDocument(await readAllStdin(), 'the data on stdin');
  if (given !== undefined) return parseDocument(given, '--data');
  if (!stdinIsTerminal()) {
    throw new UsageError(
      `give the block's fields with --data JSON, or --data - to read them from stdin; 'flowdeck block type ls' shows each type's fields`,
    );
  }
  const info: BlockTypeInfo | undefined = (await source.listTypes()).find((t) => t.slug === type);
  if (!info) throw new UsageError(`no block type '${type}'`);
  return promptBlockData(info);
}
