import { appendFile, mkdir, writeFile as writeToDisk } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { WriteFileInput, type FileEncoding } from '../../core/task-inputs.js';
import { task } from '../task.js';

export type WriteEncoding = FileEncoding;

export interface WriteFileOptions {
  /** Relative to the flow process's working folder; missing parent folders are made. */
  path: string;
  /** Text for 'utf8' and 'base64' (bytes written decoded); any JSON value for 'json'. */
  content: unknown;
  encoding?: WriteEncoding;
  /** Add to the end of the file instead of replacing it. */
  append?: boolean;
}

export interface WriteFileResult {
  /** The absolute path written. */
  path: string;
  /** How many bytes were written. */
  bytes: number;
}

function bytesOf(content: unknown, encoding: WriteEncoding): Buffer {
  if (encoding === 'json') return Buffer.from(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
  if (encoding !== 'utf8' && encoding !== 'base64') {
    throw new TypeError(`writeFile: encoding must be 'utf8', 'json' or 'base64', got '${String(encoding)}'`);
  }
  if (typeof content !== 'string') {
    throw new TypeError(`writeFile: content must be text for encoding '${encoding}', got ${typeof content}; use encoding 'json' for other values`);
  }
  return Buffer.from(content, encoding);
}

/** Writes (or appends) text, pretty JSON or base64-decoded bytes to a file; answers `{ path, bytes }`. */
export const writeFile = task({ name: 'write-file' }, async (options: WriteFileOptions): Promise<WriteFileResult> => {
  if (typeof options?.path !== 'string' || options.path === '') throw new TypeError('writeFile needs { path }');
  const bytes = bytesOf(options.content, options.encoding ?? WriteFileInput.shape.encoding.def.defaultValue);
  const path = resolve(options.path);
  await mkdir(dirname(path), { recursive: true });
  if (options.append ?? WriteFileInput.shape.append.def.defaultValue) await appendFile(path, bytes);
  else await writeToDisk(path, bytes);
  return { path, bytes: bytes.length };
});
