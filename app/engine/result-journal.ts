import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { RESULTS_FOLDER } from '../core/settings/home.js';
import { journalRef, parseJournalRef } from '../core/reuse.js';

/** Where a flow run's recorded results go, relative to FLOWDECK_HOME. */
export function journalFileOf(flowRunId: string): string {
  return `${RESULTS_FOLDER}/runs/${flowRunId}.results`;
}

/** What one entry holds: the result, and the code of the task that computed it. */
export interface JournalEntry {
  value: unknown;
  /** A hash of the task function's source, so a re-run can tell that its code changed since. */
  code: string;
}

/**
 * An entry is one byte saying how the value is written (J: JSON text, V: V8's serialization),
 * the code hash (CODE_LENGTH ASCII characters), then the value.
 */
const CODE_LENGTH = 16;
const JSON_TAG = 0x4a;
const V8_TAG = 0x56;

function encodeEntry(value: unknown, code: string, json: string | null): Buffer {
  if (code.length !== CODE_LENGTH) throw new Error(`a code hash is ${CODE_LENGTH} characters`);
  if (json !== null) return Buffer.from(`J${code}${json}`, 'utf8');
  const serialized = serialize(value);
  const head = Buffer.from(`V${code}`, 'latin1');
  return Buffer.concat([head, serialized], head.length + serialized.length);
}

function decodeEntry(data: Buffer): JournalEntry {
  const code = data.toString('latin1', 1, 1 + CODE_LENGTH);
  const body = data.subarray(1 + CODE_LENGTH);
  if (data[0] === JSON_TAG) return { value: JSON.parse(body.toString('utf8')) as unknown, code };
  if (data[0] === V8_TAG) return { value: deserialize(body), code };
  throw new Error('not a recorded result');
}

/**
 * The results of one flow run's task runs, appended to one file as each run completes, in V8's
 * serialization so a reused result is the very value that was recorded (Dates, Maps, BigInts
 * included). The results of one tick are written together, in a microtask: before any report of
 * that tick is committed (a store commits its batch in a later macrotask, a server's client sends
 * later still), so a state that names a result never outlives the bytes it names, even when the
 * process is killed.
 */
export class ResultJournal {
  private fd: number | null = null;
  /** Where the next result goes: the file's size once everything pending is written. */
  private size = 0;
  private failed = false;
  private pending: Buffer[] = [];
  private unwritable: ((reason: string) => void) | null = null;
  readonly file: string;

  constructor(
    private readonly home: string,
    flowRunId: string,
  ) {
    this.file = journalFileOf(flowRunId);
  }

  /**
   * Records a result and returns its ref; null when the value cannot be serialized (a function,
   * a class with native state) or the file cannot be written, and the task then runs again on a
   * retry. `json` is the value's JSON when JSON gives it back exactly (see exactJsonOf): written
   * as it is, it costs nothing more. `unwritable` hears why, once per journal, for a file that
   * cannot be written.
   */
  append(value: unknown, code: string, json: string | null, unwritable: (reason: string) => void): string | null {
    if (this.failed) return null;
    let data: Buffer;
    try {
      data = encodeEntry(value, code, json);
    } catch {
      return null;
    }
    try {
      this.open();
    } catch (error) {
      this.failed = true;
      unwritable((error as Error).message);
      return null;
    }
    const offset = this.size;
    this.size += data.length;
    if (this.pending.length === 0) queueMicrotask(() => this.flush());
    this.pending.push(data);
    this.unwritable = unwritable;
    return journalRef({ file: this.file, offset, length: data.length });
  }

  /** Writes what was appended since the last flush; a result that could not be written is read as unreadable later. */
  flush(): void {
    if (this.pending.length === 0 || this.fd === null) return;
    const pending = this.pending;
    this.pending = [];
    try {
      const data = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      let written = 0;
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    } catch (error) {
      this.failed = true;
      this.unwritable?.((error as Error).message);
    }
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    // Results are the user's data: readable by the user alone, as the rest of FLOWDECK_HOME.
    mkdirSync(join(this.home, RESULTS_FOLDER, 'runs'), { recursive: true, mode: 0o700 });
    const fd = openSync(join(this.home, this.file), 'a', 0o600);
    // A retried run appends after what its earlier attempts wrote.
    this.size = fstatSync(fd).size;
    this.fd = fd;
    return fd;
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }
}

/** Why a recorded result cannot be read back. */
export class UnreadableResultError extends Error {
  constructor(
    message: string,
    /** The file is not on this machine at all, as opposed to being cut short. */
    readonly missing: boolean,
  ) {
    super(message);
    this.name = 'UnreadableResultError';
  }
}

/**
 * Reads recorded results, keeping each file it has opened until closed: a re-run of a large run
 * reads thousands of entries from one file.
 */
export class JournalReader {
  private readonly files = new Map<string, number>();

  constructor(private readonly home: string) {}

  read(ref: string): JournalEntry {
    const at = parseJournalRef(ref);
    if (!at) throw new UnreadableResultError(`'${ref}' is not a recorded result`, false);
    let fd = this.files.get(at.file);
    if (fd === undefined) {
      try {
        fd = openSync(join(this.home, at.file), 'r');
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        throw new UnreadableResultError(`${at.file} cannot be opened: ${(error as Error).message}`, missing);
      }
      this.files.set(at.file, fd);
    }
    const data = Buffer.allocUnsafe(at.length);
    const read = readSync(fd, data, 0, at.length, at.offset);
    if (read !== at.length) throw new UnreadableResultError(`${at.file} ends before the result at ${at.offset}`, false);
    try {
      return decodeEntry(data);
    } catch (error) {
      throw new UnreadableResultError(`the result at ${at.offset} in ${at.file} cannot be read: ${(error as Error).message}`, false);
    }
  }

  close(): void {
    for (const fd of this.files.values()) closeSync(fd);
    this.files.clear();
  }
}
