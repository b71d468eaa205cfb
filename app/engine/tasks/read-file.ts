import { readFile as readFromDisk } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ReadFileInput, type FileEncoding } from '../../core/task-inputs.js';
import { task } from '../task.js';

export type ReadEncoding = FileEncoding;

export interface ReadFileOptions {
  /** Relative to the flow process's working folder. */
  path: string;
  /** 'utf8' (text, the default), 'json' (parsed) or 'base64' (bytes as base64 text). */
  encoding?: ReadEncoding;
}

/** Reads a whole file: as text, as parsed JSON, or as base64. */
export const readFile = task({ name: 'read-file' }, async (options: ReadFileOptions): Promise<unknown> => {
  if (typeof options?.path !== 'string' || options.path === '') throw new TypeError('readFile needs { path }');
  const encoding = options.encoding ?? ReadFileInput.shape.encoding.def.defaultValue;
  const path = resolve(options.path);
  switch (encoding) {
    case 'utf8':
      return readFromDisk(path, 'utf8');
    case 'base64':
      return (await readFromDisk(path)).toString('base64');
    case 'json': {
      const text = await readFromDisk(path, 'utf8');
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    }
    default:
      throw new TypeError(`readFile: encoding must be 'utf8', 'json' or 'base64', got '${String(encoding)}'`);
  }
});
